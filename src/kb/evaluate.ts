import { performance } from 'node:perf_hooks';
import type { EvalQuery } from './eval-queries.js';
import type { KbMatch, KbMatcher } from './matcher.js';

/**
 * Measures how well a matcher answers a labelled query set: precision at 1, recall at 3,
 * the wrong-answer rate, the abstention rate on unanswerable questions and the search
 * latency, overall and per query language.
 */

/** Results per query that recall is measured over. */
const RECALL_DEPTH = 3;

/** What the bot would have done with one query. */
export type EvalOutcome =
  /** The top article is a labelled answer and reaches the threshold: the bot answers correctly. */
  | 'correct'
  /** The top article reaches the threshold but is not a labelled answer (or the question has none). */
  | 'wrong_answer'
  /** No article reaches the threshold: the bot acknowledges and routes to an agent. */
  | 'abstained';

export interface EvalQueryResult {
  id: string;
  language: string;
  expected: string | null;
  outcome: EvalOutcome;
  /** Best article with its confidence, or null when no article matched at all. */
  top: { article: string; confidence: number } | null;
  /** Up to three best articles, best first. */
  top3: string[];
  /** Whether a labelled answer is among `top3`; null for unanswerable queries. */
  foundInTop3: boolean | null;
  threshold: number;
  latencyMs: number;
}

export interface EvalMetrics {
  queries: number;
  answerable: number;
  unanswerable: number;
  /** Share of answerable queries whose top article is correct and reaches the threshold. */
  precisionAt1: number | null;
  /** Share of answerable queries with a correct article among the first three, threshold ignored. */
  recallAt3: number | null;
  /** Share of all queries answered above the threshold with a wrong article. */
  wrongAnswerRate: number | null;
  /** Share of unanswerable queries where no article reaches the threshold. */
  abstentionRate: number | null;
}

export interface EvalReport {
  articles: number;
  /** Threshold of queries without a category; queries with one may use a per-category value. */
  threshold: number;
  overall: EvalMetrics;
  byLanguage: Record<string, EvalMetrics>;
  latencyMs: { p50: number; p99: number; max: number };
  /** Labels that name no loaded article: a typo in the query file or a missing folder. */
  unknownLabels: string[];
  results: EvalQueryResult[];
}

export interface EvaluateOptions {
  /** Threshold for a query of the given category (null when the query has none). */
  thresholdFor: (category: string | null) => number;
}

/** Identifies an article the way labels may name it: its id, or its folder label and id. */
export function articleLabels(match: Pick<KbMatch, 'articleId' | 'source'>): string[] {
  return [match.articleId, `${match.source}/${match.articleId}`];
}

function isAcceptable(match: KbMatch, query: EvalQuery): boolean {
  const accepted = new Set([query.expectedArticle, ...query.alsoAcceptable].filter((label): label is string => label !== null));
  return articleLabels(match).some((label) => accepted.has(label));
}

/** Returns the value at `fraction` of sorted `values` by the nearest-rank method. */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] as number;
}

function ratio(count: number, total: number): number | null {
  return total === 0 ? null : count / total;
}

/** Summarises per-query results into the report's metrics. */
export function summarize(results: readonly EvalQueryResult[]): EvalMetrics {
  const answerable = results.filter((result) => result.expected !== null);
  const unanswerable = results.filter((result) => result.expected === null);
  return {
    queries: results.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    precisionAt1: ratio(answerable.filter((result) => result.outcome === 'correct').length, answerable.length),
    recallAt3: ratio(answerable.filter((result) => result.foundInTop3 === true).length, answerable.length),
    wrongAnswerRate: ratio(results.filter((result) => result.outcome === 'wrong_answer').length, results.length),
    abstentionRate: ratio(unanswerable.filter((result) => result.outcome === 'abstained').length, unanswerable.length),
  };
}

function displayId(match: KbMatch, singleSource: boolean): string {
  return singleSource ? match.articleId : `${match.source}/${match.articleId}`;
}

function evaluateOne(matcher: KbMatcher, query: EvalQuery, threshold: number, singleSource: boolean): EvalQueryResult {
  const started = performance.now();
  const matches = matcher.search(query.query, { language: query.language, limit: RECALL_DEPTH });
  const latencyMs = performance.now() - started;

  const [best] = matches;
  const answered = best !== undefined && best.confidence >= threshold;
  let outcome: EvalOutcome = 'abstained';
  if (answered) {
    outcome = query.expectedArticle !== null && isAcceptable(best, query) ? 'correct' : 'wrong_answer';
  }
  return {
    id: query.id,
    language: query.language,
    expected: query.expectedArticle,
    outcome,
    top: best ? { article: displayId(best, singleSource), confidence: best.confidence } : null,
    top3: matches.map((match) => displayId(match, singleSource)),
    foundInTop3: query.expectedArticle === null ? null : matches.some((match) => isAcceptable(match, query)),
    threshold,
    latencyMs,
  };
}

function findUnknownLabels(queries: readonly EvalQuery[], known: ReadonlySet<string>): string[] {
  const unknown = new Set<string>();
  for (const query of queries) {
    for (const label of [query.expectedArticle, ...query.alsoAcceptable]) {
      if (label !== null && !known.has(label)) {
        unknown.add(label);
      }
    }
  }
  return [...unknown].sort();
}

/**
 * Runs every query through `matcher` and measures the answers. `articles` are the indexed
 * articles, used to report labels that name none of them. Each query is searched twice
 * and only the second search is timed, so the first searches' warm-up of the JIT compiler
 * does not count as latency.
 */
export function evaluateMatcher(
  matcher: KbMatcher,
  articles: ReadonlyArray<Pick<KbMatch, 'articleId' | 'source'>>,
  queries: readonly EvalQuery[],
  options: EvaluateOptions,
): EvalReport {
  const singleSource = new Set(articles.map((article) => article.source)).size <= 1;
  for (const query of queries) {
    matcher.search(query.query, { language: query.language, limit: RECALL_DEPTH });
  }
  const results = queries.map((query) => evaluateOne(matcher, query, options.thresholdFor(query.category), singleSource));

  const languages = [...new Set(results.map((result) => result.language))].sort();
  const byLanguage: Record<string, EvalMetrics> = {};
  for (const language of languages) {
    byLanguage[language] = summarize(results.filter((result) => result.language === language));
  }
  const latencies = results.map((result) => result.latencyMs).sort((a, b) => a - b);
  const known = new Set(articles.flatMap((article) => articleLabels(article)));

  return {
    articles: articles.length,
    threshold: options.thresholdFor(null),
    overall: summarize(results),
    byLanguage,
    latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
    unknownLabels: findUnknownLabels(queries, known),
    results,
  };
}
