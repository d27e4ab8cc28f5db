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

/**
 * True when `a` and `b` differ by exactly one insertion, deletion, substitution or adjacent
 * swap. It compares character codes in place, because a search calls it for every
 * vocabulary term that shares the query form's first characters.
 */
export function isOneEditApart(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) {
    return false;
  }
  let start = 0;
  while (start < a.length && start < b.length && a.charCodeAt(start) === b.charCodeAt(start)) {
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  const differentA = endA - start;
  const differentB = endB - start;
  if (differentA <= 1 && differentB <= 1) {
    return true;
  }
  return (
    differentA === 2 &&
    differentB === 2 &&
    a.charCodeAt(start) === b.charCodeAt(start + 1) &&
    a.charCodeAt(start + 1) === b.charCodeAt(start)
  );
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
