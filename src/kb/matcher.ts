import { buildBm25Index, type Bm25Index, type MatchableArticle } from './bm25-index.js';
import { estimateConfidence } from './confidence.js';
import { guessLanguage, type DetectLanguage } from './language-guess.js';
import type { TextLanguage } from './normalize.js';
import { prepareQuery, scoreArticles, type ArticleScore, type QueryTerm } from './query-scoring.js';

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
 * Returns the first article after `best` that is not in another language than `best`.
 * Translations of the best article are not competitors, so they do not lower its margin.
 */
function runnerUp(index: Bm25Index, ranked: readonly ArticleScore[], best: ArticleScore): ArticleScore | undefined {
  const bestLanguage = index.articles[best.position]?.article.language;
  return ranked.find((result) => result !== best && index.articles[result.position]?.article.language === bestLanguage);
}

class Bm25Matcher implements KbMatcher {
  private readonly index: Bm25Index;
  private readonly detectLanguage: DetectLanguage;

  constructor(articles: readonly MatchableArticle[], options: Bm25MatcherOptions) {
    this.index = buildBm25Index(articles);
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
    const terms = prepareQuery(this.index, query, language);
    if (terms.length === 0) {
      return [];
    }
    const isEligible = (position: number): boolean =>
      options.includeAgentOnly === true || this.index.articles[position]?.article.audience !== 'agents';
    const ranked = scoreArticles(this.index, terms, isEligible);
    if (language !== 'und') {
      for (const result of ranked) {
        if (this.index.articles[result.position]?.article.language === language) {
          result.score *= SAME_LANGUAGE_FACTOR;
        }
      }
      ranked.sort((a, b) => b.score - a.score);
    }

    return ranked.slice(0, limit).map((result) => {
      const article = this.index.articles[result.position]?.article as MatchableArticle;
      const competitor = runnerUp(this.index, ranked, result);
      const confidence = estimateConfidence(terms, result, competitor, this.index.articles.length);
      return toMatch(article, result, terms, confidence);
    });
  }
}

/** Builds a BM25F matcher over `articles`; build a new one when the articles change. */
export function createBm25Matcher(articles: readonly MatchableArticle[], options: Bm25MatcherOptions = {}): KbMatcher {
  return new Bm25Matcher(articles, options);
}
