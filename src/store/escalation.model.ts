import mongoose, { type InferSchemaType } from 'mongoose';

/** One escalation of one ticket to one line; unique, so a repeated job posts once. */
const escalationSchema = new mongoose.Schema(
  {
    ticketId: { type: mongoose.Schema.Types.ObjectId, required: true },
    ticketNumber: { type: Number, required: true },
    line: { type: String, enum: ['L2', 'L3'], required: true },
    planVersion: { type: Number, required: true },
    slack: {
      channel: { type: String, default: null },
      ts: { type: String, default: null },
      error: { type: String, default: null },
      /** Set before the post is sent; a retry that finds it looks for the post in the channel first. */
      attemptedAt: { type: Date, default: null },
    },
    emailKeys: { type: [String], default: [] },
  },
  { collection: 'escalations', timestamps: true, versionKey: false },
);

escalationSchema.index({ ticketId: 1, line: 1 }, { unique: true });

export const EscalationModel = mongoose.model('Escalation', escalationSchema);
export type EscalationRecord = InferSchemaType<typeof escalationSchema>;
