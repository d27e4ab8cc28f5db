/**
 * One ticket's outcomes against its targets, on a 24x7 calendar so that
 * business time equals wall time and each expectation reads off the timeline.
 */
import type { BusinessCalendar } from '../../src/sla/business-clock.js';
import { measureTicket } from '../../src/reports/ticket-measure.js';
import { readTicketFacts, type TimelineEvent } from '../../src/reports/ticket-timeline.js';
import { percentile } from '../../src/reports/statistics.js';
import { InvalidReportPeriodError, parseReportPeriod } from '../../src/reports/report-period.js';

const ALWAYS: BusinessCalendar = { name: '24x7', timeZone: 'UTC', always24x7: true, weekly: [], isHoliday: () => false };
const TARGETS = { schedule: '24x7', responseMs: 60 * 60_000, resolutionMs: 4 * 60 * 60_000 };
const CREATED = new Date('2026-11-02T08:00:00Z');

function at(minutes: number): Date {
  return new Date(CREATED.getTime() + minutes * 60_000);
}

function measure(events: TimelineEvent[], asOfMinutes: number, line: 'L1' | 'L2' | 'L3' = 'L1') {
  const asOf = at(asOfMinutes);
  const facts = readTicketFacts({ number: 7, createdAt: CREATED, line, priority: 'P2', category: 'network' }, events, asOf);
  return measureTicket({ ticketNumber: 7, priority: 'P2', category: 'network', facts, targets: TARGETS, calendar: ALWAYS, asOf });
}

describe('measureTicket', () => {
  describe('when the ticket is open and within its targets', () => {
    it('reports both targets as pending', () => {
      const result = measure([], 30);

      expect(result.response).toBe('pending');
      expect(result.resolution).toBe('pending');
      expect(result.responseMs).toBeNull();
    });
  });

  describe('when nobody responded and the ticket was resolved late', () => {
    it('counts the response as missed', () => {
      const result = measure([{ type: 'status.changed', key: 'resolved:a', at: at(90), status: 'resolved' }], 200);

      expect(result.response).toBe('missed');
      expect(result.responseMs).toBeNull();
      expect(result.resolution).toBe('met');
      expect(result.resolutionMs).toBe(90 * 60_000);
    });
  });

  describe('when the claim comes before the first reply', () => {
    it('stops the response clock at the claim', () => {
      const result = measure(
        [
          { type: 'agent_reply.sent', key: 'sent:b', at: at(50) },
          { type: 'ticket.claimed', key: 'claimed', at: at(20) },
        ],
        300,
      );

      expect(result.response).toBe('met');
      expect(result.responseMs).toBe(20 * 60_000);
    });
  });

  describe('when the ticket waits for the requester', () => {
    it('leaves the waiting time out of both clocks', () => {
      const result = measure(
        [
          { type: 'status.changed', key: 'waiting', at: at(10), status: 'waiting_for_requester' },
          { type: 'status.changed', key: 'back', at: at(130), status: 'new' },
          { type: 'agent_reply.sent', key: 'sent:c', at: at(140) },
          { type: 'status.changed', key: 'resolved:c', at: at(200), status: 'resolved' },
        ],
        300,
      );

      expect(result.responseMs).toBe(20 * 60_000);
      expect(result.resolutionMs).toBe(80 * 60_000);
    });
  });

  describe('when events come after the as-of time', () => {
    it('ignores them', () => {
      const result = measure([{ type: 'agent_reply.sent', key: 'sent:d', at: at(45) }], 40);

      expect(result.response).toBe('pending');
    });
  });

  describe('when a knowledge-base answer resolves an escalated ticket', () => {
    it('does not count it as deflected', () => {
      const events: TimelineEvent[] = [
        { type: 'auto_reply.sent', key: 'sent:e', at: at(1), articleId: 'pl/vpn.md' },
        { type: 'ticket.escalated', key: 'escalated:L2', at: at(60), line: 'L2' },
        { type: 'status.changed', key: 'resolved:e', at: at(70), status: 'resolved' },
      ];

      expect(measure(events, 100).deflected).toBe(false);
      expect(measure(events.filter((event) => event.type !== 'ticket.escalated'), 100).deflected).toBe(true);
    });
  });
});

describe('percentile', () => {
  it('interpolates between ranks', () => {
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).toBeCloseTo(91);
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([], 0.5)).toBeNull();
  });
});

describe('parseReportPeriod', () => {
  it('covers whole days in the time zone', () => {
    const period = parseReportPeriod('2026-03-29', '2026-03-29', 'Europe/Warsaw');

    // The day of the switch to summer time has 23 hours.
    expect(period.start.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(period.end.toISOString()).toBe('2026-03-29T22:00:00.000Z');
  });

  it.each([
    ['2026-13-01', '2026-12-31', 'not_a_date'],
    ['2026-11-02', '2.11.2026', 'not_a_date'],
    ['2026-11-15', '2026-11-02', 'reversed'],
    ['2020-01-01', '2026-01-01', 'too_long'],
  ])('rejects %s – %s as %s', (from, to, problem) => {
    const attempt = () => parseReportPeriod(from, to, 'Europe/Warsaw');

    expect(attempt).toThrow(InvalidReportPeriodError);
    try {
      attempt();
    } catch (error) {
      expect((error as InvalidReportPeriodError).problem).toBe(problem);
    }
  });
});
