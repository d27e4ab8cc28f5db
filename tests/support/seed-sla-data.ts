/**
 * A small ticket store for the SLA report tests. Ten tickets are created from
 * Monday 2 to Sunday 15 November 2026 (Europe/Warsaw, UTC+1 then) and one just
 * after. Their timelines let every figure of the report be worked out by hand.
 * Wednesday 11 November is a Polish public holiday.
 *
 * Targets of SLA_TEST_POLICY, in business minutes:
 *   P1 24x7     response 30   resolution 240
 *   P2 default  response 60   resolution 480
 *   P3 default  response 240  resolution 960
 *   P4 default  response 480  resolution 2400  (from report.targets, the ladder sets none)
 * The `default` schedule is Monday–Friday 08:00–16:00.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { TicketModel, type SupportLine, type TicketEventType, type TicketStatus } from '../../src/store/ticket.model.js';

export const SEED_PERIOD = { from: '2026-11-02', to: '2026-11-15' } as const;
/** Clocks of the two open tickets run to this instant in the in-process tests. */
export const SEED_AS_OF = new Date('2026-12-01T12:00:00Z');

export const SLA_TEST_POLICY = {
  timeZone: 'Europe/Warsaw',
  ladder: {
    default: { schedule: 'default' },
    P1: { schedule: '24x7', response: '30m' },
    P2: { response: '1h' },
    P3: { response: '4h' },
  },
  report: {
    targets: {
      P1: { resolution: '4h' },
      P2: { resolution: '8h' },
      P3: { resolution: '16h' },
      P4: { response: '8h', resolution: '40h' },
    },
  },
};

/** Writes SLA_TEST_POLICY as JSON into `dir` and returns the file's path. */
export function writeSlaTestPolicy(dir: string): string {
  const file = path.join(dir, 'sla-policy.json');
  writeFileSync(file, JSON.stringify(SLA_TEST_POLICY, null, 2));
  return file;
}

/** Warsaw wall-clock time `YYYY-MM-DD HH:MM` as an instant. */
export function warsaw(text: string): Date {
  const time = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm', { zone: 'Europe/Warsaw' });
  if (!time.isValid) {
    throw new Error(`seed time "${text}" is invalid`);
  }
  return time.toJSDate();
}

interface SeedEvent {
  type: TicketEventType;
  at: string;
  key?: string;
  line?: SupportLine;
  status?: TicketStatus;
  articleId?: string;
  agent?: string;
}

interface SeedTicket {
  number: number;
  createdAt: string;
  priority: 'P1' | 'P2' | 'P3' | 'P4';
  category: string | null;
  /** Line stored on the ticket now; a resolved ticket may have stepped down. */
  line: SupportLine;
  status: TicketStatus;
  events: SeedEvent[];
}

const WIFI = 'en/wifi-connection.md';
const PRINTER = 'pl/drukarka-nie-drukuje.md';

/**
 * Each ticket with what the report must make of it (response / resolution in
 * business minutes; "n/a" when resolved with no response due).
 */
export const SEED_TICKETS: SeedTicket[] = [
  {
    // T1: reply after 30, resolved after 240; the later `closed` keeps the resolution time.
    number: 1,
    createdAt: '2026-11-02 09:00',
    priority: 'P2',
    category: 'network',
    line: 'L1',
    status: 'closed',
    events: [
      { type: 'agent_reply.sent', at: '2026-11-02 09:30' },
      { type: 'status.changed', at: '2026-11-02 13:00', status: 'resolved' },
      { type: 'status.changed', at: '2026-11-05 10:00', status: 'closed' },
    ],
  },
  {
    // T2: claimed after 60 (Mon) + 150 (Tue) = 210, missed; resolved after 60 + 480 + 60 = 600, missed.
    number: 2,
    createdAt: '2026-11-02 15:00',
    priority: 'P2',
    category: 'network',
    line: 'L2',
    status: 'resolved',
    events: [
      { type: 'ticket.escalated', at: '2026-11-03 10:00', line: 'L2' },
      { type: 'sla.breached', at: '2026-11-03 10:00', key: 'breached:response', line: 'L1' },
      { type: 'ticket.claimed', at: '2026-11-03 10:30', agent: 'U0AGENT2' },
      { type: 'agent_reply.sent', at: '2026-11-03 11:00' },
      { type: 'status.changed', at: '2026-11-04 09:00', status: 'resolved' },
    ],
  },
  {
    // T3: knowledge-base answer, requester confirms two hours later: resolution 121 - 120 paused = 1; deflected.
    number: 3,
    createdAt: '2026-11-03 10:00',
    priority: 'P3',
    category: 'hardware',
    line: 'L1',
    status: 'resolved',
    events: [
      { type: 'auto_reply.sent', at: '2026-11-03 10:01', articleId: PRINTER },
      { type: 'status.changed', at: '2026-11-03 10:01', key: 'waiting', status: 'waiting_for_requester', articleId: PRINTER },
      { type: 'kb.feedback', at: '2026-11-03 12:01', articleId: PRINTER },
      { type: 'status.changed', at: '2026-11-03 12:01', status: 'resolved' },
    ],
  },
  {
    // T4: the article did not help. Paused Wed 14:01–16:00 and Thu 08:00–09:00 = 179;
    // reply Thu 10:00 = 240 - 179 = 61; resolved Thu 15:00 = 540 - 179 = 361.
    number: 4,
    createdAt: '2026-11-04 14:00',
    priority: 'P3',
    category: 'hardware',
    line: 'L1',
    status: 'resolved',
    events: [
      { type: 'auto_reply.sent', at: '2026-11-04 14:01', articleId: PRINTER },
      { type: 'status.changed', at: '2026-11-04 14:01', key: 'waiting', status: 'waiting_for_requester' },
      { type: 'status.changed', at: '2026-11-05 09:00', key: 'back-to-l1', status: 'new' },
      { type: 'agent_reply.sent', at: '2026-11-05 10:00' },
      { type: 'status.changed', at: '2026-11-05 15:00', status: 'resolved' },
    ],
  },
  {
    // T5: P1 on 24x7, Saturday night: claimed after 20; up to L3; resolved, reopened two hours
    // later, resolved again: 480 - 120 resolved = 360, missed. Stepped down to L1 on resolution.
    number: 5,
    createdAt: '2026-11-07 22:00',
    priority: 'P1',
    category: 'security',
    line: 'L1',
    status: 'resolved',
    events: [
      { type: 'ticket.claimed', at: '2026-11-07 22:20', agent: 'U0AGENT1' },
      { type: 'ticket.escalated', at: '2026-11-07 23:00', line: 'L2' },
      { type: 'ticket.escalated', at: '2026-11-08 01:00', line: 'L3' },
      { type: 'status.changed', at: '2026-11-08 03:00', status: 'resolved' },
      { type: 'status.changed', at: '2026-11-08 05:00', key: 'reopened:mail-5b', status: 'escalated' },
      { type: 'status.changed', at: '2026-11-08 06:00', key: 'resolved:mail-5c', status: 'resolved' },
    ],
  },
  {
    // T6: never answered, still open: both targets missed, no times.
    number: 6,
    createdAt: '2026-11-09 09:00',
    priority: 'P3',
    category: null,
    line: 'L1',
    status: 'new',
    events: [],
  },
  {
    // T7: across the 11 November holiday: reply Thu 09:00 = 60 + 0 + 60 = 120;
    // resolved Fri 15:00 = 60 + 480 + 420 = 960.
    number: 7,
    createdAt: '2026-11-10 15:00',
    priority: 'P4',
    category: 'software',
    line: 'L1',
    status: 'resolved',
    events: [
      { type: 'agent_reply.sent', at: '2026-11-12 09:00' },
      { type: 'status.changed', at: '2026-11-13 15:00', status: 'resolved' },
    ],
  },
  {
    // T8: knowledge-base answer confirmed after 30 minutes: resolution 31 - 30 = 1; deflected.
    number: 8,
    createdAt: '2026-11-12 11:00',
    priority: 'P2',
    category: 'network',
    line: 'L1',
    status: 'resolved',
    events: [
      { type: 'auto_reply.sent', at: '2026-11-12 11:01', articleId: WIFI },
      { type: 'status.changed', at: '2026-11-12 11:01', key: 'waiting', status: 'waiting_for_requester' },
      { type: 'status.changed', at: '2026-11-12 11:31', status: 'resolved' },
    ],
  },
  {
    // T9: answered from the knowledge base, confirmed, reopened an hour later, claimed:
    // paused 10 + 60 = 70; claim 101 - 70 = 31; resolved 12:00 = 180 - 70 = 110. Not deflected.
    number: 9,
    createdAt: '2026-11-13 09:00',
    priority: 'P2',
    category: 'network',
    line: 'L1',
    status: 'resolved',
    events: [
      { type: 'auto_reply.sent', at: '2026-11-13 09:01', articleId: WIFI },
      { type: 'status.changed', at: '2026-11-13 09:01', key: 'waiting', status: 'waiting_for_requester' },
      { type: 'status.changed', at: '2026-11-13 09:11', key: 'resolved:mail-9b', status: 'resolved' },
      { type: 'status.changed', at: '2026-11-13 10:11', key: 'reopened:mail-9c', status: 'new' },
      { type: 'ticket.claimed', at: '2026-11-13 10:41', agent: 'U0AGENT1' },
      { type: 'status.changed', at: '2026-11-13 12:00', key: 'resolved:mail-9d', status: 'resolved' },
    ],
  },
  {
    // T10: 00:30 local on the first day is still 1 November in UTC, but inside the period. Open.
    number: 10,
    createdAt: '2026-11-02 00:30',
    priority: 'P3',
    category: 'hardware',
    line: 'L1',
    status: 'new',
    events: [],
  },
  {
    // T11: 00:30 local on 16 November is still 15 November in UTC, but outside the period.
    number: 11,
    createdAt: '2026-11-16 00:30',
    priority: 'P1',
    category: 'security',
    line: 'L3',
    status: 'resolved',
    events: [
      { type: 'ticket.escalated', at: '2026-11-16 01:00', line: 'L2' },
      { type: 'status.changed', at: '2026-11-16 02:00', status: 'resolved' },
    ],
  },
];

/** Inserts SEED_TICKETS and their timelines into the connected store. */
export async function seedSlaData(): Promise<void> {
  for (const seed of SEED_TICKETS) {
    const createdAt = warsaw(seed.createdAt);
    const ticket = await TicketModel.create({
      number: seed.number,
      status: seed.status,
      line: seed.line,
      priority: seed.priority,
      category: seed.category,
      language: 'pl',
      subject: `Zgłoszenie testowe ${seed.number}`,
      channel: 'email',
      requester: { address: `osoba${seed.number}@firma.example`, name: `Osoba ${seed.number}` },
      originKey: `email:seed-${seed.number}`,
      createdAt,
      updatedAt: createdAt,
    });
    const events = [
      { type: 'ticket.created' as const, at: seed.createdAt, key: 'created' },
      { type: 'message.received' as const, at: seed.createdAt, key: `in:seed-${seed.number}` },
      ...seed.events,
    ];
    await TicketEventModel.insertMany(
      events.map((event, index) => ({
        ticketId: ticket._id,
        ticketNumber: seed.number,
        key: event.key ?? `${event.type}:${index}`,
        type: event.type,
        at: warsaw(event.at),
        line: 'line' in event ? event.line : undefined,
        status: 'status' in event ? event.status : undefined,
        articleId: 'articleId' in event ? event.articleId : undefined,
        agent: 'agent' in event ? event.agent : undefined,
      })),
    );
  }
}
