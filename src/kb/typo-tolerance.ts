import { lowerBound, type Bm25Index } from './bm25-index.js';

/**
 * Typo tolerance: finds index terms one edit away from a query form that matches nothing
 * ("pasword", "drukraka"). One edit is an inserted, deleted or replaced character, or two
 * neighbouring characters swapped.
 */

/** Shorter forms are left alone: one edit turns a short word into another real word. */
const MIN_TYPO_FORM_LENGTH = 5;
/**
 * Characters at the start that must be typed right. Typos at the very start are rare, and
 * fixing them bounds the search to a narrow range of the sorted vocabulary.
 */
const FIXED_PREFIX_LENGTH = 2;
/** Similarity of a term one edit away, below a prefix match (0.7 and up), above nothing. */
export const TYPO_SIMILARITY = 0.6;

/** True when `a` and `b` differ by exactly one insertion, deletion, substitution or adjacent swap. */
export function isOneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) {
    return false;
  }
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const middleA = a.slice(start, endA);
  const middleB = b.slice(start, endB);
  if (middleA.length <= 1 && middleB.length <= 1) {
    return true;
  }
  return middleA.length === 2 && middleB.length === 2 && middleA[0] === middleB[1] && middleA[1] === middleB[0];
}

/** Returns the ids of the vocabulary terms one edit away from `form`, each with `TYPO_SIMILARITY`. */
export function similarTerms(index: Bm25Index, form: string): Map<number, number> {
  const found = new Map<number, number>();
  if (form.length < MIN_TYPO_FORM_LENGTH) {
    return found;
  }
  const prefix = form.slice(0, FIXED_PREFIX_LENGTH);
  for (let position = lowerBound(index.vocabulary, prefix); position < index.vocabulary.length; position++) {
    const term = index.vocabulary[position] as string;
    if (!term.startsWith(prefix)) {
      break;
    }
    if (isOneEditApart(form, term)) {
      found.set(index.vocabularyIds[position] as number, TYPO_SIMILARITY);
    }
  }
  return found;
}
