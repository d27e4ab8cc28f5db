import type { Types } from 'mongoose';
import { nextSequence } from '../store/counter.model.js';
import { isDuplicateKeyError } from '../store/connection.js';
import {
  TicketModel,
  type Ticket,
  type TicketEventType,
  type TicketStatus,
} from '../store/ticket.model.js';

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
  threadMessageIds: string[];
  firstEvents: NewTicketEvent[];
}

/**
 * Returns the ticket opened by `originKey`, creating it with the next number when
 * there is none. A retry after a crash finds the ticket created the first time,
 * because `originKey` is unique; a number taken by a failed insert stays unused.
 */
export async function findOrCreateTicket(input: NewTicket): Promise<{ ticket: Ticket; created: boolean }> {
  const existing = await TicketModel.findOne({ originKey: input.originKey }).lean<Ticket>();
  if (existing) {
    return { ticket: existing, created: false };
  }
  const number = await nextSequence('ticket');
  const now = new Date();
  try {
    const created = await TicketModel.create({
      number,
      originKey: input.originKey,
      channel: input.channel,
      subject: input.subject,
      language: input.language,
      requester: { slackUserId: null, ...input.requester },
      threadMessageIds: input.threadMessageIds,
      events: input.firstEvents.map((event) => ({ at: now, ...event })),
    });
    return { ticket: created.toObject() as Ticket, created: true };
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
    const raced = await TicketModel.findOne({ originKey: input.originKey }).lean<Ticket>();
    if (!raced) {
      throw error;
    }
    return { ticket: raced, created: false };
  }
}

/**
 * Appends an event unless one with the same key is already on the timeline.
 * Returns true when this call added it.
 */
export async function appendEvent(ticketId: Types.ObjectId, event: NewTicketEvent): Promise<boolean> {
  const result = await TicketModel.updateOne(
    { _id: ticketId, 'events.key': { $ne: event.key } },
    { $push: { events: { at: new Date(), ...event } } },
  );
  return result.modifiedCount === 1;
}

/** Records conversation ids (for References) and participants on a ticket. */
export async function addToThread(
  ticketId: Types.ObjectId,
  update: { messageIds?: string[]; participants?: string[] },
): Promise<void> {
  const addToSet: Record<string, unknown> = {};
  if (update.messageIds && update.messageIds.length > 0) {
    addToSet.threadMessageIds = { $each: update.messageIds };
  }
  if (update.participants && update.participants.length > 0) {
    addToSet.participants = { $each: update.participants.map((address) => address.toLowerCase()) };
  }
  if (Object.keys(addToSet).length > 0) {
    await TicketModel.updateOne({ _id: ticketId }, { $addToSet: addToSet });
  }
}

export async function findTicketById(ticketId: Types.ObjectId | string): Promise<Ticket | null> {
  return TicketModel.findById(ticketId).lean<Ticket>();
}

export async function findTicketByNumber(number: number): Promise<Ticket | null> {
  return TicketModel.findOne({ number }).lean<Ticket>();
}

/**
 * Moves a ticket to `status` when it is in one of `from`, bumping the plan version
 * so escalation jobs planned before the change do nothing. The status event is
 * pushed in the same update, so the timeline cannot miss it. Returns the updated
 * ticket, or null when the ticket was not in one of `from`.
 */
export async function transitionStatus(
  ticketId: Types.ObjectId,
  from: readonly TicketStatus[],
  to: TicketStatus,
  event: { key: string; detail?: string; messageKey?: string },
  extra: Record<string, unknown> = {},
): Promise<Ticket | null> {
  return TicketModel.findOneAndUpdate(
    { _id: ticketId, status: { $in: from }, 'events.key': { $ne: event.key } },
    {
      $set: { status: to, ...extra },
      $inc: { planVersion: 1 },
      $push: { events: { at: new Date(), type: 'status.changed', status: to, ...event } },
    },
    { returnDocument: 'after', lean: true },
  ) as Promise<Ticket | null>;
}
