import mongoose, { type InferSchemaType } from 'mongoose';

export const KB_FEEDBACK_OUTCOMES = ['solved', 'needs_help'] as const;
export type KbFeedbackOutcome = (typeof KB_FEEDBACK_OUTCOMES)[number];

export const KB_FEEDBACK_SOURCES = ['slack', 'email'] as const;
export type KbFeedbackSource = (typeof KB_FEEDBACK_SOURCES)[number];

/**
 * A requester's answer to "did this article solve it?", one document per click or reply.
 * Each is an insert with a unique natural key, so a redelivered Slack action or mail
 * records it once; counts are computed when read, never kept as counters, because
 * FerretDB does not apply concurrent updates atomically.
 */
const kbFeedbackSchema = new mongoose.Schema(
  {
    /** Natural key given by the channel, e.g. the Slack action id or the reply's message key. */
    key: { type: String, required: true },
    ticketId: { type: mongoose.Schema.Types.ObjectId, required: true },
    ticketNumber: { type: Number, required: true },
    articleId: { type: String, required: true },
    /** The question the article answered, as matched (subject and new text), shortened. */
    query: { type: String, default: '' },
    language: { type: String, required: true },
    outcome: { type: String, enum: KB_FEEDBACK_OUTCOMES, required: true },
    source: { type: String, enum: KB_FEEDBACK_SOURCES, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'kb_feedback', versionKey: false },
);

kbFeedbackSchema.index({ key: 1 }, { unique: true });
kbFeedbackSchema.index({ articleId: 1 });

export const KbFeedbackModel = mongoose.model('KbFeedback', kbFeedbackSchema);
export type KbFeedbackRecord = InferSchemaType<typeof kbFeedbackSchema>;
