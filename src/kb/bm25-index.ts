import type { KbArticleContent } from '../store/article.model.js';
import { MAX_PREFIX_EXTRA_CHARS, MIN_PREFIX_STEM_LENGTH, stemSimilarity } from './normalize.js';

/**
 * An inverted index of knowledge-base articles for BM25F scoring (Robertson and Zaragoza,
 * "The Probabilistic Relevance Framework: BM25 and Beyond", 2009), laid out in typed
 * arrays: each term has one contiguous run of article positions and weights, so a search
 * reads memory in order and the index of 10,000 articles takes tens of megabytes. A term
 * weight does not depend on the query, so the build computes it once per posting.
 * `buildBm25Index` in index-builder.ts builds it.
 */

/** The article fields the matcher reads. */
export type MatchableArticle = Pick<
  KbArticleContent,
  'articleId' | 'source' | 'title' | 'language' | 'tags' | 'audience' | 'synonyms' | 'body'
>;

export const FIELDS = ['title', 'tags', 'synonyms', 'body'] as const;
export type Field = (typeof FIELDS)[number];

/** Weight of a term occurrence per field, because a title word tells more about the topic than a body word. */
export const FIELD_BOOSTS: Readonly<Record<Field, number>> = { title: 3, tags: 2, synonyms: 1.5, body: 1 };

/** BM25 term-frequency saturation; 1.2 is the usual default. */
export const K1 = 1.2;
/** BM25 length normalisation; 0.75 is the usual default. */
export const B = 0.75;

/**
 * Title and tag words of every article, grouped by stem. Key word `k` belongs to article
 * `wordArticles[k]`, and article `a` owns key words `articleStarts[a]` to
 * `articleStarts[a + 1] - 1`. Term `t` is a form of key words `termWords[termStarts[t]]`
 * to `termWords[termStarts[t + 1] - 1]`, so a query reaches the key words it matches
 * without reading every article's title.
 */
export interface KeyWordTable {
  articleStarts: Int32Array;
  wordArticles: Int32Array;
  /** IDF of each key word's stem. */
  wordIdf: Float64Array;
  /** Sum of `wordIdf` over each article's key words. */
  articleIdfTotals: Float64Array;
  termStarts: Int32Array;
  termWords: Int32Array;
  /** Factor of the term as a form of the key word (1 for the stem, less for variants). */
  termWordFactors: Float64Array;
}

export interface Bm25Index {
  articles: readonly MatchableArticle[];
  /** Term → term id, for terms that at least one article contains. */
  termIds: ReadonlyMap<string, number>;
  /** Every term that at least one article contains, sorted, for prefix look-ups. */
  vocabulary: readonly string[];
  /** Term id of each `vocabulary` entry. */
  vocabularyIds: Int32Array;
  /** Postings of term `t`: entries `postingStarts[t]` to `postingStarts[t + 1] - 1`. */
  postingStarts: Int32Array;
  /** Article position of each posting, ascending within a term. */
  postingArticles: Int32Array;
  /**
   * BM25F weight of each posting: field-boosted, length-normalised frequency after
   * saturation, so between 0 and `K1 + 1`.
   */
  postingWeights: Float64Array;
  keyWords: KeyWordTable;
  /** 1 for `audience: agents` articles, which must never reach a requester. */
  agentOnly: Uint8Array;
}

/** Returns the BM25 saturation of a boosted frequency, between 0 and `K1 + 1`. */
export function saturate(frequency: number): number {
  return (frequency * (K1 + 1)) / (frequency + K1);
}

/** Returns the BM25 IDF of a term found in `documentFrequency` of `articleCount` articles. */
export function inverseDocumentFrequency(articleCount: number, documentFrequency: number): number {
  return Math.log(1 + (articleCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/** Returns the posting weight of term `termId` in the article at `position`, or 0 when it has none. */
export function postingWeight(index: Bm25Index, termId: number, position: number): number {
  let low = index.postingStarts[termId] as number;
  let high = index.postingStarts[termId + 1] as number;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const article = index.postingArticles[middle] as number;
    if (article === position) {
      return index.postingWeights[middle] as number;
    }
    if (article < position) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return 0;
}

/** Returns the position of the first vocabulary entry not less than `value`. */
export function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < value) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/**
 * Returns the ids of the index terms that match a query form, each with its similarity:
 * the form itself, longer terms that start with it and shorter terms it starts with,
 * within the prefix limits of `stemSimilarity`.
 */
export function matchingTerms(index: Bm25Index, form: string): Map<number, number> {
  const found = new Map<number, number>();
  const exact = index.termIds.get(form);
  if (exact !== undefined) {
    found.set(exact, 1);
  }
  if (form.length < MIN_PREFIX_STEM_LENGTH) {
    return found;
  }
  for (let position = lowerBound(index.vocabulary, form); position < index.vocabulary.length; position++) {
    const term = index.vocabulary[position] as string;
    if (!term.startsWith(form)) {
      break;
    }
    const similarity = stemSimilarity(form, term);
    if (similarity > 0) {
      found.set(index.vocabularyIds[position] as number, similarity);
    }
  }
  const shortest = Math.max(MIN_PREFIX_STEM_LENGTH, form.length - MAX_PREFIX_EXTRA_CHARS);
  for (let length = form.length - 1; length >= shortest; length--) {
    const prefix = form.slice(0, length);
    const termId = index.termIds.get(prefix);
    if (termId !== undefined) {
      found.set(termId, stemSimilarity(form, prefix));
    }
  }
  return found;
}
