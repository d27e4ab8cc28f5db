import mongoose, { type InferSchemaType } from 'mongoose';

/**
 * Addresses Linia must not send mail to, one document per lower-cased address.
 * A bounce that reports a permanent delivery failure adds one; every send path
 * checks the list before it talks to the SMTP relay.
 */
const suppressionSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    reason: { type: String, required: true },
    /** Key of the inbound message (the bounce) that caused the entry. */
    sourceMessageKey: { type: String, default: null },
    /** DSN status code of the failure, e.g. `5.1.1`, when the report gave one. */
    status: { type: String, default: null },
    ticketNumber: { type: Number, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'address_suppressions', versionKey: false },
);

export const SuppressionModel = mongoose.model('Suppression', suppressionSchema);
export type SuppressionRecord = InferSchemaType<typeof suppressionSchema>;
