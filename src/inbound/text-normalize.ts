/**
 * Text folding shared by the language detector and the solved-intent matcher, so that
 * Polish written without diacritics ("nie dziala") matches the same word lists as
 * Polish written with them ("nie działa").
 */

const POLISH_FOLDS: Readonly<Record<string, string>> = {
  ą: 'a',
  ć: 'c',
  ę: 'e',
  ł: 'l',
  ń: 'n',
  ó: 'o',
  ś: 's',
  ź: 'z',
  ż: 'z',
};

/**
 * Lower-cases `text` and removes diacritics. `ł` has no Unicode decomposition, so the
 * Polish letters are mapped explicitly before the generic combining-mark removal.
 */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  const polishFolded = lower.replace(/[ąćęłńóśźż]/g, (letter) => POLISH_FOLDS[letter] ?? letter);
  return polishFolded.normalize('NFD').replace(/\p{M}+/gu, '');
}

/** Replaces typographic apostrophes and quotes with their ASCII forms. */
export function asciiPunctuation(text: string): string {
  return text.replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u201c\u201d\u201e]/g, '"');
}

/** Splits text into lower-case letter words (Unicode letters, inner apostrophes kept). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/\p{L}+(?:'\p{L}+)*/gu) ?? [];
}
