import mongoose from 'mongoose';

/** Last automatic reply per recipient address; enforces one automatic reply per window. */
const autoReplyGuardSchema = new mongoose.Schema(
  {
    _id: { type: String, required: true },
    lastAt: { type: Date, required: true },
    /** Key of the inbound message that took the slot, so its own retry may still send. */
    claimedBy: { type: String, required: true },
  },
  { collection: 'auto_reply_guards', versionKey: false },
);

export const AutoReplyGuardModel = mongoose.model('AutoReplyGuard', autoReplyGuardSchema);
