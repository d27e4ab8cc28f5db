import { matchingTerms, type Bm25Index } from './bm25-index.js';
import { analyzeText, termForms, type AnalyzedToken, type TextLanguage } from './normalize.js';
import { expandSynonyms } from './synonyms.js';
import { similarTerms } from './typo-tolerance.js';

/**
 * Turns a query into its distinct informative words, each resolved to the index terms it
 * matches: its own forms, synonyms, stems of the other language, prefix matches and, for
 * a word that matches nothing, terms one typo away. Every expansion is looked up in the
 * index vocabulary, so a query never carries terms that no article contains.
 */

/**
 * Factor of a query word's stem in the other language. Product names and loanwords
 * ("Authenticator", "BitLocker") are stemmed differently by the Polish and the English
 * stemmer, so a question in one language would miss an article in the other without it.
 */
const OTHER_LANGUAGE_FORM_FACTOR = 0.9;

/** One distinct informative word of the query. */
export interface QueryWord {
  /** The word as the query wrote it, lower-cased. */
  surface: string;
  /** Ids of the index terms this word matches. */
  candidateTerms: Int32Array;
  /** Similarity times form factor of each of `candidateTerms`, in (0, 1]. */
  candidateWeights: Float64Array;
  /** How many times the query contains the word (any inflected form). */
  occurrences: number;
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

/** Adds the stems of the other language to each token, at `OTHER_LANGUAGE_FORM_FACTOR`. */
export function addOtherLanguageForms(tokens: readonly AnalyzedToken[], language: TextLanguage): void {
  if (language === 'und') {
    return;
  }
  const other = language === 'pl' ? 'en' : 'pl';
  for (const token of tokens) {
    for (const [form, factor] of termForms(token.folded, other)) {
      const scaled = factor * OTHER_LANGUAGE_FORM_FACTOR;
      if (scaled > (token.forms.get(form) ?? 0)) {
        token.forms.set(form, scaled);
      }
    }
  }
}

/** Returns the index terms a token's forms match, each with its best similarity times form factor. */
function resolveCandidates(index: Bm25Index, token: AnalyzedToken): Map<number, number> {
  const candidates = new Map<number, number>();
  token.forms.forEach((factor, form) => {
    matchingTerms(index, form).forEach((similarity, termId) => {
      candidates.set(termId, Math.max(candidates.get(termId) ?? 0, similarity * factor));
    });
  });
  if (candidates.size === 0) {
    // Only a word that matches nothing is taken for a typo, so a correct word never
    // picks up the postings of its near neighbours.
    for (const [form, factor] of token.forms) {
      for (const [termId, similarity] of similarTerms(index, form)) {
        candidates.set(termId, Math.max(candidates.get(termId) ?? 0, similarity * factor));
      }
    }
  }
  return candidates;
}

/** Analyses `query`, expands synonyms and resolves every distinct word to index terms. */
export function prepareQuery(index: Bm25Index, query: string, language: TextLanguage): QueryWord[] {
  const merged = mergeRepeatedWords(analyzeText(query, language));
  const expanded = expandSynonyms(merged.map((entry) => entry.token));
  addOtherLanguageForms(expanded, language);
  return expanded.map((token, position) => {
    // Plain arrays, because the scorer walks them for every posting list it reads.
    const candidates = resolveCandidates(index, token);
    return {
      surface: token.surface,
      candidateTerms: Int32Array.from(candidates.keys()),
      candidateWeights: Float64Array.from(candidates.values()),
      occurrences: merged[position]?.count ?? 1,
    };
  });
}
