import mongoose, { type InferSchemaType } from 'mongoose';

/**
 * Raw bytes of a fetched e-mail, stored before the processing job is queued, so
 * the job can always be replayed from the store. Unique by mailbox, UIDVALIDITY
 * and UID, so two fetches of one message keep one copy.
 */
const rawMessageSchema = new mongoose.Schema(
  {
    mailbox: { type: String, required: true },
    uidValidity: { type: Number, required: true },
    uid: { type: Number, required: true },
    /**
     * The bytes when they fit in the document. Null when they are in the GridFS bucket
     * `raw_mail` (see `rawFileId`), or when only the header was fetched.
     */
    raw: { type: Buffer, default: null },
    /** Id of the GridFS file in the bucket `raw_mail` that contains the bytes of a large message, or null. */
    rawFileId: { type: String, default: null },
    size: { type: Number, required: true },
    /** The header block, kept even for oversized messages. */
    headerText: { type: String, default: '' },
    /** Normalised Message-ID read from the header at fetch time, or null; lets a reply find its unprocessed parent. */
    messageKey: { type: String, default: null },
    status: { type: String, enum: ['pending', 'done'], required: true, default: 'pending' },
    /** Intake result of the message, for `linia demo` and for operators. */
    result: {
      action: { type: String, default: null },
      ticketNumber: { type: Number, default: null },
      articleId: { type: String, default: null },
      reason: { type: String, default: null },
    },
    processedAt: { type: Date, default: null },
  },
  { collection: 'raw_messages', timestamps: true, versionKey: false },
);

rawMessageSchema.index({ mailbox: 1, uidValidity: 1, uid: 1 }, { unique: true });
rawMessageSchema.index({ status: 1 });
rawMessageSchema.index({ messageKey: 1 });

export const RawMessageModel = mongoose.model('RawMessage', rawMessageSchema);
export type RawMessage = InferSchemaType<typeof rawMessageSchema> & { _id: mongoose.Types.ObjectId };
