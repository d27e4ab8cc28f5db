import { StemmerEn } from '@nlpjs/lang-en-min';
import { StemmerPl } from '@nlpjs/lang-pl';
import { isStopWord } from './stopwords.js';
import { foldText } from '../inbound/text-normalize.js';

/**
 * Tokenisation and normalisation of Polish and English text for knowledge-base search.
 *
 * A word becomes a set of weighted forms: its stem plus a few variants for Polish
 * inflection that the stemmer misses. Stems are compared with `stemSimilarity`, which
 * also accepts a short difference at the end, so "drukar" (drukarce) matches "drukark"
 * (drukarka) and "print" matches "printer".
 */

export type TextLanguage = 'pl' | 'en' | 'und';

/** One word of a text: `surface` keeps its diacritics, `folded` is what gets stemmed. */
export interface Token {
  surface: string;
  folded: string;
}

/** A token with its search forms, each mapped to a factor in (0, 1]; the stem has 1. */
export interface AnalyzedToken extends Token {
  forms: Map<string, number>;
}

/** Shortest stem that may match a longer one by prefix; shorter stems match only exactly. */
const MIN_PREFIX_STEM_LENGTH = 4;
/** Maximum difference, in characters, between two stems that still match by prefix. */
const MAX_PREFIX_EXTRA_CHARS = 2;
/** Similarity of two stems that differ by one and by two trailing characters. */
const PREFIX_SIMILARITY = [1, 0.85, 0.7] as const;
/** Tokens longer than this are encoded data or pasted hashes, not words. */
const MAX_TOKEN_LENGTH = 40;

/** Factor of a variant that undoes a Polish vowel or consonant alternation. */
const ALTERNATION_VARIANT_FACTOR = 0.85;
/** Factor of a variant without a verb prefix: less safe, "wyłączyć" loses its meaning. */
const PREFIX_VARIANT_FACTOR = 0.7;


/**
 * Word pairs that users write both split and joined ("wi-fi", "wi fi", "wifi"), and
 * English phrasal verbs whose particle changes the meaning: "back up" is not "get it back".
 */
const SPLIT_COMPOUNDS: ReadonlyMap<string, string> = new Map([
  ['wi fi', 'wifi'],
  ['back up', 'backup'],
  ['log in', 'login'],
  ['log on', 'logon'],
  ['sign in', 'signin'],
  ['set up', 'setup'],
  ['e mail', 'email'],
  ['e maila', 'emaila'],
  ['e maile', 'emaile'],
  ['e mailem', 'emailem'],
]);

/**
 * Endings, in folded form, that StemmerPl leaves on a stem, with their replacement. Its
 * rules for "-łem" and "-ał" expect the letter ł, which folding has already replaced, and
 * it strips "-acja" but not "-ację" or "-acjach".
 */
const POLISH_EXTRA_ENDINGS: ReadonlyArray<readonly [string, string]> = [
  ['owalismy', ''],
  ['owalem', ''],
  ['owalam', ''],
  ['owales', ''],
  ['owalas', ''],
  ['owali', ''],
  ['owaly', ''],
  ['owala', ''],
  ['owalo', ''],
  ['owany', ''],
  ['owana', ''],
  ['owane', ''],
  ['owal', ''],
  ['owan', ''],
  ['owac', ''],
  ['acj', ''],
  ['cj', 'c'],
  ['yc', ''],
  ['uj', ''],
];

/** Verb prefixes removed for a variant, longest first so "prze" wins over "p…". */
const POLISH_VERB_PREFIXES = ['prze', 'przy', 'roz', 'pod', 'wy', 'za', 'od', 'po', 'na', 'do', 'u', 'z', 's'] as const;

const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

const polishStemmer = new StemmerPl();
const englishStemmer = new StemmerEn();

export { foldText };

/** `SPLIT_COMPOUNDS` by first word, then second word, so a look-up builds no string. */
const COMPOUNDS_BY_FIRST_WORD: ReadonlyMap<string, ReadonlyMap<string, string>> = (() => {
  const byFirst = new Map<string, Map<string, string>>();
  for (const [pair, joined] of SPLIT_COMPOUNDS) {
    const [first, second] = pair.split(' ') as [string, string];
    const seconds = byFirst.get(first) ?? new Map<string, string>();
    seconds.set(second, joined);
    byFirst.set(first, seconds);
  }
  return byFirst;
})();

/** Splits `text` into lower-case words, apostrophes inside a word dropped, before folding. */
export function splitWords(text: string): string[] {
  let lower = text.toLowerCase();
  if (lower.includes("'") || lower.includes('’')) {
    lower = lower.replace(/(\p{L})['’](\p{L})/gu, '$1$2');
  }
  return lower.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Returns the second words that join `folded` into a compound, each with the joined form
 * ("wi" → {"fi" → "wifi"}), or undefined when `folded` starts no pair of `SPLIT_COMPOUNDS`.
 */
export function compoundsStartingWith(folded: string): ReadonlyMap<string, string> | undefined {
  return COMPOUNDS_BY_FIRST_WORD.get(folded);
}

/**
 * Splits `text` into word tokens. Apostrophes inside a word are dropped ("won't" becomes
 * "wont"), hyphens split words, and the pairs in `SPLIT_COMPOUNDS` are joined again.
 */
export function tokenize(text: string): Token[] {
  const words = splitWords(text);
  const tokens: Token[] = [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const next = words[i + 1];
    const joined = next === undefined ? undefined : compoundsStartingWith(foldText(word))?.get(foldText(next));
    if (joined !== undefined && next !== undefined) {
      tokens.push({ surface: `${word}-${next}`, folded: joined });
      i++;
      continue;
    }
    tokens.push({ surface: word, folded: foldText(word) });
  }
  return tokens;
}

/** True when a token carries meaning for search: not a stop word, not noise. */
export function isInformative(folded: string): boolean {
  if (folded.length < 2 || folded.length > MAX_TOKEN_LENGTH || isStopWord(folded)) {
    return false;
  }
  // A bare number of one or two digits ("2", "15") is a count, not a topic. Longer ones
  // may be error codes such as "809".
  return !/^\d{1,2}$/.test(folded);
}

function runStemmer(stemmer: StemmerPl | StemmerEn, word: string): string {
  // stemWord() of nlp.js caches every word for the life of the process. A worker that
  // reads mail for months would keep every name and typo in it, so the cache is bypassed.
  stemmer.setCurrent(word);
  stemmer.innerStem();
  return stemmer.getCurrent();
}

function replaceMissedEnding(stem: string): string {
  for (const [ending, replacement] of POLISH_EXTRA_ENDINGS) {
    if (stem.endsWith(ending) && stem.length - ending.length >= MIN_PREFIX_STEM_LENGTH) {
      return stem.slice(0, -ending.length) + replacement;
    }
  }
  return stem;
}

/** Returns the stem of a folded Polish word: StemmerPl, then the endings it misses. */
export function stemPolish(folded: string): string {
  return replaceMissedEnding(runStemmer(polishStemmer, folded));
}

/** Returns the stem of a folded English word (nlp.js StemmerEn, a Porter-style stemmer). */
export function stemEnglish(folded: string): string {
  return runStemmer(englishStemmer, folded);
}

/**
 * Adds variants for Polish inflection that a suffix stemmer cannot see: the mobile "e"
 * of genitive plurals (haseł → hasł-, drukarek → drukark-), the c/t alternation of
 * locatives (koncie → kont-), and the stem without a verb prefix (zresetować → reset-).
 */
function addPolishVariants(folded: string, stem: string, forms: Map<string, number>): void {
  const mobileE = /^(.{2,}[^aeiouy])e([lkn])$/.exec(folded);
  if (mobileE) {
    addForm(forms, stemPolish(`${mobileE[1]}${mobileE[2]}`), ALTERNATION_VARIANT_FACTOR);
  }
  if (folded.length >= 6 && folded.endsWith('cie')) {
    addForm(forms, `${folded.slice(0, -3)}t`, ALTERNATION_VARIANT_FACTOR);
  }
  for (const prefix of POLISH_VERB_PREFIXES) {
    if (!stem.startsWith(prefix)) {
      continue;
    }
    const rest = stem.slice(prefix.length);
    // One-letter prefixes (z-, s-, u-) come before a consonant and need a longer rest,
    // or "system" would yield "ystem" and "usun" would yield "sun".
    const minimumRest = prefix.length === 1 ? 5 : MIN_PREFIX_STEM_LENGTH;
    const first = rest[0];
    if (rest.length >= minimumRest && first !== undefined && (prefix.length > 1 || !VOWELS.has(first))) {
      addForm(forms, rest, PREFIX_VARIANT_FACTOR);
    }
    break;
  }
}

function addForm(forms: Map<string, number>, form: string, factor: number): void {
  if (form.length === 0) {
    return;
  }
  const current = forms.get(form) ?? 0;
  if (factor > current) {
    forms.set(form, factor);
  }
}

/**
 * Returns the search forms of one folded word. For text of unknown language both
 * stemmers run, so "printers" and "drukarki" both get a useful stem.
 */
export function termForms(folded: string, language: TextLanguage): Map<string, number> {
  const forms = new Map<string, number>();
  if (language === 'pl' || language === 'und') {
    const stem = stemPolish(folded);
    addForm(forms, stem, 1);
    addPolishVariants(folded, stem, forms);
  }
  if (language === 'en' || language === 'und') {
    addForm(forms, stemEnglish(folded), 1);
  }
  return forms;
}

/**
 * Tokenises `text` and returns its informative tokens with their search forms. Each
 * token gets its own forms map, so a caller may add forms to it. `CachedTextAnalyzer`
 * returns the same forms for many texts with the per-word work done once.
 */
export function analyzeText(text: string, language: TextLanguage): AnalyzedToken[] {
  return tokenize(text)
    .filter((token) => isInformative(token.folded))
    .map((token) => ({ ...token, forms: termForms(token.folded, language) }));
}

/**
 * Returns how well two stems match: 1 when equal, and less when the shorter one is a
 * prefix of the longer one. The shorter stem needs `MIN_PREFIX_STEM_LENGTH` characters
 * and the longer may add at most `MAX_PREFIX_EXTRA_CHARS`, or one character to a stem of
 * exactly `MIN_PREFIX_STEM_LENGTH`. Any other pair returns 0.
 */
export function stemSimilarity(a: string, b: string): number {
  if (a === b) {
    return 1;
  }
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  const extra = longer.length - shorter.length;
  if (shorter.length < MIN_PREFIX_STEM_LENGTH || extra > MAX_PREFIX_EXTRA_CHARS || !longer.startsWith(shorter)) {
    return 0;
  }
  // A stem of minimum length extends by one character only: "back" would otherwise
  // match "backup", and "post" would match "postal".
  if (shorter.length === MIN_PREFIX_STEM_LENGTH && extra > 1) {
    return 0;
  }
  return PREFIX_SIMILARITY[extra] ?? 0;
}

/** Returns the best similarity between any form of `a` and any form of `b`, factors applied. */
export function formsSimilarity(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let best = 0;
  a.forEach((factorA, formA) => {
    b.forEach((factorB, formB) => {
      best = Math.max(best, stemSimilarity(formA, formB) * factorA * factorB);
    });
  });
  return best;
}

export { MIN_PREFIX_STEM_LENGTH, MAX_PREFIX_EXTRA_CHARS };
