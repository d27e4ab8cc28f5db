import { foldText, isInformative, joinSplitCompound, splitWords, termForms, type TextLanguage } from './normalize.js';

/**
 * Analysis of many texts with the per-word work done once: each distinct word is folded
 * once, and each distinct folded word gets its search forms once per language. The index
 * build uses it, because article text repeats the same few thousand words millions of
 * times. It returns the same informative words with the same forms as `analyzeText`.
 *
 * The caches grow with the vocabulary of the analysed texts, so an analyzer lives for one
 * index build and is then dropped.
 */
export class CachedTextAnalyzer<Entry> {
  private readonly foldedWords = new Map<string, string>();
  private readonly entries = new Map<string, Entry | null>();

  /** `toEntry` converts the search forms of one informative word into what `analyze` returns for it. */
  constructor(private readonly toEntry: (forms: Map<string, number>) => Entry) {}

  /** Returns the entry of every informative word of `text`, in text order, repeated words repeated. */
  analyze(text: string, language: TextLanguage): Entry[] {
    const words = splitWords(text);
    const result: Entry[] = [];
    let next = words.length > 0 ? this.fold(words[0] as string) : '';
    for (let i = 0; i < words.length; i++) {
      let folded = next;
      next = i + 1 < words.length ? this.fold(words[i + 1] as string) : '';
      if (i + 1 < words.length) {
        const joined = joinSplitCompound(folded, next);
        if (joined !== undefined) {
          folded = joined;
          i++;
          next = i + 1 < words.length ? this.fold(words[i + 1] as string) : '';
        }
      }
      const entry = this.entryOf(folded, language);
      if (entry !== null) {
        result.push(entry);
      }
    }
    return result;
  }

  private fold(word: string): string {
    let folded = this.foldedWords.get(word);
    if (folded === undefined) {
      folded = foldText(word);
      this.foldedWords.set(word, folded);
    }
    return folded;
  }

  private entryOf(folded: string, language: TextLanguage): Entry | null {
    const key = `${language}:${folded}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = isInformative(folded) ? this.toEntry(termForms(folded, language)) : null;
      this.entries.set(key, entry);
    }
    return entry;
  }
}
