import type { Bm25Index, MatchableArticle } from './bm25-index.js';
import { estimateConfidence } from './confidence.js';
import { buildBm25Index } from './index-builder.js';
import { guessLanguage, type DetectLanguage } from './language-guess.js';
import type { TextLanguage } from './normalize.js';
import { KEY_COVERAGE_BONUS, QueryScorer, type ArticleScore, type QueryTerm } from './query-scoring.js';
import { prepareQuery } from './query-words.js';
import { selectTopArticles, type ScoredArticle } from './top-articles.js';

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
 * Returns the best article other than `result` in the language of `result`. Translations
 * of an article are not competitors, so they do not lower its margin.
 */
function runnerUp(index: Bm25Index, ranked: readonly ScoredArticle[], result: ScoredArticle): ScoredArticle | undefined {
  const language = index.articles[result.position]?.language;
  return ranked.find((other) => other !== result && index.articles[other.position]?.language === language);
}

class Bm25Matcher implements KbMatcher {
  private readonly index: Bm25Index;
  private readonly scorer: QueryScorer;
  private readonly detectLanguage: DetectLanguage;

  constructor(articles: readonly MatchableArticle[], options: Bm25MatcherOptions) {
    this.index = buildBm25Index(articles);
    this.scorer = new QueryScorer(this.index);
    this.detectLanguage = options.detectLanguage ?? guessLanguage;
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
    const articles = this.index.articles;
    const feedback = options.feedbackFactors;
    const ranked = selectTopArticles({
      positions: matched.positions,
      count: matched.count,
      limit,
      // The factors apply in this order everywhere, so equal inputs give equal scores.
      scoreOf: (position, keyCoverage) => {
        const article = articles[position] as MatchableArticle;
        let score = (matched.bm25[position] as number) * (1 + KEY_COVERAGE_BONUS * keyCoverage);
        if (language !== 'und' && article.language === language) {
          score *= SAME_LANGUAGE_FACTOR;
        }
        return score * ((feedback && feedback.get(article.articleId)) ?? 1);
      },
      keyCoverageOf: (position) => this.scorer.keyCoverage(position),
      languageOf: (position) => (articles[position] as MatchableArticle).language,
    });

    return ranked.slice(0, limit).map((result) => {
      const competitor = runnerUp(this.index, ranked, result);
      const score = this.articleScore(matched.terms, result);
      const confidence = estimateConfidence(matched.terms, score, competitor, articles.length);
      return toMatch(articles[result.position] as MatchableArticle, score, matched.terms, confidence);
    });
  }

  private articleScore(terms: readonly QueryTerm[], result: ScoredArticle): ArticleScore {
    return {
      position: result.position,
      score: result.score,
      termStrengths: this.scorer.termStrengths(terms, result.position),
      keyCoverage: result.keyCoverage,
    };
  }
}

/** Builds a BM25F matcher over `articles`; build a new one when the articles change. */
export function createBm25Matcher(articles: readonly MatchableArticle[], options: Bm25MatcherOptions = {}): KbMatcher {
  return new Bm25Matcher(articles, options);
}
