import type { MatchableArticle } from './bm25-index.js';
import { analyzeText, formsSimilarity, type AnalyzedToken, type TextLanguage } from './normalize.js';
import { addOtherLanguageForms } from './query-words.js';
import { expandSynonyms } from './synonyms.js';

/**
 * Recognises an article and its translation, so that the confidence margin ignores the
 * translation of the best article but still counts a different article written in the
 * other language. Two articles in different languages are taken for translations when
 * at least half of the title words of each match a title word of the other. A match is
 * a synonym or the same stem in the other language: "Komputer się nie włącza" and "My
 * computer will not turn on" share "komputer"/"computer". Only one side of a comparison
 * is expanded with synonyms, so two words never match through a third.
 *
 * NOTE: short titles make this a rough test. A missed translation lowers the confidence
 * of its original by at most the same-language preference (a factor of about 0.9), and a
 * false one leaves a competitor out of the margin.
 */

/** Share of each title's words that must match the other title. */
const MIN_SHARED_TITLE_WORDS = 0.5;
/** Lowest similarity of two title words that counts as a match: a synonym (0.8) or a close prefix (0.7). */
const MIN_WORD_SIMILARITY = 0.7;

interface TitleWords {
  /** Title words with their own forms and the other language's stems. */
  plain: AnalyzedToken[];
  /** The same words with synonyms added. */
  expanded: AnalyzedToken[];
}

function analyzerLanguage(language: string): TextLanguage {
  return language === 'pl' || language === 'en' ? language : 'und';
}

function sharedShare(words: readonly AnalyzedToken[], others: readonly AnalyzedToken[]): number {
  const shared = words.filter((word) => others.some((other) => formsSimilarity(word.forms, other.forms) >= MIN_WORD_SIMILARITY));
  return shared.length / words.length;
}

export class TranslationFinder {
  /** Title words per article position, filled on first use. */
  private readonly titleWords = new Map<number, TitleWords>();

  constructor(private readonly articles: readonly MatchableArticle[]) {}

  /** True when the articles at `a` and `b` have different languages and titles that translate each other. */
  areTranslations(a: number, b: number): boolean {
    if (this.articles[a]?.language === this.articles[b]?.language) {
      return false;
    }
    const wordsA = this.wordsOf(a);
    const wordsB = this.wordsOf(b);
    if (wordsA.plain.length === 0 || wordsB.plain.length === 0) {
      return false;
    }
    return (
      sharedShare(wordsA.expanded, wordsB.plain) >= MIN_SHARED_TITLE_WORDS &&
      sharedShare(wordsB.expanded, wordsA.plain) >= MIN_SHARED_TITLE_WORDS
    );
  }

  private wordsOf(position: number): TitleWords {
    let words = this.titleWords.get(position);
    if (!words) {
      const article = this.articles[position] as MatchableArticle;
      const language = analyzerLanguage(article.language);
      const plain = analyzeText(article.title, language);
      addOtherLanguageForms(plain, language);
      words = { plain, expanded: expandSynonyms(plain) };
      this.titleWords.set(position, words);
    }
    return words;
  }
}
