import { FIELD_BOOSTS, FIELDS, matchingTerms, type Bm25Index } from './bm25-index.js';
import { analyzeText, type AnalyzedToken, type TextLanguage } from './normalize.js';
import { expandSynonyms } from './synonyms.js';

/**
 * BM25F scoring of one query against a `Bm25Index`, with the per-term detail that the
 * confidence estimate needs.
 */

/** BM25 term-frequency saturation; 1.2 is the usual default. */
const K1 = 1.2;
/** BM25 length normalisation; 0.75 is the usual default. */
const B = 0.75;
/**
 * Score factor per unit of key coverage: an article whose title and tags the query covers
 * fully scores twice its BM25F score. Ranks the article about the topic above one that
 * merely mentions many of the mail's words.
 */
const KEY_COVERAGE_BONUS = 1;

/** One distinct informative word of the query. */
export interface QueryTerm {
  /** The word as the query wrote it, lower-cased. */
  surface: string;
  /** Index terms this word matches, with similarity times form factor. */
  candidates: Map<string, number>;
  /** Number of articles containing any candidate. */
  documentFrequency: number;
  idf: number;
  /** Weight of repetition: 1 for one occurrence, growing slowly with more. */
  queryWeight: number;
}

/** Score of one article, with how well it matches each query term. */
export interface ArticleScore {
  position: number;
  score: number;
  /**
   * Per query term, in the order of the terms: the best candidate's similarity times its
   * saturated frequency, so between 0 and `K1 + 1`.
   */
  termStrengths: Float64Array;
  /** IDF-weighted share, 0..1, of the article's title and tag words that the query contains. */
  keyCoverage: number;
}

function inverseDocumentFrequency(articleCount: number, documentFrequency: number): number {
  return Math.log(1 + (articleCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

function mergeRepeatedWords(tokens: readonly AnalyzedToken[]): Array<{ token: AnalyzedToken; count: number }> {
  const byStem = new Map<string, { token: AnalyzedToken; count: number }>();
  for (const token of tokens) {
    const key = [...token.forms.keys()][0] ?? token.folded;
    const seen = byStem.get(key);
    if (seen) {
      seen.count++;
    } else {
      byStem.set(key, { token, count: 1 });
    }
  }
  return [...byStem.values()];
}

/** Analyses `query`, expands synonyms and resolves every word to index terms. */
export function prepareQuery(index: Bm25Index, query: string, language: TextLanguage): QueryTerm[] {
  const merged = mergeRepeatedWords(analyzeText(query, language));
  const expanded = expandSynonyms(merged.map((entry) => entry.token));
  return expanded.map((token, position) => {
    const candidates = new Map<string, number>();
    for (const [form, factor] of token.forms) {
      for (const [term, similarity] of matchingTerms(index, form)) {
        candidates.set(term, Math.max(candidates.get(term) ?? 0, similarity * factor));
      }
    }
    const containing = new Set<number>();
    for (const term of candidates.keys()) {
      for (const articlePosition of index.postings.get(term)?.keys() ?? []) {
        containing.add(articlePosition);
      }
    }
    const count = merged[position]?.count ?? 1;
    return {
      surface: token.surface,
      candidates,
      documentFrequency: containing.size,
      // A word that no article contains is weighted like a word of one article: it is as
      // often a product or person name ("Visio", "Kasia") that the answer need not contain
      // as a topic the knowledge base lacks.
      idf: inverseDocumentFrequency(index.articles.length, Math.max(1, containing.size)),
      queryWeight: 1 + 0.5 * Math.log(count),
    };
  });
}

function boostedFrequency(index: Bm25Index, position: number, frequencies: Float64Array): number {
  const lengths = index.articles[position]?.fieldLengths;
  let total = 0;
  FIELDS.forEach((field, fieldIndex) => {
    const frequency = frequencies[fieldIndex] ?? 0;
    if (frequency === 0 || !lengths) {
      return;
    }
    const relativeLength = (lengths[fieldIndex] ?? 0) / (index.averageFieldLengths[fieldIndex] ?? 1);
    total += (FIELD_BOOSTS[field] * frequency) / (1 - B + B * relativeLength);
  });
  return total;
}

/** Returns every index term the query matches, with the best weight any query word gives it. */
function candidateUnion(terms: readonly QueryTerm[]): Map<string, number> {
  const union = new Map<string, number>();
  for (const term of terms) {
    for (const [candidate, weight] of term.candidates) {
      union.set(candidate, Math.max(union.get(candidate) ?? 0, weight));
    }
  }
  return union;
}

/**
 * Returns the IDF-weighted share of the article's title and tag words that the query
 * matches. A mail that names what an article is about ("VPN", "drukarka") covers much of
 * it, but a mail that shares only everyday words with the body covers little.
 */
function keyCoverage(index: Bm25Index, position: number, queryCandidates: ReadonlyMap<string, number>): number {
  let total = 0;
  let covered = 0;
  for (const forms of index.articles[position]?.keyWords ?? []) {
    const stem = [...forms.keys()][0] ?? '';
    const idf = inverseDocumentFrequency(index.articles.length, index.postings.get(stem)?.size ?? 0);
    let best = 0;
    for (const [form, factor] of forms) {
      best = Math.max(best, factor * (queryCandidates.get(form) ?? 0));
    }
    total += idf;
    covered += idf * best;
  }
  return total > 0 ? covered / total : 0;
}

/** Returns the BM25 saturation of a boosted frequency, between 0 and `K1 + 1`. */
export function saturate(frequency: number): number {
  return (frequency * (K1 + 1)) / (frequency + K1);
}

/**
 * Scores every article allowed by `isEligible` that matches at least one query term.
 * Each term contributes through its best candidate only, so variants and synonyms of
 * one word never add up.
 */
export function scoreArticles(index: Bm25Index, terms: readonly QueryTerm[], isEligible: (position: number) => boolean): ArticleScore[] {
  const byPosition = new Map<number, ArticleScore>();
  terms.forEach((term, termIndex) => {
    for (const [candidate, similarity] of term.candidates) {
      for (const [position, frequencies] of index.postings.get(candidate) ?? []) {
        if (!isEligible(position)) {
          continue;
        }
        let entry = byPosition.get(position);
        if (!entry) {
          entry = { position, score: 0, termStrengths: new Float64Array(terms.length), keyCoverage: 0 };
          byPosition.set(position, entry);
        }
        const strength = similarity * saturate(boostedFrequency(index, position, frequencies));
        if (strength > (entry.termStrengths[termIndex] ?? 0)) {
          entry.termStrengths[termIndex] = strength;
        }
      }
    }
  });
  const queryCandidates = candidateUnion(terms);
  for (const entry of byPosition.values()) {
    const bm25 = terms.reduce(
      (sum, term, termIndex) => sum + term.queryWeight * term.idf * (entry.termStrengths[termIndex] ?? 0),
      0,
    );
    entry.keyCoverage = keyCoverage(index, entry.position, queryCandidates);
    entry.score = bm25 * (1 + KEY_COVERAGE_BONUS * entry.keyCoverage);
  }
  return [...byPosition.values()].sort((a, b) => b.score - a.score);
}
