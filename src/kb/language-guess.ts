import { foldText } from './normalize.js';

/**
 * A small Polish-or-English guess for knowledge-base text whose front matter names no
 * language. Same signature as a general language detector, so a caller can pass one in.
 */

export interface LanguageGuess {
  language: 'pl' | 'en' | 'und';
  confidence: number;
}

export type DetectLanguage = (text: string) => LanguageGuess;

/**
 * Frequent function words, folded; each is common in one language and rare in the other,
 * so words of both ("i", "do", "to") are left out.
 */
const POLISH_MARKERS = new Set([
  'nie', 'sie', 'jest', 'na', 'w', 'z', 'ze', 'jak', 'czy', 'co', 'dla', 'oraz', 'aby',
  'jesli', 'po', 'lub', 'albo', 'ktory', 'ktora', 'ktore', 'mozna', 'moze', 'przez', 'tak', 'sa',
]);
const ENGLISH_MARKERS = new Set([
  'the', 'and', 'is', 'of', 'you', 'your', 'it', 'in', 'for', 'on', 'with', 'this', 'that',
  'not', 'can', 'be', 'are', 'if', 'or', 'from', 'an', 'will', 'which', 'have', 'has',
]);
/** Weight of one Polish-only letter against one marker word. */
const DIACRITIC_WEIGHT = 0.5;
/**
 * Below this much evidence (marker words plus weighted letters) the text stays
 * undetermined; 2 lets a short question such as "nie pamiętam hasła" count as Polish.
 */
const MIN_EVIDENCE = 2;

/** Guesses whether `text` is Polish or English from marker words and Polish letters. */
export function guessLanguage(text: string): LanguageGuess {
  const diacritics = (text.match(/[ąćęłńśźż]/gi) ?? []).length;
  let polish = diacritics * DIACRITIC_WEIGHT;
  let english = 0;
  for (const word of foldText(text).match(/\p{L}+/gu) ?? []) {
    if (POLISH_MARKERS.has(word)) {
      polish += 1;
    }
    if (ENGLISH_MARKERS.has(word)) {
      english += 1;
    }
  }
  const evidence = polish + english;
  if (evidence < MIN_EVIDENCE || polish === english) {
    return { language: 'und', confidence: 0 };
  }
  return {
    language: polish > english ? 'pl' : 'en',
    confidence: Math.abs(polish - english) / evidence,
  };
}
