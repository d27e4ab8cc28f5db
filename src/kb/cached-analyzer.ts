import { compoundsStartingWith, foldText, isInformative, splitWords, termForms, type TextLanguage } from './normalize.js';

/**
 * Analysis of many texts with the per-word work done once: each distinct word is folded
 * once, and gets its search forms once per language. The index build uses it, because
 * article text repeats the same few thousand words millions of times. It returns the
 * same informative words with the same forms as `analyzeText`.
 *
 * The caches grow with the vocabulary of the analysed texts, so an analyzer lives for one
 * index build and is then dropped.
 */

const LANGUAGES: readonly TextLanguage[] = ['pl', 'en', 'und'];

/** Cache record of one distinct lower-case word. */
interface WordRecord<Entry> {
  folded: string;
  /** Second words that join this one into a compound, with the joined form. */
  compounds: ReadonlyMap<string, string> | undefined;
  /** Entry per language in `LANGUAGES` order; null for a word that is not informative, undefined until needed. */
  entries: Array<Entry | null | undefined>;
}

export class CachedTextAnalyzer<Entry> {
  private readonly words = new Map<string, WordRecord<Entry>>();
  /** Entries of compounds, which have no word record of their own, per language and joined form. */
  private readonly compoundEntries = new Map<string, Entry | null>();

  /** `toEntry` converts the search forms of one informative word into what `analyze` returns for it. */
  constructor(private readonly toEntry: (forms: Map<string, number>) => Entry) {}

  /** Returns the entry of every informative word of `text`, in text order, repeated words repeated. */
  analyze(text: string, language: TextLanguage): Entry[] {
    const languageIndex = LANGUAGES.indexOf(language);
    const words = splitWords(text);
    const result: Entry[] = [];
    for (let i = 0; i < words.length; i++) {
      const record = this.recordOf(words[i] as string);
      let entry: Entry | null;
      const joined = record.compounds && i + 1 < words.length ? record.compounds.get(this.recordOf(words[i + 1] as string).folded) : undefined;
      if (joined !== undefined) {
        entry = this.compoundEntry(joined, language);
        i++;
      } else {
        const cached = record.entries[languageIndex];
        entry = cached === undefined ? this.fillEntry(record, languageIndex) : cached;
      }
      if (entry !== null) {
        result.push(entry);
      }
    }
    return result;
  }

  private recordOf(word: string): WordRecord<Entry> {
    let record = this.words.get(word);
    if (record === undefined) {
      const folded = foldText(word);
      record = { folded, compounds: compoundsStartingWith(folded), entries: [undefined, undefined, undefined] };
      this.words.set(word, record);
    }
    return record;
  }

  private fillEntry(record: WordRecord<Entry>, languageIndex: number): Entry | null {
    const entry = this.entryOf(record.folded, LANGUAGES[languageIndex] as TextLanguage);
    record.entries[languageIndex] = entry;
    return entry;
  }

  private compoundEntry(joined: string, language: TextLanguage): Entry | null {
    const key = `${language}:${joined}`;
    let entry = this.compoundEntries.get(key);
    if (entry === undefined) {
      entry = this.entryOf(joined, language);
      this.compoundEntries.set(key, entry);
    }
    return entry;
  }

  private entryOf(folded: string, language: TextLanguage): Entry | null {
    return isInformative(folded) ? this.toEntry(termForms(folded, language)) : null;
  }
}
