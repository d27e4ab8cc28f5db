import mongoose, { type InferSchemaType } from 'mongoose';

/** A message Linia could not turn into a ticket event, kept with the reason. */
const quarantineSchema = new mongoose.Schema(
  {
    /** Unique source of the message, e.g. imap:INBOX:1712:42. */
    sourceKey: { type: String, required: true, unique: true },
    rawMessageId: { type: mongoose.Schema.Types.ObjectId, default: null },
    messageKey: { type: String, default: null },
    reason: { type: String, required: true },
    headers: { type: mongoose.Schema.Types.Mixed, default: {} },
    size: { type: Number, default: 0 },
  },
  { collection: 'quarantine', timestamps: true, versionKey: false },
);

export const QuarantineModel = mongoose.model('Quarantine', quarantineSchema);
export type QuarantineRecord = InferSchemaType<typeof quarantineSchema>;
