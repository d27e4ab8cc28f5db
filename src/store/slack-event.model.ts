import mongoose, { type InferSchemaType } from 'mongoose';

/** Kinds of Slack deliveries the receiver stores before the worker handles them. */
export const SLACK_DELIVERY_KINDS = ['event', 'action', 'command', 'view'] as const;
export type SlackDeliveryKind = (typeof SLACK_DELIVERY_KINDS)[number];

/**
 * One Slack delivery, stored by the receiver before it acknowledges. Two unique
 * keys absorb repeats: `eventId` catches Slack's retries of one event
 * (X-Slack-Retry-Num), and `dedupKey` (channel + ts for messages) catches the
 * same message delivered as two events, e.g. `app_mention` and `message.channels`.
 * Both are always set, because a unique index counts a missing value as a value.
 */
const slackEventSchema = new mongoose.Schema(
  {
    eventId: { type: String, required: true },
    dedupKey: { type: String, required: true },
    kind: { type: String, enum: SLACK_DELIVERY_KINDS, required: true },
    /** Event type or interaction type, for logs, e.g. `message`, `block_actions`. */
    type: { type: String, required: true },
    payload: { type: mongoose.Schema.Types.Mixed, required: true },
    /** X-Slack-Retry-Num of the delivery that was stored (0 for the first attempt). */
    retryNum: { type: Number, default: 0 },
    status: { type: String, enum: ['pending', 'done'], required: true, default: 'pending' },
    outcome: { type: String, default: null },
    processedAt: { type: Date, default: null },
  },
  { collection: 'slack_events', timestamps: true, versionKey: false, minimize: false },
);

slackEventSchema.index({ eventId: 1 }, { unique: true });
slackEventSchema.index({ dedupKey: 1 }, { unique: true });
slackEventSchema.index({ status: 1 });

export const SlackEventModel = mongoose.model('SlackEvent', slackEventSchema);
export type SlackEventRecord = InferSchemaType<typeof slackEventSchema> & { _id: mongoose.Types.ObjectId };
