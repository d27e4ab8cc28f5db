import { FIELD_BOOSTS } from './bm25-index.js';
import { saturate, type ArticleScore, type QueryTerm } from './query-scoring.js';

/**
 * Confidence that an article answers a query, on a 0..1 scale that means the same for
 * short and long queries and for small and large knowledge bases, unlike a BM25 score.
 *
 * It is the IDF-weighted share of the query's informative words that the article covers,
 * times a factor that drops when a different article scores almost as high. Words no
 * article contains count fully, so "canteen menu" stays low even if "menu" matches.
 */

/**
 * Default cut-off for answering from the knowledge base: below it, a ticket should go to
 * an agent. Set from about 60 hand-written queries against the bundled examples and the
 * public test articles: matching questions and mails scored 0.32 to 1, unrelated ones 0
 * to 0.26. Raise it for fewer wrong answers at the cost of more escalations.
 */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.3;

/** A query word counts as fully covered when it matches like one title occurrence. */
const FULL_MATCH_STRENGTH = saturate(FIELD_BOOSTS.title);
/**
 * Scale of the square-root damping of long queries, in rare words (see `rareWordIdf`).
 * A query of weight W rare words needs coverage of min(W, sqrt(3 W)): all of a short
 * question, but only about 8 rare words' worth of a mail weighing 20. Without damping,
 * every sentence of greetings and background in a long mail would lower the confidence
 * of a clear match. A fixed cap instead would let everyday words that a long mail shares
 * with a long article add up to a confident wrong answer.
 */
const LONG_QUERY_SCALE = 3;
/** Key coverage (share of title and tag words in the query) from which it no longer lowers confidence. */
const FULL_KEY_COVERAGE = 0.5;
/** Relative lead over the runner-up from which the margin no longer lowers confidence. */
const FULL_MARGIN = 0.3;
/** Confidence factor when the runner-up scores the same as the best article. */
const TIED_MARGIN_FACTOR = 0.7;

/** IDF of a word found in one article, the highest weight a query word gets. */
function rareWordIdf(articleCount: number): number {
  return Math.log(1 + (articleCount - 0.5) / 1.5);
}

/** Returns the IDF-weighted share of query words that `result` covers, long queries damped. */
export function queryCoverage(terms: readonly QueryTerm[], result: ArticleScore, articleCount: number): number {
  let total = 0;
  let covered = 0;
  terms.forEach((term, termIndex) => {
    const weight = term.queryWeight * term.idf;
    total += weight;
    covered += weight * Math.min(1, (result.termStrengths[termIndex] ?? 0) / FULL_MATCH_STRENGTH);
  });
  const unit = rareWordIdf(articleCount);
  const denominator = Math.min(total, unit * Math.sqrt((LONG_QUERY_SCALE * total) / unit));
  return denominator > 0 ? Math.min(1, covered / denominator) : 0;
}

/** Returns a factor in [TIED_MARGIN_FACTOR, 1] that grows with the lead over the runner-up. */
export function marginFactor(result: Pick<ArticleScore, 'score'>, runnerUp: Pick<ArticleScore, 'score'> | undefined): number {
  if (!runnerUp || result.score <= 0) {
    return 1;
  }
  const margin = Math.max(0, (result.score - runnerUp.score) / result.score);
  return TIED_MARGIN_FACTOR + (1 - TIED_MARGIN_FACTOR) * Math.min(1, margin / FULL_MARGIN);
}

/** Returns the confidence, between 0 and 1, that the article of `result` answers the query of `terms`. */
export function estimateConfidence(
  terms: readonly QueryTerm[],
  result: ArticleScore,
  runnerUp: Pick<ArticleScore, 'score'> | undefined,
  articleCount: number,
): number {
  const keyFactor = Math.min(1, result.keyCoverage / FULL_KEY_COVERAGE);
  return queryCoverage(terms, result, articleCount) * keyFactor * marginFactor(result, runnerUp);
}
