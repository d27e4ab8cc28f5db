/**
 * The store queries of the hot paths, recorded while the e-mail pipeline runs
 * against the local servers: a new ticket, the requester's "solved" reply, a reopen,
 * an escalation, and the SLA sweeper and ladder restore. FerretDB 1.24 hands a
 * filter to PostgreSQL only for equality on top-level fields; for any other filter
 * it decodes the whole collection. So each recorded filter must carry such an
 * equality on a field that selects few documents, and FerretDB's explain must
 * report the filter as pushed down.
 */
import mongoose, { Types } from 'mongoose';
import { onTicketActivity } from '../../src/sla/activity.js';
import { restoreLadderJobs, sweepOverdue } from '../../src/sla/sweeper.js';
import { TicketModel, type Ticket } from '../../src/store/ticket.model.js';
import { newestTicketOf } from '../../src/tickets/loop-breaker.js';
import { buildMail } from '../support/mail-builder.js';
import { eventually, L2_CHANNEL, startPipeline, type PipelineHarness } from '../support/pipeline-harness.js';
import { uniqueName } from '../support/servers.js';

interface RecordedQuery {
  collection: string;
  operation: string;
  filter: Record<string, unknown>;
}

/** Operations whose second argument is a filter, as mongoose's debug hook reports them. */
const FILTERED_OPERATIONS = new Set(['find', 'findOne', 'countDocuments', 'updateOne', 'updateMany', 'findOneAndUpdate', 'deleteOne', 'deleteMany']);

/** Fields with a handful of values, so an equality on them alone still selects a large part of a collection. */
const LOW_CARDINALITY_FIELDS = new Set(['channel', 'direction', 'status', 'line', 'priority', 'language', 'outcome', 'kind', 'automatic']);

function isPushedDownValue(value: unknown): boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return true;
  if (value instanceof Date || value instanceof Types.ObjectId) return true;
  if (value !== null && typeof value === 'object' && Object.keys(value).length === 1 && '$eq' in value) {
    return isPushedDownValue((value as { $eq: unknown }).$eq);
  }
  return false;
}

/** Top-level fields of the filter whose condition FerretDB 1.24 hands to PostgreSQL. */
function pushedDownFields(filter: Record<string, unknown>): string[] {
  return Object.entries(filter)
    .filter(([field, value]) => !field.startsWith('$') && !field.includes('.') && isPushedDownValue(value))
    .map(([field]) => field);
}

function selectiveFields(filter: Record<string, unknown>): string[] {
  return pushedDownFields(filter).filter((field) => !LOW_CARDINALITY_FIELDS.has(field) && !(field === 'open' && filter.open === false));
}

function describeQuery(query: RecordedQuery): string {
  return `${query.collection}.${query.operation}(${JSON.stringify(query.filter)})`;
}

/** Queries that read a whole collection on purpose, each with the reason it is not on the per-message path. */
const KNOWN_FULL_SCANS: { collection: string; matches: (filter: Record<string, unknown>) => boolean; reason: string }[] = [
  {
    collection: 'tickets',
    matches: (filter) => Object.keys(filter).length === 0,
    reason: 'the highest ticket number is read from the tickets only while store_state records none',
  },
  {
    collection: 'kb_articles',
    matches: (filter) => Object.keys(filter).length === 0,
    reason: 'the knowledge base is loaded once per process and per import',
  },
  {
    collection: 'address_suppressions',
    matches: (filter) => Object.keys(filter).length === 1 && '_id' in filter,
    // NOTE: `_id: { $in }` in src/outbound/suppression.ts decodes the whole collection on FerretDB, which contains one document per suppressed address.
    reason: 'the suppression list of the outbound send holds only addresses that bounced for good',
  },
];

describe('hot path store queries', () => {
  let harness: PipelineHarness;
  const recorded: RecordedQuery[] = [];

  beforeAll(async () => {
    harness = await startPipeline();
    mongoose.set('debug', (collection: string, operation: string, ...args: unknown[]) => {
      const filter = args[0];
      if (FILTERED_OPERATIONS.has(operation) && filter !== null && typeof filter === 'object') {
        recorded.push({ collection, operation, filter: filter as Record<string, unknown> });
      }
    });
  });

  afterAll(async () => {
    mongoose.set('debug', false);
    await harness?.close();
  });

  it('keeps the query fields in step through intake, resolve, reopen and escalation', async () => {
    const requester = 'Ewa.Nowak@Firma.Example';
    const subject = 'Laptop nie widzi stacji dokującej';
    const firstId = `${uniqueName('first')}@client.example.com`;
    const first = await harness.deliver(
      buildMail({ from: requester, subject, body: 'Od rana laptop nie widzi stacji dokującej ani monitorów.', messageId: firstId, references: ['old-thread@elsewhere.example'] }),
    );
    const number = (await harness.processed(first)).result!.ticketNumber!;
    const created = (await TicketModel.findOne({ number }).lean<Ticket>())!;
    expect(created.requesterAddress).toBe('ewa.nowak@firma.example');
    expect(created.open).toBe(true);

    const solved = await harness.deliver(buildMail({ from: requester, subject: `Re: ${subject}`, body: 'Problem solved, thank you!', inReplyTo: firstId }));
    await harness.processed(solved);
    const resolved = (await TicketModel.findOne({ number }).lean<Ticket>())!;
    expect(resolved.status).toBe('resolved');
    expect(resolved.open).toBe(false);

    const again = await harness.deliver(buildMail({ from: requester, subject: `Re: [#${number}] ${subject}`, body: 'It stopped working again today.' }));
    await harness.processed(again);
    const reopened = (await TicketModel.findOne({ number }).lean<Ticket>())!;
    expect(reopened.status).toBe('new');
    expect(reopened.open).toBe(true);

    // A person-like message with an auto-responder's subject makes the loop breaker count the sender's tickets.
    const robotic = await harness.deliver(buildMail({ from: requester, subject: 'Automatic reply: Laptop', body: 'Jestem poza biurem do piątku.' }));
    await harness.processed(robotic);

    const deps = { config: harness.config, queues: harness.runtime.queues, log: harness.runtime.log };
    await onTicketActivity(deps, reopened._id.toHexString(), 'escalated_now');
    await harness.slack.waitForCall('chat.postMessage', (call) => call.params.channel === L2_CHANNEL && String(call.params.text).includes(`[#${number}]`), 20_000);
    const escalated = await eventually(async () => {
      const ticket = await TicketModel.findOne({ number }).lean<Ticket>();
      return ticket?.line === 'L2' ? ticket : undefined;
    });
    expect(escalated.status).toBe('escalated');
    expect(escalated.open).toBe(true);
    expect(escalated.requesterAddress).toBe('ewa.nowak@firma.example');

    const escalationDeps = { ...deps, slack: harness.runtime.slack };
    await sweepOverdue(escalationDeps);
    expect(await restoreLadderJobs(escalationDeps)).toBeGreaterThanOrEqual(1);
    expect(await newestTicketOf(requester)).toMatchObject({ requesterAddress: 'ewa.nowak@firma.example' });
  });

  it('gives every recorded filter a selective equality on a top-level field', async () => {
    const collections = new Set(recorded.map((query) => query.collection));
    for (const collection of ['tickets', 'messages', 'raw_messages', 'ticket_events', 'escalations']) {
      expect(collections).toContain(collection);
    }
    const unselective = recorded.filter(
      (query) => selectiveFields(query.filter).length === 0 && !KNOWN_FULL_SCANS.some((known) => known.collection === query.collection && known.matches(query.filter)),
    );
    expect(unselective.map(describeQuery)).toEqual([]);
  });

  it('covers the per-key look-ups of threading, the parent wait and the loop breaker', () => {
    const shapes = new Set(recorded.map((query) => `${query.collection}:${Object.keys(query.filter).sort().join(',')}`));
    expect(shapes).toContain('messages:messageId,ticketId');
    expect(shapes).toContain('messages:serverMessageIds,ticketId');
    expect(shapes).toContain('messages:channel,direction,key,outcome');
    expect(shapes).toContain('raw_messages:_id,messageKey,status');
    expect(shapes).toContain('tickets:createdAt,requesterAddress');
  });

  it('has FerretDB push every selective filter down to PostgreSQL', async () => {
    const db = mongoose.connection.db!;
    const seen = new Set<string>();
    for (const query of recorded) {
      if (selectiveFields(query.filter).length === 0) continue;
      const shape = `${query.collection}:${Object.keys(query.filter).sort().join(',')}`;
      if (seen.has(shape)) continue;
      seen.add(shape);
      const plan = (await db.collection(query.collection).find(query.filter).explain()) as { filterPushdown?: boolean };
      expect({ query: describeQuery(query), filterPushdown: plan.filterPushdown }).toEqual({ query: describeQuery(query), filterPushdown: true });
    }
    expect(seen.size).toBeGreaterThan(10);
  });
});
