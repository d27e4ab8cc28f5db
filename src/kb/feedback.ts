import { Types } from 'mongoose';
import { getLogger } from '../logging/logger.js';
import { isDuplicateKeyError } from '../store/connection.js';
import { KB_FEEDBACK_OUTCOMES, KB_FEEDBACK_SOURCES, KbFeedbackModel, type KbFeedbackOutcome, type KbFeedbackSource } from '../store/kb-feedback.model.js';
import { withoutNul } from '../store/storable.js';
import { appendEvent } from '../tickets/ticket-repository.js';

/**
 * Records "this solved it" and "I still need help" answers to knowledge-base replies, and
 * turns them into bounded ranking factors per article.
 */

const log = getLogger('kb-feedback');

export interface KbFeedbackInput {
  ticketId: string;
  ticketNumber: number;
  articleId: string;
  query: string;
  language: string;
  outcome: KbFeedbackOutcome;
  source: KbFeedbackSource;
  /** Natural key of the click or reply; a second call with the same key records nothing new. */
  key: string;
}

/** Longest stored query, in characters; enough to tell questions apart in a review. */
const MAX_QUERY_CHARS = 2000;
/**
 * Largest change of an article's score that feedback can make: 20 % either way. Feedback
 * re-orders articles that match a question about equally well; it never lifts an article
 * that does not match, and a run of complaints never hides one that matches clearly.
 */
export const MAX_FEEDBACK_ADJUSTMENT = 0.2;
/**
 * Neutral answers every article starts with, half solved and half not. With 10, one click
 * moves the factor by less than 0.02, and 20 unanimous answers move it two thirds of the
 * way to its bound.
 */
const PRIOR_ANSWERS = 10;

/** Raised when feedback input is invalid, with the field and the value. */
export class InvalidKbFeedbackError extends Error {
  override readonly name = 'InvalidKbFeedbackError';
}

function validate(input: KbFeedbackInput): void {
  if (!Types.ObjectId.isValid(input.ticketId)) {
    throw new InvalidKbFeedbackError(`ticketId "${input.ticketId}" is not a valid ticket id`);
  }
  if (!Number.isInteger(input.ticketNumber) || input.ticketNumber < 1) {
    throw new InvalidKbFeedbackError(`ticketNumber ${input.ticketNumber} is not a positive whole number`);
  }
  if (input.articleId.trim() === '' || input.key.trim() === '') {
    throw new InvalidKbFeedbackError('articleId and key must not be empty');
  }
  if (!(KB_FEEDBACK_OUTCOMES as readonly string[]).includes(input.outcome)) {
    throw new InvalidKbFeedbackError(`outcome "${input.outcome}" is invalid; expected ${KB_FEEDBACK_OUTCOMES.join(' or ')}`);
  }
  if (!(KB_FEEDBACK_SOURCES as readonly string[]).includes(input.source)) {
    throw new InvalidKbFeedbackError(`source "${input.source}" is invalid; expected ${KB_FEEDBACK_SOURCES.join(' or ')}`);
  }
}

/**
 * Stores one feedback answer and adds a `kb.feedback` event to the ticket's timeline.
 * Idempotent: the feedback record and the event are both inserted under natural keys, so
 * a retry after a crash between the two writes completes the second one.
 */
export async function recordKbFeedback(input: KbFeedbackInput): Promise<void> {
  validate(input);
  const ticketId = new Types.ObjectId(input.ticketId);
  const at = new Date();
  try {
    await KbFeedbackModel.create(
      withoutNul({
        key: input.key,
        ticketId,
        ticketNumber: input.ticketNumber,
        articleId: input.articleId,
        query: input.query.slice(0, MAX_QUERY_CHARS),
        language: input.language,
        outcome: input.outcome,
        source: input.source,
        at,
      }),
    );
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
    log.debug({ ticketNumber: input.ticketNumber, key: input.key }, 'knowledge-base feedback already recorded');
  }
  await appendEvent(
    { _id: ticketId, number: input.ticketNumber },
    { key: `kb-feedback:${input.key}`, type: 'kb.feedback', at, articleId: input.articleId, detail: input.outcome },
  );
  log.info({ ticketNumber: input.ticketNumber, articleId: input.articleId, outcome: input.outcome, source: input.source }, 'knowledge-base feedback recorded');
}

/** Feedback counts of one article. */
export interface FeedbackCounts {
  solved: number;
  needsHelp: number;
}

/**
 * Returns the score factor for an article with these counts, between
 * 1 − `MAX_FEEDBACK_ADJUSTMENT` and 1 + `MAX_FEEDBACK_ADJUSTMENT`. It grows with the
 * smoothed share of "solved" answers, so few answers change little.
 */
export function feedbackFactor(counts: FeedbackCounts): number {
  const total = counts.solved + counts.needsHelp;
  const solvedShare = (counts.solved + PRIOR_ANSWERS / 2) / (total + PRIOR_ANSWERS);
  return 1 + MAX_FEEDBACK_ADJUSTMENT * (2 * solvedShare - 1);
}

/** Returns the feedback counts per article id, counted from the stored answers. */
export async function loadFeedbackCounts(): Promise<Map<string, FeedbackCounts>> {
  const rows = await KbFeedbackModel.aggregate<{ _id: { articleId: string; outcome: KbFeedbackOutcome }; count: number }>([
    { $group: { _id: { articleId: '$articleId', outcome: '$outcome' }, count: { $sum: 1 } } },
  ]);
  const counts = new Map<string, FeedbackCounts>();
  for (const row of rows) {
    const entry = counts.get(row._id.articleId) ?? { solved: 0, needsHelp: 0 };
    if (row._id.outcome === 'solved') {
      entry.solved += row.count;
    } else {
      entry.needsHelp += row.count;
    }
    counts.set(row._id.articleId, entry);
  }
  return counts;
}

/** Returns the ranking factor of every article that has feedback. */
export async function loadFeedbackFactors(): Promise<Map<string, number>> {
  const factors = new Map<string, number>();
  for (const [articleId, counts] of await loadFeedbackCounts()) {
    factors.set(articleId, feedbackFactor(counts));
  }
  return factors;
}
