import mongoose, { type InferSchemaType } from 'mongoose';

/** Outcomes of an inbound message; every inbound message ends with exactly one. */
export const INBOUND_OUTCOMES = ['ticket_created', 'attached', 'automatic', 'quarantined', 'dropped'] as const;
export type InboundOutcome = (typeof INBOUND_OUTCOMES)[number];

export const OUTBOUND_KINDS = ['kb_answer', 'acknowledgement', 'escalation', 'agent_reply'] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

export const OUTBOUND_STATUSES = ['pending', 'sent', 'failed', 'suppressed'] as const;

const addressSchema = new mongoose.Schema({ address: String, name: String }, { _id: false });

/** One attachment of an inbound e-mail; its content lives in the attachment spool, not here. */
const attachmentSchema = new mongoose.Schema(
  {
    filename: { type: String, default: null },
    contentType: { type: String, required: true },
    /** Decoded size in bytes. */
    size: { type: Number, required: true },
    /** File path (LINIA_ATTACHMENT_DIR) or GridFS id (bucket `attachments`) of the content; null when it was not stored. */
    storageRef: { type: String, default: null },
    /** Reason the content was not stored, e.g. the message was over LINIA_MAX_MESSAGE_BYTES, or null when it was stored. */
    notStoredReason: { type: String, default: null },
    /** True for an Outlook TNEF container (winmail.dat), kept as a file and not unpacked. */
    tnef: { type: Boolean, default: false },
  },
  { _id: false },
);

/**
 * One record per message in or out of any channel. The unique index on
 * (channel, key) is what makes ingestion and sending idempotent.
 */
const messageSchema = new mongoose.Schema(
  {
    channel: { type: String, enum: ['email', 'slack'], required: true },
    key: { type: String, required: true },
    direction: { type: String, enum: ['in', 'out'], required: true },
    ticketId: { type: mongoose.Schema.Types.ObjectId, default: null },
    ticketNumber: { type: Number, default: null },
    messageId: { type: String, default: null },
    /** Ids a relay reported for our outbound message when it rewrote ours. */
    serverMessageIds: { type: [String], default: [] },
    inReplyTo: { type: String, default: null },
    references: { type: [String], default: [] },
    from: { type: addressSchema, default: null },
    to: { type: [addressSchema], default: [] },
    subject: { type: String, default: '' },
    language: { type: String, default: null },
    automatic: { type: Boolean, default: false },
    automaticReason: { type: String, default: null },
    outcome: { type: String, enum: INBOUND_OUTCOMES, default: null },
    /** Source of the inbound message, e.g. imap:INBOX:1712:42. */
    sourceKey: { type: String, default: null },
    kind: { type: String, enum: OUTBOUND_KINDS, default: null },
    status: { type: String, enum: OUTBOUND_STATUSES, default: null },
    articleId: { type: String, default: null },
    /** Inbound: the new text without quoted history; outbound: the plain-text body. */
    text: { type: String, default: null },
    /** Inbound e-mail: the whole text body as received, quoted history and signature included. */
    fullText: { type: String, default: null },
    /** Inbound e-mail: the attachments, in message order. */
    attachments: { type: [attachmentSchema], default: [] },
    html: { type: String, default: null },
    error: { type: String, default: null },
    attempts: { type: Number, default: 0 },
    sentAt: { type: Date, default: null },
    /**
     * Outbound: set when a send attempt starts and cleared when the relay answered
     * (accepted or rejected). Still set at the next attempt, it means the earlier one
     * ended without an answer, so the relay may hold the mail already.
     */
    sendingSince: { type: Date, default: null },
    /** Outbound: how the sent state was learnt: the relay's answer, or the copy found in the Sent folder. */
    sentVia: { type: String, enum: ['smtp', 'sent-folder', null], default: null },
  },
  { collection: 'messages', timestamps: true, versionKey: false },
);

messageSchema.index({ channel: 1, key: 1 }, { unique: true });
messageSchema.index({ messageId: 1 });
messageSchema.index({ serverMessageIds: 1 });
messageSchema.index({ ticketId: 1, createdAt: 1 });

export const MessageModel = mongoose.model('Message', messageSchema);
export type MessageRecord = InferSchemaType<typeof messageSchema> & { _id: mongoose.Types.ObjectId };
