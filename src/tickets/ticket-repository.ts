import type { Types } from 'mongoose';
import { isDuplicateKeyError, storeGeneration } from '../store/connection.js';
import { TicketEventModel, type TicketEventRecord } from '../store/ticket-event.model.js';
import { TicketModel, type Ticket, type TicketEventType, type TicketStatus } from '../store/ticket.model.js';
import { withLock, type LockOwner } from './redis-lock.js';

export interface NewTicketEvent {
  key: string;
  type: TicketEventType;
  at?: Date;
  messageKey?: string;
  from?: string;
  line?: 'L1' | 'L2' | 'L3';
  status?: TicketStatus;
  articleId?: string;
  detail?: string;
}

export interface NewTicket {
  originKey: string;
  channel: 'email' | 'slack';
  subject: string;
  language: string;
  requester: { address: string | null; name: string; slackUserId?: string | null };
}

/** Attempts at taking the next ticket number before giving up; each loss means another writer took it. */
const MAX_NUMBER_ATTEMPTS = 50;

async function highestTicketNumber(): Promise<number> {
  const last = await TicketModel.findOne({}, { number: 1 }).sort({ number: -1 }).lean();
  return last?.number ?? 0;
}

/**
 * Highest ticket number this process has seen. Sorting all tickets for every new
 * one costs time in proportion to the number of tickets on FerretDB, so the sort
 * runs only at the first ticket of a process and after another process took the
 * number this one tried.
 */
let lastKnownNumber: number | null = null;
let lastKnownGeneration = '';

/**
 * Returns the ticket opened by `originKey`, creating it when there is none.
 * The number is the highest one plus one. The unique index on `number` lets only
 * one concurrent insert win it, and a loser reads the highest number again and
 * tries the next one. A retry after a crash finds the ticket created the first
 * time, because `originKey` is unique.
 */
export async function findOrCreateTicket(input: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
  for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
    const existing = await TicketModel.findOne({ originKey: input.originKey }).lean<Ticket>();
    if (existing) {
      return { ticket: existing, created: false };
    }
    if (lastKnownNumber === null || lastKnownGeneration !== storeGeneration()) {
      lastKnownGeneration = storeGeneration();
      lastKnownNumber = await highestTicketNumber();
    }
    const number = lastKnownNumber + 1;
    lastKnownNumber = number;
    try {
      const created = await TicketModel.create({
        number,
        originKey: input.originKey,
        channel: input.channel,
        subject: input.subject,
        language: input.language,
        requester: { slackUserId: null, ...input.requester },
      });
      return { ticket: created.toObject() as Ticket, created: true };
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
      lastKnownNumber = Math.max(lastKnownNumber, await highestTicketNumber());
    }
  }
  throw new Error(`no free ticket number after ${MAX_NUMBER_ATTEMPTS} attempts for ${input.originKey}`);
}

/** Adds an event unless one with the same key is on the ticket's timeline. Returns true when this call added it. */
export async function appendEvent(ticket: { _id: Types.ObjectId; number: number }, event: NewTicketEvent): Promise<boolean> {
  try {
    await TicketEventModel.create({ at: new Date(), ...event, ticketId: ticket._id, ticketNumber: ticket.number });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return false;
    }
    throw error;
  }
}

/** Returns true when the ticket's timeline has an event with this key. */
export async function hasEvent(ticketId: Types.ObjectId, key: string): Promise<boolean> {
  return (await TicketEventModel.exists({ ticketId, key })) !== null;
}

/** Returns a ticket's timeline, oldest first. */
export async function listEvents(ticketId: Types.ObjectId): Promise<TicketEventRecord[]> {
  return TicketEventModel.find({ ticketId }).sort({ at: 1, _id: 1 }).lean<TicketEventRecord[]>();
}

export async function findTicketById(ticketId: Types.ObjectId | string): Promise<Ticket | null> {
  return TicketModel.findById(ticketId).lean<Ticket>();
}

/**
 * Runs `work` on the current state of a ticket while holding its lock, so a
 * read-check-write sequence is not interleaved with another writer's.
 */
export async function withTicket<T>(lock: LockOwner, ticketId: Types.ObjectId, work: (ticket: Ticket) => Promise<T>): Promise<T | null> {
  return withLock(lock, `ticket:${ticketId.toHexString()}`, async () => {
    const ticket = await findTicketById(ticketId);
    return ticket ? work(ticket) : null;
  });
}

/** Adds lower-cased addresses to the ticket's participants. */
export async function addParticipants(lock: LockOwner, ticketId: Types.ObjectId, addresses: string[]): Promise<void> {
  if (addresses.length === 0) {
    return;
  }
  await withTicket(lock, ticketId, async (ticket) => {
    const merged = [...new Set([...ticket.participants, ...addresses.map((address) => address.toLowerCase())])];
    if (merged.length !== ticket.participants.length) {
      await TicketModel.updateOne({ _id: ticketId }, { $set: { participants: merged } });
    }
  });
}

export interface Transition {
  from: readonly TicketStatus[];
  to: TicketStatus;
  event: { key: string; detail?: string; messageKey?: string; articleId?: string };
  /** Further fields set with the status. */
  set?: Record<string, unknown>;
  /** Bump the plan version, so escalation jobs planned before the change do nothing. */
  replan: boolean;
}

/**
 * Moves a ticket to `to` when it is in one of `from`, under the ticket's lock, and
 * records the status event. Returns the updated ticket, or null when the ticket
 * was in another status (or the event key was already used by an earlier run).
 */
export async function transitionStatus(lock: LockOwner, ticketId: Types.ObjectId, transition: Transition): Promise<Ticket | null> {
  return withTicket(lock, ticketId, async (ticket) => {
    if (!transition.from.includes(ticket.status)) {
      return null;
    }
    const planVersion = transition.replan ? ticket.planVersion + 1 : ticket.planVersion;
    const set = { ...transition.set, status: transition.to, planVersion };
    await TicketModel.updateOne({ _id: ticketId }, { $set: set });
    await appendEvent(ticket, { type: 'status.changed', status: transition.to, ...transition.event });
    return { ...ticket, ...set } as Ticket;
  });
}
