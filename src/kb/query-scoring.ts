import { inverseDocumentFrequency, postingWeight, type Bm25Index } from './bm25-index.js';
import type { QueryWord } from './query-words.js';

/**
 * BM25F scoring of one query against a `Bm25Index`, term at a time, into arrays indexed
 * by article position that live as long as the matcher. A query word contributes through
 * its best candidate term only, so variants and synonyms of one word never add up.
 */

export { saturate } from './bm25-index.js';

/**
 * Score factor per unit of key coverage: an article whose title and tags the query covers
 * fully scores 2.5 times its BM25F score. Ranks the article about the topic above one
 * that merely mentions many of the mail's words, such as a long article whose body
 * touches every subject.
 */
export const KEY_COVERAGE_BONUS = 1.5;
/**
 * Weight, relative to a word that some article contains, of a query word that no article
 * contains. Mails are full of such words (names, places, "lampka", "attempts"), and at full
 * weight they would lower the confidence of every clear match. They still count, so a
 * question made only of them stays below the threshold.
 */
const OUT_OF_VOCABULARY_WEIGHT = 0.6;
/** Largest stamp value before the stamp arrays are cleared and numbering starts again. */
const MAX_STAMP = 0xffff_ffff;

/** One distinct informative word of the query with its BM25 weights. */
export interface QueryTerm extends QueryWord {
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

/** The articles one query matches; the arrays belong to the scorer and change with its next query. */
export interface MatchedArticles {
  terms: QueryTerm[];
  /** Positions of the eligible articles that match at least one term, in order of first match. */
  positions: Int32Array;
  count: number;
  /** BM25F score per article position, valid at `positions` only. */
  bm25: Float64Array;
}

/**
 * Scores queries against one index. It keeps its working arrays between queries, so one
 * scorer serves one query at a time. Searches are synchronous, so a matcher can own one.
 */
export class QueryScorer {
  private readonly bm25: Float64Array;
  private readonly termBest: Float64Array;
  private readonly termStamps: Uint32Array;
  private readonly queryStamps: Uint32Array;
  private readonly termMatches: Int32Array;
  private readonly matches: Int32Array;
  /** Best weight any query word gives each term id; non-zero at `weightedTerms` only. */
  private readonly candidateWeights: Float64Array;
  private weightedTerms: number[] = [];
  /** Best match of each key word, valid where `wordStamps` contains the query's stamp. */
  private readonly wordBest: Float64Array;
  private readonly wordStamps: Uint32Array;
  /** Key coverage per article, valid where `coverageStamps` contains the query's stamp, 0 elsewhere. */
  private readonly keyCoverages: Float64Array;
  private readonly coverageStamps: Uint32Array;
  private readonly coveredArticles: Int32Array;
  private queryStamp = 0;
  private stamp = 0;

  constructor(private readonly index: Bm25Index) {
    const articleCount = index.articles.length;
    this.bm25 = new Float64Array(articleCount);
    this.termBest = new Float64Array(articleCount);
    this.termStamps = new Uint32Array(articleCount);
    this.queryStamps = new Uint32Array(articleCount);
    this.termMatches = new Int32Array(articleCount);
    this.matches = new Int32Array(articleCount);
    this.candidateWeights = new Float64Array(index.postingStarts.length);
    this.wordBest = new Float64Array(index.keyWords.wordArticles.length);
    this.wordStamps = new Uint32Array(index.keyWords.wordArticles.length);
    this.keyCoverages = new Float64Array(articleCount);
    this.coverageStamps = new Uint32Array(articleCount);
    this.coveredArticles = new Int32Array(articleCount);
  }

  /**
   * Scores every article that matches at least one word, skipping agent-only articles
   * unless `includeAgentOnly`. Document frequencies count every article, agent-only
   * ones included, so the weights are the same with and without them.
   */
  scoreWords(words: readonly QueryWord[], includeAgentOnly: boolean): MatchedArticles {
    const { postingStarts, postingArticles, postingWeights, agentOnly } = this.index;
    const articleCount = this.index.articles.length;
    // One stamp for the query and one per word; clearing only between queries keeps them apart.
    if (this.stamp > MAX_STAMP - words.length - 1) {
      for (const stamps of [this.termStamps, this.queryStamps, this.wordStamps, this.coverageStamps]) {
        stamps.fill(0);
      }
      this.stamp = 0;
    }
    const queryStamp = ++this.stamp;
    this.queryStamp = queryStamp;
    let matchCount = 0;

    const terms = words.map((word): QueryTerm => {
      const termStamp = ++this.stamp;
      let termMatchCount = 0;
      for (let candidate = 0; candidate < word.candidateTerms.length; candidate++) {
        const termId = word.candidateTerms[candidate] as number;
        const similarity = word.candidateWeights[candidate] as number;
        const end = postingStarts[termId + 1] as number;
        for (let entry = postingStarts[termId] as number; entry < end; entry++) {
          const position = postingArticles[entry] as number;
          const strength = similarity * (postingWeights[entry] as number);
          if (this.termStamps[position] !== termStamp) {
            this.termStamps[position] = termStamp;
            this.termMatches[termMatchCount++] = position;
            this.termBest[position] = strength;
          } else if (strength > (this.termBest[position] as number)) {
            this.termBest[position] = strength;
          }
        }
      }

      // A word that no article contains is weighted like a word of one article: it is as
      // often a product or person name ("Visio", "Kasia") that the answer need not contain
      // as a topic the knowledge base lacks.
      const idf = inverseDocumentFrequency(articleCount, Math.max(1, termMatchCount));
      const queryWeight = (1 + 0.5 * Math.log(word.occurrences)) * (termMatchCount === 0 ? OUT_OF_VOCABULARY_WEIGHT : 1);
      const weight = queryWeight * idf;
      for (let match = 0; match < termMatchCount; match++) {
        const position = this.termMatches[match] as number;
        if (!includeAgentOnly && agentOnly[position] === 1) {
          continue;
        }
        if (this.queryStamps[position] !== queryStamp) {
          this.queryStamps[position] = queryStamp;
          this.matches[matchCount++] = position;
          this.bm25[position] = 0;
        }
        this.bm25[position] = (this.bm25[position] as number) + weight * (this.termBest[position] as number);
      }
      return { ...word, documentFrequency: termMatchCount, idf, queryWeight };
    });

    this.setCandidateWeights(words);
    this.computeKeyCoverage();
    return { terms, positions: this.matches, count: matchCount, bm25: this.bm25 };
  }

  /**
   * Returns the IDF-weighted share, 0..1, of the article's title and tag words that the
   * last scored query matches. A mail that names what an article is about ("VPN",
   * "drukarka") covers much of it, but a mail that shares only everyday words with the
   * body covers little.
   */
  keyCoverage(position: number): number {
    return this.coverageStamps[position] === this.queryStamp ? (this.keyCoverages[position] as number) : 0;
  }

  /** Returns, per term, the best candidate's similarity times its weight in the article at `position`. */
  termStrengths(terms: readonly QueryTerm[], position: number): Float64Array {
    const strengths = new Float64Array(terms.length);
    terms.forEach((term, termIndex) => {
      let best = 0;
      for (let candidate = 0; candidate < term.candidateTerms.length; candidate++) {
        const weight = postingWeight(this.index, term.candidateTerms[candidate] as number, position);
        best = Math.max(best, (term.candidateWeights[candidate] as number) * weight);
      }
      strengths[termIndex] = best;
    });
    return strengths;
  }

  private setCandidateWeights(words: readonly QueryWord[]): void {
    for (const termId of this.weightedTerms) {
      this.candidateWeights[termId] = 0;
    }
    this.weightedTerms = [];
    for (const word of words) {
      for (let candidate = 0; candidate < word.candidateTerms.length; candidate++) {
        const termId = word.candidateTerms[candidate] as number;
        const weight = word.candidateWeights[candidate] as number;
        const current = this.candidateWeights[termId] as number;
        if (current === 0) {
          this.weightedTerms.push(termId);
        }
        this.candidateWeights[termId] = Math.max(current, weight);
      }
    }
  }

  /**
   * Finds the key words that the query's candidate terms match, then computes the coverage
   * of each article that owns one. The sum runs over the article's key words in their
   * stored order, so every search rounds it the same way.
   */
  private computeKeyCoverage(): void {
    const { termStarts, termWords, termWordFactors, wordArticles, articleStarts, wordIdf, articleIdfTotals } = this.index.keyWords;
    const stamp = this.queryStamp;
    let coveredCount = 0;
    for (const termId of this.weightedTerms) {
      const weight = this.candidateWeights[termId] as number;
      const end = termStarts[termId + 1] as number;
      for (let entry = termStarts[termId] as number; entry < end; entry++) {
        const word = termWords[entry] as number;
        const match = (termWordFactors[entry] as number) * weight;
        if (this.wordStamps[word] !== stamp) {
          this.wordStamps[word] = stamp;
          this.wordBest[word] = match;
          const article = wordArticles[word] as number;
          if (this.coverageStamps[article] !== stamp) {
            this.coverageStamps[article] = stamp;
            this.coveredArticles[coveredCount++] = article;
          }
        } else if (match > (this.wordBest[word] as number)) {
          this.wordBest[word] = match;
        }
      }
    }

    for (let covered = 0; covered < coveredCount; covered++) {
      const article = this.coveredArticles[covered] as number;
      const total = articleIdfTotals[article] as number;
      let sum = 0;
      const end = articleStarts[article + 1] as number;
      for (let word = articleStarts[article] as number; word < end; word++) {
        const best = this.wordStamps[word] === stamp ? (this.wordBest[word] as number) : 0;
        sum += (wordIdf[word] as number) * best;
      }
      this.keyCoverages[article] = total > 0 ? sum / total : 0;
    }
  }
}
