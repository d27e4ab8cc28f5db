import type { Bm25Index, MatchableArticle } from './bm25-index.js';
import { estimateConfidence } from './confidence.js';
import { buildBm25Index } from './index-builder.js';
import { guessLanguage, type DetectLanguage } from './language-guess.js';
import type { TextLanguage } from './normalize.js';
import { KEY_COVERAGE_BONUS, QueryScorer, type ArticleScore, type MatchedArticles, type QueryTerm } from './query-scoring.js';
import { prepareQuery } from './query-words.js';
import { selectTopArticles, type ScoredArticle } from './top-articles.js';
import { TranslationFinder } from './translations.js';

export { DEFAULT_CONFIDENCE_THRESHOLD } from './confidence.js';
export type { MatchableArticle } from './bm25-index.js';

/** One article found for a query. */
export interface KbMatch {
  articleId: string;
  /** Label of the knowledge-base folder the article came from. */
  source: string;
  title: string;
  language: string;
  /** BM25F score; comparable only between results of the same query. */
  score: number;
  /** Between 0 and 1, comparable across queries; see `DEFAULT_CONFIDENCE_THRESHOLD`. */
  confidence: number;
  /** Query words, lower-cased as written, that the article matches. */
  matchedTerms: string[];
}

export interface KbSearchOptions {
  /**
   * Language of the query ('pl' or 'en'), used to stem it and to prefer articles in that
   * language when a translation exists. Guessed from the query when missing.
   */
  language?: string;
  /** Maximum number of results; 5 by default. */
  limit?: number;
  /** Includes `audience: agents` articles, which must never reach a requester. */
  includeAgentOnly?: boolean;
  /**
   * Score factor per article id from requesters' feedback (see `feedbackFactor`). It
   * re-orders the ranking only; the confidence of an article stays what its text earns.
   * The matcher keeps the factors of the last map it was given by article, so pass a new
   * map when the factors change rather than changing the map in place.
   */
  feedbackFactors?: ReadonlyMap<string, number>;
}

export interface KbMatcher {
  search(query: string, options?: KbSearchOptions): KbMatch[];
  /** Number of indexed articles, agent-only ones included. */
  readonly size: number;
}

export interface Bm25MatcherOptions {
  /** Guesses the query language when the caller gives none; a local heuristic by default. */
  detectLanguage?: DetectLanguage;
}

const DEFAULT_LIMIT = 5;
/**
 * Score factor for articles in the query's language. Small: it decides between an article
 * and its translation, not between topics.
 */
const SAME_LANGUAGE_FACTOR = 1.25;

function queryLanguage(query: string, requested: string | undefined, detect: DetectLanguage): TextLanguage {
  if (requested === 'pl' || requested === 'en') {
    return requested;
  }
  return detect(query).language;
}

function toMatch(article: MatchableArticle, result: ArticleScore, terms: readonly QueryTerm[], confidence: number): KbMatch {
  const matchedTerms = terms.filter((_term, termIndex) => (result.termStrengths[termIndex] ?? 0) > 0).map((term) => term.surface);
  return {
    articleId: article.articleId,
    source: article.source,
    title: article.title,
    language: article.language,
    score: result.score,
    confidence,
    matchedTerms,
  };
}

/**
 * Returns the best article other than `result` that competes with it: one in the same
 * language, or one in another language that is not its translation.
 */
function runnerUp(
  languageIds: Int32Array,
  translations: TranslationFinder,
  ranked: readonly ScoredArticle[],
  result: ScoredArticle,
): ScoredArticle | undefined {
  const language = languageIds[result.position];
  return ranked.find(
    (other) =>
      other !== result &&
      (languageIds[other.position] === language || !translations.areTranslations(result.position, other.position)),
  );
}

class Bm25Matcher implements KbMatcher {
  private readonly index: Bm25Index;
  private readonly scorer: QueryScorer;
  private readonly detectLanguage: DetectLanguage;
  private readonly translations: TranslationFinder;
  /** Language of each article as a number, so ranking compares numbers, not strings. */
  private readonly languageIds: Int32Array;
  private readonly languageIdByName = new Map<string, number>();
  /** Full score per article position for the current search, valid at its matched positions. */
  private readonly scores: Float64Array;
  /** Feedback factors by article position, for the last map a search passed, because callers reuse one map between searches. */
  private feedbackByPosition: { factors: ReadonlyMap<string, number>; byPosition: Float64Array } | undefined;

  constructor(articles: readonly MatchableArticle[], options: Bm25MatcherOptions) {
    this.index = buildBm25Index(articles);
    this.scorer = new QueryScorer(this.index);
    this.translations = new TranslationFinder(this.index.articles);
    this.scores = new Float64Array(articles.length);
    this.detectLanguage = options.detectLanguage ?? guessLanguage;
    this.languageIds = Int32Array.from(articles, (article) => {
      let id = this.languageIdByName.get(article.language);
      if (id === undefined) {
        id = this.languageIdByName.size;
        this.languageIdByName.set(article.language, id);
      }
      return id;
    });
  }

  get size(): number {
    return this.index.articles.length;
  }

  search(query: string, options: KbSearchOptions = {}): KbMatch[] {
    const limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT));
    if (limit === 0 || this.index.articles.length === 0) {
      return [];
    }
    const language = queryLanguage(query, options.language, this.detectLanguage);
    const words = prepareQuery(this.index, query, language);
    if (words.length === 0) {
      return [];
    }
    const matched = this.scorer.scoreWords(words, options.includeAgentOnly === true);
    this.computeScores(matched, language, options.feedbackFactors);
    const ranked = selectTopArticles({
      positions: matched.positions,
      count: matched.count,
      limit,
      scores: this.scores,
      languages: this.languageIds,
      languageCount: this.languageIdByName.size,
    });

    const articles = this.index.articles;
    return ranked.slice(0, limit).map((result) => {
      const competitor = runnerUp(this.languageIds, this.translations, ranked, result);
      const score = this.articleScore(matched.terms, result);
      const confidence = estimateConfidence(matched.terms, score, competitor, articles.length);
      return toMatch(articles[result.position] as MatchableArticle, score, matched.terms, confidence);
    });
  }

  /**
   * Writes the full score of every matched article into `scores`: the BM25F sum with the
   * key-coverage bonus, times the same-language preference and the feedback factor.
   */
  private computeScores(matched: MatchedArticles, language: TextLanguage, feedbackFactors: ReadonlyMap<string, number> | undefined): void {
    const preferredLanguage = language === 'und' ? -1 : (this.languageIdByName.get(language) ?? -1);
    const feedback = feedbackFactors ? this.feedbackFactorsByPosition(feedbackFactors) : undefined;
    const { positions, count, bm25 } = matched;
    for (let index = 0; index < count; index++) {
      const position = positions[index] as number;
      let score = (bm25[position] as number) * (1 + KEY_COVERAGE_BONUS * this.scorer.keyCoverage(position));
      if (this.languageIds[position] === preferredLanguage) {
        score *= SAME_LANGUAGE_FACTOR;
      }
      this.scores[position] = feedback ? score * (feedback[position] as number) : score;
    }
  }

  private feedbackFactorsByPosition(factors: ReadonlyMap<string, number>): Float64Array {
    if (this.feedbackByPosition?.factors !== factors) {
      const byPosition = Float64Array.from(this.index.articles, (article) => factors.get(article.articleId) ?? 1);
      this.feedbackByPosition = { factors, byPosition };
    }
    return this.feedbackByPosition.byPosition;
  }

  private articleScore(terms: readonly QueryTerm[], result: ScoredArticle): ArticleScore {
    return {
      position: result.position,
      score: result.score,
      termStrengths: this.scorer.termStrengths(terms, result.position),
      keyCoverage: this.scorer.keyCoverage(result.position),
    };
  }
}

/** Builds a BM25F matcher over `articles`; build a new one when the articles change. */
export function createBm25Matcher(articles: readonly MatchableArticle[], options: Bm25MatcherOptions = {}): KbMatcher {
  return new Bm25Matcher(articles, options);
}
