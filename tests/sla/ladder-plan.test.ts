import { policySchema } from '../../src/config/policy.js';
import { businessLadderClock } from '../../src/sla/ladder-clock.js';
import { planLadder, type LadderState } from '../../src/sla/ladder-plan.js';
import { ladderTargets, lineTarget } from '../../src/sla/ladder-policy.js';

const HOUR = 3_600_000;

const policy = policySchema.parse({
  escalation: { toL2After: '4h', toL3After: '8h' },
  schedules: { office: { weekly: { 'mon-fri': '08:00-18:00' } } },
  ladder: {
    default: { schedule: 'default' },
    P1: { schedule: '24x7', response: '15m', toL2: '30m', toL3: '1h', remindBefore: ['10m'], categories: { security: { toL2: '10m' } } },
    P2: { schedule: 'office', response: '4h', toL2: '6h', remindBefore: ['1h', '30m'] },
  },
  lines: {
    L2: { email: ['l2@firma.example'] },
    L3: { email: ['l3@firma.example'], categories: { network: { slackChannel: 'C0NETWORK', email: [] } } },
  },
});
const clock = businessLadderClock(policy);

function state(overrides: Partial<LadderState>): LadderState {
  return {
    createdAt: new Date('2026-03-02T16:00:00Z'),
    line: 'L1',
    status: 'new',
    firstResponseAt: null,
    pausedAt: null,
    pausedMs: 0,
    lineStartedAt: null,
    lineStartPausedMs: 0,
    ...overrides,
  };
}

describe('ladderTargets', () => {
  it('falls back to escalation.* for a priority without its own keys', () => {
    expect(ladderTargets(policy, 'P3', null)).toEqual({ schedule: 'default', responseMs: null, toL2Ms: 4 * HOUR, toL3Ms: 8 * HOUR, remindBeforeMs: [] });
  });

  it('lets a category override its priority', () => {
    const targets = ladderTargets(policy, 'P1', 'security');
    expect(targets.toL2Ms).toBe(10 * 60_000);
    expect(targets.toL3Ms).toBe(HOUR);
    expect(targets.schedule).toBe('24x7');
  });

  it('counts every minute without a ladder section', () => {
    const bare = policySchema.parse({});
    expect(ladderTargets(bare, 'P2', null).schedule).toBe('24x7');
  });
});

describe('lineTarget', () => {
  it('routes a category to its own L3 team', () => {
    expect(lineTarget(policy, 'L3', 'network')).toEqual({ slackChannel: 'C0NETWORK', email: ['l3@firma.example'], lead: undefined });
    expect(lineTarget(policy, 'L3', 'printing').slackChannel).toBeUndefined();
  });
});

describe('planLadder', () => {
  describe('on an 08–18 schedule', () => {
    // Monday 2026-03-02 17:00 in Warsaw (UTC+1): one business hour left that day.
    const monday17 = new Date('2026-03-02T16:00:00Z');

    it('carries a 4 h target overnight', () => {
      const plan = planLadder(state({ createdAt: monday17 }), ladderTargets(policy, 'P2', null), clock);
      expect(plan.responseDueAt?.toISOString()).toBe('2026-03-03T10:00:00.000Z');
      const reminders = plan.reminders.filter((reminder) => reminder.deadline === 'response');
      expect(reminders.map((reminder) => reminder.at.toISOString())).toEqual(['2026-03-03T09:00:00.000Z', '2026-03-03T09:30:00.000Z']);
    });

    it('moves a deadline that ends at closing time to the next opening', () => {
      // Monday 12:00 + 6 h of business time ends at 18:00, the closing instant; the notice waits for Tuesday 08:00.
      const targets = { ...ladderTargets(policy, 'P2', null), toL2Ms: 6 * HOUR };
      const plan = planLadder(state({ createdAt: new Date('2026-03-02T11:00:00Z') }), targets, clock);
      expect(plan.l2At?.toISOString()).toBe('2026-03-03T07:00:00.000Z');
      expect(plan.reminders.filter((reminder) => reminder.deadline === 'L2').map((reminder) => reminder.at.toISOString())).toEqual([
        '2026-03-02T16:00:00.000Z',
        '2026-03-02T16:30:00.000Z',
      ]);
    });

    it('extends the deadline by the business time the clock was paused', () => {
      const plan = planLadder(state({ createdAt: monday17, pausedMs: 2 * HOUR }), ladderTargets(policy, 'P2', null), clock);
      expect(plan.responseDueAt?.toISOString()).toBe('2026-03-03T12:00:00.000Z');
    });
  });

  describe('on a 24x7 schedule', () => {
    it('counts through the night', () => {
      const createdAt = new Date('2026-03-06T22:50:00Z');
      const plan = planLadder(state({ createdAt }), ladderTargets(policy, 'P1', null), clock);
      expect(plan.l2At?.toISOString()).toBe('2026-03-06T23:20:00.000Z');
      expect(plan.responseDueAt?.toISOString()).toBe('2026-03-06T23:05:00.000Z');
      expect(plan.reminders.map((reminder) => `${reminder.deadline} ${reminder.at.toISOString()}`)).toEqual([
        'response 2026-03-06T22:55:00.000Z',
        'L2 2026-03-06T23:10:00.000Z',
      ]);
    });
  });

  it('plans L3 from the time the ticket reached L2', () => {
    const lineStartedAt = new Date('2026-03-06T10:00:00Z');
    const plan = planLadder(
      state({ line: 'L2', lineStartedAt, pausedMs: 20 * 60_000, lineStartPausedMs: 5 * 60_000, firstResponseAt: lineStartedAt }),
      ladderTargets(policy, 'P1', null),
      clock,
    );
    expect(plan.l2At).toBeNull();
    expect(plan.l3At?.toISOString()).toBe('2026-03-06T11:15:00.000Z');
    expect(plan.responseDueAt).toBeNull();
  });

  it('has no deadlines while paused', () => {
    const plan = planLadder(state({ pausedAt: new Date() }), ladderTargets(policy, 'P1', null), clock);
    expect(plan).toEqual({ responseDueAt: null, l2At: null, l3At: null, reminders: [] });
  });

  it('has no deadlines once resolved', () => {
    expect(planLadder(state({ status: 'resolved' }), ladderTargets(policy, 'P1', null), clock).l2At).toBeNull();
  });

  it('waits for the next opening on the default schedule', () => {
    // Friday 2026-03-06 15:30 Warsaw with 4 h to L2 on 08–16: 30 min on Friday, 3.5 h on Monday.
    const plan = planLadder(state({ createdAt: new Date('2026-03-06T14:30:00Z') }), ladderTargets(policy, 'P3', null), clock);
    expect(plan.l2At?.toISOString()).toBe('2026-03-09T10:30:00.000Z');
  });
});
