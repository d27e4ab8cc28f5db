import { MessageModel } from '../store/message.model.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';

export interface ThreadClues {
  inReplyTo: string | null;
  references: string[];
  ticketTag: number | null;
  fromAddress: string | null;
}

export interface ThreadMatch {
  ticket: Ticket;
  via: 'in-reply-to' | 'references' | 'subject-tag';
}

/**
 * Finds the ticket of a stored message by its Message-ID, or by an id a relay gave
 * our outbound copy. It makes two look-ups instead of one `$or`, because FerretDB hands
 * an equality on a top-level field to PostgreSQL but decodes every message for `$or`.
 * A message with the id as its own Message-ID wins over a relay's id.
 */
async function ticketForMessageId(messageId: string): Promise<Ticket | null> {
  const known =
    (await MessageModel.findOne({ messageId, ticketId: { $ne: null } }, { ticketId: 1 }).lean()) ??
    (await MessageModel.findOne({ serverMessageIds: messageId, ticketId: { $ne: null } }, { ticketId: 1 }).lean());
  if (!known?.ticketId) {
    return null;
  }
  return TicketModel.findById(known.ticketId).lean<Ticket>();
}

/** True when `address` is the ticket's requester or one of its participants. */
export function belongsToTicket(ticket: Ticket, address: string | null): boolean {
  if (!address) {
    return false;
  }
  const lower = address.toLowerCase();
  return ticket.requester?.address?.toLowerCase() === lower || ticket.participants.includes(lower);
}

/**
 * Finds the ticket an e-mail continues: first by In-Reply-To, then by each id in
 * References (newest first), then by the ticket tag in the subject. The tag counts
 * only when the sender already belongs to that ticket, because anyone can type a
 * number into a subject.
 */
export async function findThreadTicket(clues: ThreadClues): Promise<ThreadMatch | null> {
  if (clues.inReplyTo) {
    const ticket = await ticketForMessageId(clues.inReplyTo);
    if (ticket) {
      return { ticket, via: 'in-reply-to' };
    }
  }
  for (const reference of [...clues.references].reverse()) {
    const ticket = await ticketForMessageId(reference);
    if (ticket) {
      return { ticket, via: 'references' };
    }
  }
  if (clues.ticketTag !== null) {
    const ticket = await TicketModel.findOne({ number: clues.ticketTag }).lean<Ticket>();
    if (ticket && belongsToTicket(ticket, clues.fromAddress)) {
      return { ticket, via: 'subject-tag' };
    }
  }
  return null;
}
