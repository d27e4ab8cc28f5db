import type { Types } from 'mongoose';
import { isDuplicateKeyError, storeGeneration } from '../store/connection.js';
import { StoreStateModel } from '../store/store-state.model.js';
import { TicketEventModel, type TicketEventRecord } from '../store/ticket-event.model.js';
import { isOpenStatus, TicketModel, type Ticket, type TicketEventType, type TicketStatus } from '../store/ticket.model.js';
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
/** Lost attempts after which the highest number is read from the tickets, because the recorded one lags behind. */
const SCAN_AFTER_LOST_ATTEMPTS = 3;
/** `_id` of the `store_state` document that records the highest ticket number handed out. */
const NUMBER_RECORD_ID = 'ticket-number';

/**
 * Reads the highest ticket number from the tickets themselves and records it. It
 * streams the numbers through a cursor, because FerretDB 1.24 sorts in memory and so
 * held every ticket at once for a sort by `number`. The read decodes every ticket,
 * so intake runs it only when `store_state` has no number yet or the recorded one
 * lags behind.
 */
export async function scanHighestTicketNumber(): Promise<number> {
  let highest = 0;
  for await (const ticket of TicketModel.find({}, { _id: 0, number: 1 }).lean<{ number: number }[]>().cursor({ batchSize: 1000 })) {
    highest = Math.max(highest, ticket.number);
  }
  await recordTicketNumber(highest);
  return highest;
}

/**
 * Records `number` as taken in `store_state` unless a higher number is recorded.
 * On FerretDB two concurrent calls can leave the lower of their numbers, so the
 * record is a lower bound. A writer that starts from it and loses the insert
 * tries the next number.
 */
export async function recordTicketNumber(number: number): Promise<void> {
  const result = await StoreStateModel.updateOne({ _id: NUMBER_RECORD_ID, number: { $lt: number } }, { $set: { number } });
  if (result.matchedCount > 0) {
    return;
  }
  try {
    await StoreStateModel.create({ _id: NUMBER_RECORD_ID, number });
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
}

async function recordedTicketNumber(): Promise<number | null> {
  const record = await StoreStateModel.findById(NUMBER_RECORD_ID, { number: 1 }).lean();
  return record?.number ?? null;
}

/** The scan in progress, shared by concurrent callers, so the first tickets of a process start one scan, not one each. */
let scanInProgress: Promise<number> | null = null;

function scanHighestTicketNumberOnce(): Promise<number> {
  scanInProgress ??= scanHighestTicketNumber().finally(() => {
    scanInProgress = null;
  });
  return scanInProgress;
}

/**
 * Returns the recorded highest ticket number, or scans the tickets when none is
 * recorded. The recorded number can lag behind the highest one taken (see
 * recordTicketNumber).
 */
export async function readHighestTicketNumber(): Promise<number> {
  return (await recordedTicketNumber()) ?? (await scanHighestTicketNumberOnce());
}

/**
 * Highest ticket number this process has seen. It is read from `store_state` at
 * the first ticket after each new store connection and after another writer took
 * the number this one tried, so a new ticket costs no read of all tickets.
 */
let lastKnownNumber: number | null = null;
let lastKnownGeneration = '';

/**
 * Returns the ticket opened by `originKey`, creating it when there is none.
 * A retry after a crash finds the ticket created the first time, because
 * `originKey` is unique.
 */
export async function findOrCreateTicket(input: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
  const existing = await TicketModel.findOne({ originKey: input.originKey }).lean<Ticket>();
  return existing ? { ticket: existing, created: false } : createTicket(input);
}

/**
 * Creates the ticket opened by `originKey`, for a caller that found none, and
 * returns the ticket stored under that key when another writer created it first.
 * The number is the highest one plus one. The unique index on `number` lets only
 * one concurrent insert win it. A loser reads the recorded highest number again
 * and tries the next one, and after SCAN_AFTER_LOST_ATTEMPTS losses it reads the
 * highest number from the tickets.
 */
export async function createTicket(input: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
  for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
    if (lastKnownNumber === null || lastKnownGeneration !== storeGeneration()) {
      const generation = storeGeneration();
      const highest = await readHighestTicketNumber();
      // Concurrent first tickets all read the number, and the max keeps a number that another one took meanwhile.
      lastKnownNumber = lastKnownGeneration === generation ? Math.max(lastKnownNumber ?? 0, highest) : highest;
      lastKnownGeneration = generation;
    }
    const number = lastKnownNumber + 1;
    lastKnownNumber = number;
    let created;
    try {
      created = await TicketModel.create({
        number,
        originKey: input.originKey,
        channel: input.channel,
        subject: input.subject,
        language: input.language,
        requester: { slackUserId: null, ...input.requester },
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
      // The key that clashed is either the number or the origin key.
      const existing = await TicketModel.findOne({ originKey: input.originKey }).lean<Ticket>();
      if (existing) {
        return { ticket: existing, created: false };
      }
      const highest = attempt + 1 >= SCAN_AFTER_LOST_ATTEMPTS ? await scanHighestTicketNumberOnce() : await readHighestTicketNumber();
      lastKnownNumber = Math.max(lastKnownNumber, highest);
      continue;
    }
    await recordTicketNumber(number);
    return { ticket: created.toObject() as Ticket, created: true };
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
    const set = { ...transition.set, status: transition.to, open: isOpenStatus(transition.to), planVersion };
    await TicketModel.updateOne({ _id: ticketId }, { $set: set });
    await appendEvent(ticket, { type: 'status.changed', status: transition.to, ...transition.event });
    return { ...ticket, ...set } as Ticket;
  });
}
