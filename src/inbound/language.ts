import { foldText, words } from './text-normalize.js';

/**
 * Polish/English detection for choosing the language of a reply. It scores function
 * words and common IT words of both languages, Polish diacritics and letter patterns
 * typical of either language. Word lists are folded (no diacritics), so Polish typed
 * without diacritics ("nie dziala drukarka") is still recognised.
 */

export type DetectedLanguage = 'pl' | 'en' | 'und';

export interface LanguageGuess {
  language: DetectedLanguage;
  /** 0 to 1. 0 for 'und'. */
  confidence: number;
}

/** Characters read from the start of the text; more would not change the result of a mail body. */
const MAX_CHARS = 20_000;

/** Evidence points needed before a language is named at all. */
const MIN_EVIDENCE = 2;

/** Evidence points at which the confidence is no longer reduced for shortness. */
const FULL_EVIDENCE = 6;

/** Smallest share of the evidence that the leading language must have. */
const MIN_SHARE = 0.6;

/**
 * Smallest share of words that must count as evidence. Polish and English mail reach
 * 0.3 or more on function words alone. Text in a third language, or binary data
 * decoded as text, scores a few chance hits among many words.
 */
const MIN_COVERAGE = 0.15;

/**
 * Polish words, folded. Words that are also common in English ("to", "a", "i", "on",
 * "do", "no", "ten", "problem", "internet") are left out of both lists.
 */
const POLISH_WORDS = new Set(
  `nie sie jest sa ze w z o jak ale czy po co tak mam mi mnie ta te tego jestem prosze dziekuje dziekujemy dzien dobry
   pozdrawiam pozdrowienia witam dziala dzialac dzialaja drukarka drukarki drukarke drukarce haslo hasla haslem komputer
   komputera komputerze konto konta koncie moge mozna moj moja moje byc przez dla od oraz juz jeszcze moze bardzo tez gdy
   ktory ktora ktore ktorego trzeba zalogowac zalogowanie pomoc pomocy bo wiec lub albo nic nadal wciaz dalej teraz bylo
   byl byla mamy macie kiedy gdzie dlaczego czemu siec sieci poczta poczty skrzynka skrzynki blad bledu bledem zglaszam
   zgloszenie zgloszenia problemu problemem laptopa laptopie myszka klawiatura ekran ekranu pani panstwa szanowni
   uprzejmie prosba prosbe dostep dostepu uprawnienia zainstalowac instalacja aktualizacja wylacza wlacza serwer serwera
   plik pliku pliki udostepnic zmienic zresetowac zapomnialem zapomnialam rano wczoraj dzisiaj dzis jutro pracy biurze
   biuro pokoju pietrze wszystko wszystkich tylko jednak niestety chyba bedzie bede musze potrzebuje dzieki zamknac`.split(/\s+/),
);

/** English words, folded, with the same exclusions as the Polish list. */
const ENGLISH_WORDS = new Set(
  `the and is are was were of in it for not with this that my you your please thanks thank hello hi can cannot can't
   don't doesn't isn't won't didn't i'm it's have has had be been will would could should there here what when where why
   how from at by an or but if we our they them he she me working work works worked password printer computer account
   error help issue access reset unable able still again after before since today yesterday morning regards best dear
   team get got need needs some any all just also only now new cant dont doesnt didnt im its which who does did
   broken laptop's screen keyboard mouse folder file files share shared install installed update updated sign signed
   log logged fix fixed solved resolved ticket close office`.split(/\s+/),
);

/** Letter patterns of Polish words, folded: digraphs and inflection endings rare in English. */
const POLISH_SHAPE = /(?:sz|cz|rz|dz|ych$|ego$|ymi$|ami$|osc$|anie$|enie$|owac$|iej$)/;

/** Letter patterns of English words: digraphs and endings rare in Polish. */
const ENGLISH_SHAPE = /(?:th|wh|ght|tion$|ing$|ould$|ly$|ed$)/;

/** Polish letters with diacritics; `ó` is left out because other languages share it. */
const POLISH_DIACRITIC = /[ąćęłńśźż]/;

interface Scores {
  polish: number;
  english: number;
  /** Words that added to either score. */
  evidenceWords: number;
  totalWords: number;
}

function scoreText(text: string): Scores {
  // Addresses and links are dropped token by token: a regular expression such as
  // /\S+@\S+/ backtracks quadratically on a long token without an `@`.
  const cleaned = text
    .slice(0, MAX_CHARS)
    .replace(/[\u2018\u2019]/g, "'")
    .split(/\s+/)
    .filter((token) => !token.includes('@') && !/^(?:https?:\/\/|www\.)/i.test(token))
    .join(' ');
  const scores: Scores = { polish: 0, english: 0, evidenceWords: 0, totalWords: 0 };
  for (const word of words(cleaned)) {
    const before = scores.polish + scores.english;
    const folded = foldText(word);
    scores.totalWords += 1;
    if (POLISH_DIACRITIC.test(word)) {
      scores.polish += 1.5;
    } else if (POLISH_WORDS.has(folded)) {
      // One-letter prepositions ("w", "z", "o") are frequent in Polish but also words of other languages.
      scores.polish += folded.length === 1 ? 0.5 : 1;
    } else if (ENGLISH_WORDS.has(folded)) {
      scores.english += 1;
    } else {
      const polishShape = POLISH_SHAPE.test(folded);
      const englishShape = ENGLISH_SHAPE.test(folded);
      if (polishShape && !englishShape) {
        scores.polish += 0.5;
      } else if (englishShape && !polishShape) {
        scores.english += 0.5;
      }
    }
    if (scores.polish + scores.english > before) {
      scores.evidenceWords += 1;
    }
  }
  return scores;
}

/**
 * Detects whether `text` is Polish or English. Returns 'und' with confidence 0 for
 * text too short to tell, text in neither language and an even mix of both.
 */
export function detectLanguage(text: string): LanguageGuess {
  const { polish, english, evidenceWords, totalWords } = scoreText(text);
  const evidence = polish + english;
  if (evidence < MIN_EVIDENCE || evidenceWords / totalWords < MIN_COVERAGE) {
    return { language: 'und', confidence: 0 };
  }
  const share = Math.max(polish, english) / evidence;
  if (share < MIN_SHARE) {
    return { language: 'und', confidence: 0 };
  }
  const confidence = Math.round(share * Math.min(1, evidence / FULL_EVIDENCE) * 100) / 100;
  return { language: polish > english ? 'pl' : 'en', confidence };
}
