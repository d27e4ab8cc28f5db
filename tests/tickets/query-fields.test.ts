/**
 * The tickets' derived query fields (`requesterAddress`, `requesterSlackUserId`,
 * `open`) against the FerretDB of `npm run services`: how they are set and kept in
 * step, the start-up backfill, and that the queries moved onto them return what
 * the queries on the nested fields returned.
 */
import mongoose, { Types } from 'mongoose';
import pino from 'pino';
import { openNewTicketModal } from '../../src/channels/slack/slash-command.js';
import type { SlackWorkDeps } from '../../src/channels/slack/slack-deps.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { deleteQueueKeys, openQueues, type LiniaQueues } from '../../src/queues/queues.js';
import { overdueFilter, restoreLadderJobs } from '../../src/sla/sweeper.js';
import { connectStore, disconnectStore, resetStore } from '../../src/store/connection.js';
import { MessageModel } from '../../src/store/message.model.js';
import { StoreStateModel } from '../../src/store/store-state.model.js';
import { backfillTicketQueryFields, TICKET_QUERY_FIELDS_BACKFILL } from '../../src/store/ticket-backfill.js';
import { TicketModel, type Ticket } from '../../src/store/ticket.model.js';
import { newestTicketOf, recentTicketsOf } from '../../src/tickets/loop-breaker.js';
import { findThreadTicket } from '../../src/tickets/threading.js';
import { findOrCreateTicket, recordTicketNumber, transitionStatus } from '../../src/tickets/ticket-repository.js';
import { testServers, uniqueName } from '../support/servers.js';

const log = pino({ level: 'silent' });

/** A ticket document as an older version of Linia stored it: no derived query fields. */
function legacyTicket(number: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const createdAt = new Date(Date.now() - number * 60_000);
  return {
    _id: new Types.ObjectId(),
    number,
    status: 'new',
    line: 'L1',
    priority: 'P3',
    language: 'pl',
    subject: `Zgłoszenie ${number}`,
    channel: 'email',
    requester: { address: `osoba${number}@firma.example`, name: `Osoba ${number}`, slackUserId: null },
    participants: [],
    originKey: `legacy:${number}`,
    due: { l2At: null, l3At: null },
    sla: { pausedAt: null, firstResponseAt: null, responseBreachedAt: null, responseDueAt: null },
    planVersion: 1,
    createdAt,
    updatedAt: createdAt,
    ...overrides,
  };
}

async function storedTicket(id: Types.ObjectId): Promise<Ticket> {
  const ticket = await TicketModel.findById(id).lean<Ticket>();
  if (!ticket) throw new Error(`ticket ${id.toHexString()} not found`);
  return ticket;
}

const ids = (documents: { _id: Types.ObjectId }[]): string[] => documents.map((document) => document._id.toHexString());
const sortedIds = (documents: { _id: Types.ObjectId }[]): string[] => ids(documents).sort();

describe('ticket query fields', () => {
  let queues: LiniaQueues;
  let config: Config;

  beforeAll(async () => {
    const servers = testServers();
    const uri = `${servers.mongoBaseUri}/${uniqueName('linia_fields')}`;
    config = loadConfig({ MONGODB_URI: uri, REDIS_URL: servers.redisUrl, MAIL_FROM: 'Linia <support@linia.test>', LOG_LEVEL: 'silent' }, []);
    await connectStore(uri);
    queues = openQueues(servers.redisUrl, uniqueName('q'));
  });

  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await disconnectStore();
    await deleteQueueKeys(queues);
    await queues.close();
  });

  describe('on write', () => {
    it('derives them for a new e-mail ticket', async () => {
      const { ticket } = await findOrCreateTicket({
        originKey: `email:${uniqueName('m')}`,
        channel: 'email',
        subject: 'Drukarka',
        language: 'pl',
        requester: { address: 'Jan.Kowalski@Firma.Example', name: 'Jan' },
      });
      const stored = await storedTicket(ticket._id);
      expect(stored.requesterAddress).toBe('jan.kowalski@firma.example');
      expect(stored.requesterSlackUserId).toBeNull();
      expect(stored.open).toBe(true);
    });

    it('derives them for a new Slack ticket', async () => {
      const { ticket } = await findOrCreateTicket({
        originKey: `slack:D0FIELDS:${uniqueName('ts')}`,
        channel: 'slack',
        subject: 'VPN',
        language: 'en',
        requester: { address: null, name: 'Anna', slackUserId: 'U0FIELDS' },
      });
      const stored = await storedTicket(ticket._id);
      expect(stored.requesterAddress).toBeNull();
      expect(stored.requesterSlackUserId).toBe('U0FIELDS');
      expect(stored.open).toBe(true);
    });

    it('follows status transitions', async () => {
      const { ticket } = await findOrCreateTicket({
        originKey: `email:${uniqueName('m')}`,
        channel: 'email',
        subject: 'Monitor',
        language: 'pl',
        requester: { address: 'monitor@firma.example', name: '' },
      });
      const resolved = await transitionStatus(queues, ticket._id, { from: ['new'], to: 'resolved', event: { key: 'resolved:1' }, replan: true });
      expect(resolved?.open).toBe(false);
      expect((await storedTicket(ticket._id)).open).toBe(false);

      const reopened = await transitionStatus(queues, ticket._id, { from: ['resolved'], to: 'new', event: { key: 'reopened:1' }, replan: true });
      expect(reopened?.open).toBe(true);
      expect((await storedTicket(ticket._id)).open).toBe(true);

      await transitionStatus(queues, ticket._id, { from: ['new'], to: 'closed', event: { key: 'closed:1' }, replan: true });
      expect((await storedTicket(ticket._id)).open).toBe(false);
    });

    it('follows every form of status update', async () => {
      const { ticket } = await findOrCreateTicket({
        originKey: `email:${uniqueName('m')}`,
        channel: 'email',
        subject: 'Klawiatura',
        language: 'pl',
        requester: { address: 'klawiatura@firma.example', name: '' },
      });
      await TicketModel.updateOne({ _id: ticket._id }, { $set: { status: 'resolved' } });
      expect((await storedTicket(ticket._id)).open).toBe(false);

      await TicketModel.updateOne({ _id: ticket._id }, { status: 'escalated' });
      expect((await storedTicket(ticket._id)).open).toBe(true);

      await TicketModel.findOneAndUpdate({ _id: ticket._id }, { $set: { status: 'closed' } });
      expect((await storedTicket(ticket._id)).open).toBe(false);

      await TicketModel.updateMany({ _id: ticket._id }, { $set: { status: 'waiting_for_requester' } });
      expect((await storedTicket(ticket._id)).open).toBe(true);
    });

    it('follows requester updates', async () => {
      const { ticket } = await findOrCreateTicket({
        originKey: `email:${uniqueName('m')}`,
        channel: 'email',
        subject: 'Mysz',
        language: 'pl',
        requester: { address: 'stary@firma.example', name: '' },
      });
      await TicketModel.updateOne({ _id: ticket._id }, { $set: { 'requester.address': 'Nowy@Firma.Example' } });
      expect((await storedTicket(ticket._id)).requesterAddress).toBe('nowy@firma.example');

      await TicketModel.updateOne({ _id: ticket._id }, { $set: { requester: { address: null, name: 'Ktoś', slackUserId: 'U0NEW' } } });
      const stored = await storedTicket(ticket._id);
      expect(stored.requesterAddress).toBeNull();
      expect(stored.requesterSlackUserId).toBe('U0NEW');
    });

    it('rejects an update that unsets the status', async () => {
      const { ticket } = await findOrCreateTicket({
        originKey: `email:${uniqueName('m')}`,
        channel: 'email',
        subject: 'Słuchawki',
        language: 'pl',
        requester: { address: 'sluchawki@firma.example', name: '' },
      });
      await expect(TicketModel.updateOne({ _id: ticket._id }, { $unset: { status: 1 } })).rejects.toThrow(/unsets status/);
    });
  });

  describe('backfill', () => {
    beforeEach(async () => {
      await TicketModel.deleteMany({});
      await StoreStateModel.deleteOne({ _id: TICKET_QUERY_FIELDS_BACKFILL });
    });

    it('fills tickets stored without the fields', async () => {
      const legacy = [
        legacyTicket(9001, { requester: { address: 'Mixed.Case@Firma.Example', name: 'M', slackUserId: null } }),
        legacyTicket(9002, { status: 'resolved' }),
        legacyTicket(9003, { status: 'closed', channel: 'slack', requester: { address: null, name: 'S', slackUserId: 'U0LEGACY' } }),
        legacyTicket(9004, { status: 'waiting_for_requester' }),
      ];
      await TicketModel.collection.insertMany(legacy);

      expect(await backfillTicketQueryFields(log)).toBe(4);

      const stored = await TicketModel.find({ number: { $gte: 9001 } }).sort({ number: 1 }).lean<Ticket[]>();
      expect(stored.map((ticket) => ticket.requesterAddress)).toEqual(['mixed.case@firma.example', 'osoba9002@firma.example', null, 'osoba9004@firma.example']);
      expect(stored.map((ticket) => ticket.requesterSlackUserId)).toEqual([null, null, 'U0LEGACY', null]);
      expect(stored.map((ticket) => ticket.open)).toEqual([true, false, false, true]);
      expect(await StoreStateModel.findById(TICKET_QUERY_FIELDS_BACKFILL).lean()).toMatchObject({ updated: 4 });
    });

    it('skips the scan once it has finished', async () => {
      await TicketModel.collection.insertMany([legacyTicket(9101)]);
      expect(await backfillTicketQueryFields(log)).toBe(1);

      await TicketModel.collection.insertMany([legacyTicket(9102)]);
      expect(await backfillTicketQueryFields(log)).toBe(0);
      expect((await TicketModel.findOne({ number: 9102 }).lean<Ticket>())?.open).toBeUndefined();
    });

    it('updates nothing when run again', async () => {
      await TicketModel.collection.insertMany([legacyTicket(9201), legacyTicket(9202, { status: 'resolved' })]);
      expect(await backfillTicketQueryFields(log)).toBe(2);

      await StoreStateModel.deleteOne({ _id: TICKET_QUERY_FIELDS_BACKFILL });
      expect(await backfillTicketQueryFields(log)).toBe(0);
    });

    it('fills more tickets than one batch', async () => {
      // One read batch of the cursor is 500 tickets.
      await TicketModel.collection.insertMany(Array.from({ length: 620 }, (_, index) => legacyTicket(10_000 + index, { status: index % 3 === 0 ? 'resolved' : 'new' })));

      expect(await backfillTicketQueryFields(log)).toBe(620);

      expect(await TicketModel.countDocuments({ open: true })).toBe(413);
      expect(await TicketModel.countDocuments({ open: false })).toBe(207);
      expect(await TicketModel.countDocuments({ requesterAddress: null })).toBe(0);
    });

    it('runs when the store is connected', async () => {
      await TicketModel.collection.insertMany([legacyTicket(9301, { status: 'closed' })]);
      const uri = `${testServers().mongoBaseUri}/${mongoose.connection.name}`;
      await disconnectStore();
      await connectStore(uri);

      const stored = await TicketModel.findOne({ number: 9301 }).lean<Ticket>();
      expect(stored?.open).toBe(false);
      expect(stored?.requesterAddress).toBe('osoba9301@firma.example');
    });
  });

  describe('ticket numbers', () => {
    // A new store generation, so findOrCreateTicket drops the number it cached in this process.
    beforeEach(async () => {
      await resetStore();
    });

    it('continue after tickets stored without a recorded number', async () => {
      await TicketModel.collection.insertMany([legacyTicket(41), legacyTicket(42)]);
      const { ticket } = await findOrCreateTicket({ originKey: `email:${uniqueName('m')}`, channel: 'email', subject: 'a', language: 'pl', requester: { address: 'a@firma.example', name: '' } });
      expect(ticket.number).toBe(43);
      expect((await StoreStateModel.findById('ticket-number').lean())?.number).toBe(43);
    });

    it('continue after a recorded number that lags behind', async () => {
      // Numbers 52 to 61 are taken without being recorded, so after a few lost inserts the tickets are scanned.
      await recordTicketNumber(50);
      await findOrCreateTicket({ originKey: `email:${uniqueName('m')}`, channel: 'email', subject: 'a', language: 'pl', requester: { address: 'a@firma.example', name: '' } });
      await TicketModel.collection.insertMany(Array.from({ length: 10 }, (_, index) => legacyTicket(52 + index)));

      const { ticket } = await findOrCreateTicket({ originKey: `email:${uniqueName('m')}`, channel: 'email', subject: 'b', language: 'pl', requester: { address: 'b@firma.example', name: '' } });
      expect(ticket.number).toBe(62);
    });

    it('keep the higher recorded number', async () => {
      await recordTicketNumber(70);
      await recordTicketNumber(65);
      expect((await StoreStateModel.findById('ticket-number').lean())?.number).toBe(70);
    });
  });

  describe('queries', () => {
    const now = Date.now();
    const hourAgo = new Date(now - 60 * 60_000);

    beforeAll(async () => {
      await TicketModel.deleteMany({});
      await MessageModel.deleteMany({});
      const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000);
      const tickets = [
        legacyTicket(1, { requester: { address: 'loop@firma.example', name: '', slackUserId: null }, createdAt: minutesAgo(5) }),
        legacyTicket(2, { requester: { address: 'loop@firma.example', name: '', slackUserId: null }, createdAt: minutesAgo(30) }),
        legacyTicket(3, { requester: { address: 'loop@firma.example', name: '', slackUserId: null }, createdAt: minutesAgo(90), status: 'resolved' }),
        legacyTicket(4, { requester: { address: 'loop@firma.example', name: '', slackUserId: null }, createdAt: minutesAgo(50) }),
        legacyTicket(5, { requester: { address: 'other@firma.example', name: '', slackUserId: null }, createdAt: minutesAgo(2) }),
        // Overdue cases for the sweeper: due L2, due L3, response due, paused, closed, not due yet.
        legacyTicket(6, { due: { l2At: minutesAgo(10), l3At: null } }),
        legacyTicket(7, { line: 'L2', status: 'escalated', due: { l2At: minutesAgo(100), l3At: minutesAgo(1) } }),
        legacyTicket(8, { sla: { pausedAt: null, firstResponseAt: null, responseBreachedAt: null, responseDueAt: minutesAgo(3) } }),
        legacyTicket(9, { due: { l2At: minutesAgo(10), l3At: null }, sla: { pausedAt: minutesAgo(20), firstResponseAt: null, responseBreachedAt: null, responseDueAt: null } }),
        legacyTicket(10, { status: 'closed', due: { l2At: minutesAgo(10), l3At: null } }),
        legacyTicket(11, { due: { l2At: new Date(now + 60 * 60_000), l3At: null } }),
        legacyTicket(12, { line: 'L2', status: 'escalated', due: { l2At: minutesAgo(10), l3At: new Date(now + 60_000) } }),
        legacyTicket(13, { sla: { pausedAt: null, firstResponseAt: minutesAgo(4), responseBreachedAt: null, responseDueAt: minutesAgo(3) } }),
        legacyTicket(14, { status: 'waiting_for_requester', due: { l2At: minutesAgo(10), l3At: null } }),
        // Slack requesters for the slash command.
        legacyTicket(15, { channel: 'slack', requester: { address: null, name: 'S', slackUserId: 'U0SLASH' } }),
        legacyTicket(16, { channel: 'slack', status: 'resolved', requester: { address: null, name: 'S', slackUserId: 'U0SLASH' } }),
        legacyTicket(17, { channel: 'slack', requester: { address: null, name: 'S', slackUserId: 'U0SLASH' } }),
      ];
      await TicketModel.collection.insertMany(tickets);
      await StoreStateModel.deleteOne({ _id: TICKET_QUERY_FIELDS_BACKFILL });
      await backfillTicketQueryFields(log);

      const ticketIdOf = async (number: number) => (await TicketModel.findOne({ number }, { _id: 1 }).lean())!._id;
      await MessageModel.create([
        { channel: 'email', key: 'in-1', direction: 'in', messageId: 'in-1@firma.example', ticketId: await ticketIdOf(1), ticketNumber: 1 },
        { channel: 'email', key: 'ack-2', direction: 'out', messageId: 'ack-2@linia.test', serverMessageIds: ['relay-2@relay.example'], ticketId: await ticketIdOf(2), ticketNumber: 2 },
        { channel: 'email', key: 'in-none', direction: 'in', messageId: 'in-none@firma.example', ticketId: null },
        { channel: 'email', key: 'in-5', direction: 'in', messageId: 'in-5@firma.example', ticketId: await ticketIdOf(5), ticketNumber: 5 },
      ]);
    });

    it.each(['loop@firma.example', 'LOOP@firma.example', 'other@firma.example', 'nobody@firma.example'])(
      'loop breaker finds the recent tickets of %s as before',
      async (address) => {
        const before = await TicketModel.find({ 'requester.address': address.toLowerCase(), createdAt: { $gte: hourAgo } })
          .sort({ createdAt: -1 })
          .limit(3)
          .lean<Ticket[]>();
        expect(ids(await recentTicketsOf(address, hourAgo))).toEqual(ids(before));

        const newestBefore = await TicketModel.findOne({ 'requester.address': address.toLowerCase() }).sort({ createdAt: -1 }).lean<Ticket>();
        expect((await newestTicketOf(address))?._id.toHexString()).toBe(newestBefore?._id.toHexString());
      },
    );

    it.each([
      ['in-1@firma.example', 1],
      ['relay-2@relay.example', 2],
      ['ack-2@linia.test', 2],
      ['in-none@firma.example', null],
      ['unknown@firma.example', null],
    ])('threading finds the ticket of %s as before', async (messageId, expected) => {
      const before = await MessageModel.findOne({ $or: [{ messageId }, { serverMessageIds: messageId }], ticketId: { $ne: null } }, { ticketNumber: 1 }).lean();
      expect(before?.ticketNumber ?? null).toBe(expected);

      const byInReplyTo = await findThreadTicket({ inReplyTo: messageId, references: [], ticketTag: null, fromAddress: null });
      expect(byInReplyTo?.ticket.number ?? null).toBe(expected);
      const byReferences = await findThreadTicket({ inReplyTo: null, references: ['unknown-old@firma.example', messageId], ticketTag: null, fromAddress: null });
      expect(byReferences?.ticket.number ?? null).toBe(expected);
    });

    it('sweeper selects the overdue tickets as before', async () => {
      const cutoff = new Date(now - 30_000);
      const before = await TicketModel.find({
        status: { $nin: ['resolved', 'closed'] },
        'sla.pausedAt': null,
        $or: [
          { line: 'L1', 'due.l2At': { $lte: cutoff } },
          { line: 'L2', 'due.l3At': { $lte: cutoff } },
          { 'sla.firstResponseAt': null, 'sla.responseBreachedAt': null, 'sla.responseDueAt': { $lte: cutoff } },
        ],
      }).lean<Ticket[]>();
      const after = await TicketModel.find(overdueFilter(cutoff)).lean<Ticket[]>();

      expect(sortedIds(after)).toEqual(sortedIds(before));
      expect(after.map((ticket) => ticket.number).sort((a, b) => a - b)).toEqual([6, 7, 8, 14]);
    });

    it('ladder restore visits the open, unpaused tickets as before', async () => {
      const before = await TicketModel.countDocuments({ status: { $nin: ['resolved', 'closed'] }, 'sla.pausedAt': null });
      const restored = await restoreLadderJobs({ config, queues, slack: null, log, now: () => new Date(now) });
      expect(restored).toBe(before);
      expect(restored).toBe(13);
    });

    it('slash command lists the open tickets of the user as before', async () => {
      const views: unknown[] = [];
      const deps = { config, log, slack: { views: { open: async (request: unknown) => views.push(request) } } } as unknown as SlackWorkDeps;
      const before = await TicketModel.find({ 'requester.slackUserId': 'U0SLASH', status: { $nin: ['resolved', 'closed'] } }).lean<Ticket[]>();

      const outcome = await openNewTicketModal({ user_id: 'U0SLASH', trigger_id: 'trigger-1' }, deps);

      expect(outcome).toBe(`modal opened with ${before.length} open tickets`);
      expect(before.map((ticket) => ticket.number).sort((a, b) => a - b)).toEqual([15, 17]);
      expect(views).toHaveLength(1);
    });
  });
});
