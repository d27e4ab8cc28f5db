import mongoose from 'mongoose';
import { claimAutoReplySlot } from '../../src/outbound/auto-reply-guard.js';
import { openQueues, deleteQueueKeys, type LiniaQueues } from '../../src/queues/queues.js';
import { connectStore, disconnectStore } from '../../src/store/connection.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { addParticipants, appendEvent, findOrCreateTicket, transitionStatus } from '../../src/tickets/ticket-repository.js';
import { testServers, uniqueName } from '../support/servers.js';

/** These run against FerretDB in CI, whose concurrent updates are not atomic, so they fail if a write path relies on that. */
describe('ticket writes under concurrency', () => {
  let queues: LiniaQueues;

  beforeAll(async () => {
    const servers = testServers();
    await connectStore(`${servers.mongoBaseUri}/${uniqueName('linia_conc')}`);
    queues = openQueues(servers.redisUrl, uniqueName('q'));
  });

  afterAll(async () => {
    await mongoose.connection.dropDatabase();
    await disconnectStore();
    await deleteQueueKeys(queues);
    await queues.close();
  });

  it('gives 30 tickets created at once 30 distinct numbers', async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        findOrCreateTicket({ originKey: `email:concurrent-${index}`, channel: 'email', subject: `s${index}`, language: 'en', requester: { address: `u${index}@x.example`, name: '' } }),
      ),
    );
    const numbers = results.map((result) => result.ticket.number);
    expect(new Set(numbers).size).toBe(30);
    expect(await TicketModel.countDocuments({ originKey: /^email:concurrent-/ })).toBe(30);
  });

  it('creates one ticket for one origin key requested at once', async () => {
    const input = { originKey: 'email:same-origin', channel: 'email' as const, subject: 's', language: 'pl', requester: { address: 'a@x.example', name: '' } };
    const results = await Promise.all(Array.from({ length: 10 }, () => findOrCreateTicket(input)));
    expect(new Set(results.map((result) => result.ticket.number)).size).toBe(1);
    expect(results.filter((result) => result.created)).toHaveLength(1);
  });

  it('keeps every event appended at once, and each key once', async () => {
    const { ticket } = await findOrCreateTicket({ originKey: 'email:events', channel: 'email', subject: 'e', language: 'en', requester: { address: 'e@x.example', name: '' } });
    await Promise.all(
      Array.from({ length: 40 }, (_, index) => appendEvent(ticket, { key: `note-${index % 20}`, type: 'note.added', detail: String(index) })),
    );
    expect(await TicketEventModel.countDocuments({ ticketId: ticket._id })).toBe(20);
  });

  it('keeps every participant added at once', async () => {
    const { ticket } = await findOrCreateTicket({ originKey: 'email:participants', channel: 'email', subject: 'p', language: 'en', requester: { address: 'p@x.example', name: '' } });
    await Promise.all(Array.from({ length: 12 }, (_, index) => addParticipants(queues, ticket._id, [`Colleague${index}@X.example`])));
    const stored = await TicketModel.findById(ticket._id).lean();
    expect(stored?.participants.sort()).toEqual(Array.from({ length: 12 }, (_, index) => `colleague${index}@x.example`).sort());
  });

  it('lets one of several concurrent transitions win', async () => {
    const { ticket } = await findOrCreateTicket({ originKey: 'email:transition', channel: 'email', subject: 't', language: 'en', requester: { address: 't@x.example', name: '' } });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        transitionStatus(queues, ticket._id, { from: ['new'], to: 'resolved', event: { key: `resolved-${index}` }, replan: true }),
      ),
    );
    expect(results.filter((result) => result !== null)).toHaveLength(1);
    const stored = await TicketModel.findById(ticket._id).lean();
    expect(stored?.planVersion).toBe(ticket.planVersion + 1);
  });

  it('gives one automatic-reply slot per address and window', async () => {
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, index) => claimAutoReplySlot(queues, 'Busy@X.example', `message-${index}`, 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = `message-${claims.indexOf(true)}`;
    expect(await claimAutoReplySlot(queues, 'busy@x.example', winner, 60_000)).toBe(true);
    expect(await claimAutoReplySlot(queues, 'busy@x.example', 'late', 60_000, new Date(Date.now() + 61_000))).toBe(true);
  });
});
