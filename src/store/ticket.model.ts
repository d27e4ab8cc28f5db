import mongoose, { type InferSchemaType, type HydratedDocument } from 'mongoose';

export const TICKET_STATUSES = ['new', 'waiting_for_requester', 'escalated', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** Statuses of a finished ticket. The SLA ladder leaves a ticket in one of them alone. */
export const CLOSED_STATUSES: readonly TicketStatus[] = ['resolved', 'closed'];

/** True unless the status is one of CLOSED_STATUSES. */
export function isOpenStatus(status: string | null | undefined): boolean {
  return !CLOSED_STATUSES.includes((status ?? 'new') as TicketStatus);
}

export const SUPPORT_LINES = ['L1', 'L2', 'L3'] as const;
export type SupportLine = (typeof SUPPORT_LINES)[number];

/** Timeline event types, named `entity.past_tense`. */
export const TICKET_EVENT_TYPES = [
  'ticket.created',
  'message.received',
  'automatic_mail.received',
  'bounce.received',
  'auto_reply.sent',
  'acknowledgement.sent',
  'reply.failed',
  'ticket.escalated',
  'agent_reply.sent',
  'note.added',
  'status.changed',
  'ticket.claimed',
  'ticket.triaged',
  'priority.changed',
  'category.changed',
  'sla.reminder_sent',
  'sla.breached',
  'kb.feedback',
  'message.edited',
  'message.deleted',
  'agent_reply.failed',
  'loop.detected',
  'address.suppressed',
] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

/**
 * A ticket's current state. Its timeline lives in `ticket_events`. Updates that
 * read and then write the state run under the ticket's Redis lock, because
 * FerretDB (used in tests) does not apply concurrent updates atomically.
 */
const ticketSchema = new mongoose.Schema(
  {
    number: { type: Number, required: true, unique: true },
    status: { type: String, enum: TICKET_STATUSES, required: true, default: 'new' },
    line: { type: String, enum: SUPPORT_LINES, required: true, default: 'L1' },
    priority: { type: String, enum: ['P1', 'P2', 'P3', 'P4'], required: true, default: 'P3' },
    category: { type: String, default: null },
    language: { type: String, required: true, default: 'en' },
    subject: { type: String, default: '' },
    channel: { type: String, enum: ['email', 'slack'], required: true },
    requester: {
      address: { type: String, default: null },
      name: { type: String, default: '' },
      slackUserId: { type: String, default: null },
    },
    /** Lower-cased addresses that may write to this ticket besides the requester. */
    participants: { type: [String], default: [] },
    /** Channel key of the message that opened the ticket; unique, so a redelivery finds it. */
    originKey: { type: String, required: true, unique: true },
    kbArticleId: { type: String, default: null },
    due: {
      l2At: { type: Date, default: null },
      l3At: { type: Date, default: null },
    },
    /** Outcome of triage: the rules that decided the priority and the category (null: the default applied). */
    triage: {
      rule: { type: String, default: null },
      categoryRule: { type: String, default: null },
    },
    /**
     * SLA clock state. Deadlines of the current plan are `sla.responseDueAt` and `due.*`;
     * `plannedVersion` is the plan version they were computed for, so a repeated re-plan
     * at the same version reuses them and queues the same job ids.
     */
    sla: {
      schedule: { type: String, default: null },
      responseDueAt: { type: Date, default: null },
      firstResponseAt: { type: Date, default: null },
      /** Set when the first-response breach was recorded, so the sweeper stops looking at the ticket. */
      responseBreachedAt: { type: Date, default: null },
      claimedAt: { type: Date, default: null },
      claimedBy: { type: String, default: null },
      pausedAt: { type: Date, default: null },
      /** Business milliseconds the clock stood still since the ticket was opened. */
      pausedMs: { type: Number, default: 0 },
      /** When the ticket reached its current line, and `pausedMs` at that moment. */
      lineStartedAt: { type: Date, default: null },
      lineStartPausedMs: { type: Number, default: 0 },
      plannedVersion: { type: Number, default: 0 },
    },
    /** Requester's Slack conversation of a Slack ticket: the DM or help channel and the thread's root ts. */
    slack: {
      channel: { type: String, default: null },
      threadTs: { type: String, default: null },
    },
    /** Agent who claimed the ticket in Slack. */
    assignee: {
      slackUserId: { type: String, default: null },
      name: { type: String, default: null },
    },
    /** Latest escalation post in an agent channel; agents reply in its thread. */
    agentThread: {
      channel: { type: String, default: null },
      ts: { type: String, default: null },
    },
    /** Bumped on every re-plan of the escalation timers; jobs of an older plan do nothing. */
    planVersion: { type: Number, required: true, default: 1 },
    resolvedAt: { type: Date, default: null },
    /*
     * Top-level copies of values that hot queries filter on. FerretDB 1.24 hands a filter to
     * PostgreSQL only for equality on a top-level field, and otherwise decodes every document
     * of the collection (docs/ferretdb.md). The hooks below derive them on every write through
     * the model; bulkWrite and writes through `TicketModel.collection` must set them themselves.
     */
    /** `requester.address` in lower case, for the loop breaker's look-ups by sender. */
    requesterAddress: { type: String, default: null },
    /** Copy of `requester.slackUserId`, for the tickets of a Slack user. */
    requesterSlackUserId: { type: String, default: null },
    /** False when `status` is one of CLOSED_STATUSES, so the SLA sweeper and the ladder restore read open tickets only. */
    open: { type: Boolean, required: true, default: true },
  },
  { collection: 'tickets', timestamps: true, versionKey: false },
);

ticketSchema.index({ status: 1, 'due.l2At': 1 });
ticketSchema.index({ open: 1 });
ticketSchema.index({ requesterAddress: 1, createdAt: -1 });
ticketSchema.index({ 'slack.channel': 1, 'slack.threadTs': 1 });
ticketSchema.index({ requesterSlackUserId: 1, number: -1 });

interface DerivableTicketFields {
  status?: string | null;
  requester?: { address?: string | null; slackUserId?: string | null } | null;
}

/** Values of the query fields `requesterAddress`, `requesterSlackUserId` and `open` for a ticket's stored state. */
export function derivedTicketFields(ticket: DerivableTicketFields): { requesterAddress: string | null; requesterSlackUserId: string | null; open: boolean } {
  return {
    requesterAddress: ticket.requester?.address?.toLowerCase() ?? null,
    requesterSlackUserId: ticket.requester?.slackUserId ?? null,
    open: isOpenStatus(ticket.status),
  };
}

ticketSchema.pre('validate', function deriveQueryFields() {
  Object.assign(this, derivedTicketFields(this));
});

/**
 * Adds the derived query fields to an update that sets `status` or the requester,
 * so each status change keeps `open` in step. Updates must set those fields with
 * `$set` or a plain object, because `$unset` and pipeline updates of them are rejected.
 */
function deriveQueryFieldsOfUpdate(this: mongoose.Query<unknown, unknown>): void {
  const update = this.getUpdate();
  if (update === null) {
    return;
  }
  if (Array.isArray(update)) {
    throw new Error('invalid ticket update: an aggregation pipeline cannot keep the derived query fields in step. Use $set instead.');
  }

  const plain = Object.fromEntries(Object.entries(update).filter(([key]) => !key.startsWith('$')));
  const set: Record<string, unknown> = { ...plain, ...(update.$set as Record<string, unknown> | undefined) };
  const unset = Object.keys((update.$unset as Record<string, unknown> | undefined) ?? {});
  if (unset.some((path) => path === 'status' || path === 'requester' || path.startsWith('requester.'))) {
    throw new Error(`invalid ticket update: it unsets ${unset.join(', ')}. Set the status or requester fields with $set instead, so the derived query fields stay in step.`);
  }

  const derived: Record<string, unknown> = {};
  if ('status' in set) {
    derived.open = isOpenStatus(set.status as string | null);
  }
  if ('requester' in set) {
    const { requesterAddress, requesterSlackUserId } = derivedTicketFields({ requester: set.requester as DerivableTicketFields['requester'] });
    Object.assign(derived, { requesterAddress, requesterSlackUserId });
  }
  if ('requester.address' in set) {
    derived.requesterAddress = (set['requester.address'] as string | null)?.toLowerCase() ?? null;
  }
  if ('requester.slackUserId' in set) {
    derived.requesterSlackUserId = (set['requester.slackUserId'] as string | null) ?? null;
  }

  if (Object.keys(derived).length > 0) {
    this.setUpdate({ ...update, $set: { ...(update.$set as Record<string, unknown> | undefined), ...derived } });
  }
}

ticketSchema.pre(['updateOne', 'updateMany', 'findOneAndUpdate'], deriveQueryFieldsOfUpdate);

export const TicketModel = mongoose.model('Ticket', ticketSchema);
export type Ticket = InferSchemaType<typeof ticketSchema> & { _id: mongoose.Types.ObjectId };
export type TicketDocument = HydratedDocument<Ticket>;
