import mongoose, { type InferSchemaType } from 'mongoose';
import { SUPPORT_LINES, TICKET_EVENT_TYPES, TICKET_STATUSES } from './ticket.model.js';

/**
 * One entry of a ticket's timeline, in its own collection: each event is one
 * insert, unique by (ticketId, key), so a retried step never adds it twice and
 * concurrent writers never overwrite each other's events. (An embedded array
 * updated with $push loses entries on FerretDB, whose updates are not atomic.)
 */
const ticketEventSchema = new mongoose.Schema(
  {
    ticketId: { type: mongoose.Schema.Types.ObjectId, required: true },
    ticketNumber: { type: Number, required: true },
    /** Natural key of the event within its ticket, e.g. `in:<message key>`. */
    key: { type: String, required: true },
    type: { type: String, enum: TICKET_EVENT_TYPES, required: true },
    at: { type: Date, required: true },
    messageKey: String,
    from: String,
    line: { type: String, enum: SUPPORT_LINES },
    status: { type: String, enum: TICKET_STATUSES },
    articleId: String,
    detail: String,
    priority: String,
    category: String,
    /** Name of the triage rule that decided, for `ticket.triaged`. */
    rule: String,
    /** Agent who acted, for `ticket.claimed` and changes made by an agent. */
    agent: String,
  },
  { collection: 'ticket_events', versionKey: false },
);

ticketEventSchema.index({ ticketId: 1, key: 1 }, { unique: true });
ticketEventSchema.index({ ticketId: 1, at: 1 });

export const TicketEventModel = mongoose.model('TicketEvent', ticketEventSchema);
export type TicketEventRecord = InferSchemaType<typeof ticketEventSchema>;
