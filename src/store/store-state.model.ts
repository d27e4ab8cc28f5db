import mongoose, { type InferSchemaType } from 'mongoose';

/**
 * Facts about the store itself, one document per name: which backfills have
 * finished, and the highest ticket number handed out so far. Every read is by
 * `_id`, an equality on a top-level field that FerretDB hands to PostgreSQL.
 */
const storeStateSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    /** Highest ticket number known to be taken, set on the `ticket-number` document only. */
    number: { type: Number, default: null },
    /** When the backfill named by `_id` finished, or null on other documents. */
    finishedAt: { type: Date, default: null },
    /** Documents that the backfill named by `_id` updated. */
    updated: { type: Number, default: null },
  },
  { collection: 'store_state', timestamps: true, versionKey: false },
);

export const StoreStateModel = mongoose.model('StoreState', storeStateSchema);
export type StoreState = InferSchemaType<typeof storeStateSchema>;
