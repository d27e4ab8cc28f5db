import {
  B,
  FIELD_BOOSTS,
  FIELDS,
  inverseDocumentFrequency,
  saturate,
  type Bm25Index,
  type Field,
  type KeyWordTable,
  type MatchableArticle,
} from './bm25-index.js';
import { CachedTextAnalyzer } from './cached-analyzer.js';
import type { TextLanguage } from './normalize.js';
import { TypedArrayBuilder } from './typed-array-builder.js';

/**
 * Builds a `Bm25Index` in two passes. The first analyses every field of every article and
 * keeps, per article, the frequency of each term in each field. The second, once the
 * average field lengths are known, turns them into saturated BM25F weights and lays them
 * out term by term.
 */

/** Search forms of one informative word, as term ids, with their factors; the first form is the stem. */
interface WordEntry {
  termIds: Int32Array;
  factors: Float64Array;
}

/** Term frequencies per field of every article, one entry per (article, term, field) with a non-zero frequency. */
interface FieldFrequencyTable {
  /** Entries of article `a`: `articleStarts[a]` to `articleStarts[a + 1] - 1`, entries of one term adjacent. */
  articleStarts: Int32Array;
  terms: Int32Array;
  fields: Uint8Array;
  frequencies: Float64Array;
  /** Informative tokens per article and field, at `article * FIELDS.length + field`. */
  fieldLengths: Float64Array;
  averageFieldLengths: Float64Array;
}

const FIELD_COUNT = FIELDS.length;
const BOOSTS = Float64Array.from(FIELDS, (field) => FIELD_BOOSTS[field]);

function fieldText(article: MatchableArticle, field: Field): string {
  switch (field) {
    case 'title':
      return article.title;
    case 'tags':
      return article.tags.join('\n');
    case 'synonyms':
      return article.synonyms.join('\n');
    case 'body':
      return article.body;
  }
}

function analyzerLanguage(language: string): TextLanguage {
  return language === 'pl' || language === 'en' ? language : 'und';
}

/** Assigns term ids in order of first appearance. */
class TermDictionary {
  readonly ids = new Map<string, number>();
  readonly terms: string[] = [];

  idOf(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
    }
    return id;
  }
}

/**
 * Sums term frequencies per field of one article at a time. Slots are found through
 * arrays indexed by term id, stamped with the article, so nothing is cleared between
 * articles.
 */
class ArticleFrequencies {
  private slotOfTerm = new Int32Array(1024);
  private stampOfTerm = new Int32Array(1024);
  private stamp = 0;
  readonly terms: number[] = [];
  readonly frequencies: number[] = [];

  start(): void {
    this.stamp++;
    this.terms.length = 0;
    this.frequencies.length = 0;
  }

  add(termId: number, fieldIndex: number, factor: number): void {
    if (termId >= this.slotOfTerm.length) {
      this.grow(termId);
    }
    let slot: number;
    if (this.stampOfTerm[termId] === this.stamp) {
      slot = this.slotOfTerm[termId] as number;
    } else {
      slot = this.terms.length;
      this.stampOfTerm[termId] = this.stamp;
      this.slotOfTerm[termId] = slot;
      this.terms.push(termId);
      for (let fieldIndex = 0; fieldIndex < FIELD_COUNT; fieldIndex++) {
        this.frequencies.push(0);
      }
    }
    const at = slot * FIELD_COUNT + fieldIndex;
    this.frequencies[at] = (this.frequencies[at] as number) + factor;
  }

  private grow(termId: number): void {
    const capacity = Math.max(termId + 1, this.slotOfTerm.length * 2);
    const slots = new Int32Array(capacity);
    slots.set(this.slotOfTerm);
    const stamps = new Int32Array(capacity);
    stamps.set(this.stampOfTerm);
    this.slotOfTerm = slots;
    this.stampOfTerm = stamps;
  }
}

/** Returns the key words of an article: the first token of each distinct stem in its title and tags. */
function keyWordsOf(analyzer: CachedTextAnalyzer<WordEntry>, article: MatchableArticle): WordEntry[] {
  const text = [article.title, ...article.tags].join('\n');
  const byStem = new Map<number, WordEntry>();
  for (const entry of analyzer.analyze(text, analyzerLanguage(article.language))) {
    const stem = entry.termIds[0];
    if (stem !== undefined && !byStem.has(stem)) {
      byStem.set(stem, entry);
    }
  }
  return [...byStem.values()];
}

/** First pass: analyses every field of every article. */
function countFrequencies(
  articles: readonly MatchableArticle[],
  analyzer: CachedTextAnalyzer<WordEntry>,
): FieldFrequencyTable {
  const articleStarts = new Int32Array(articles.length + 1);
  const terms = new TypedArrayBuilder(Int32Array);
  const fields = new TypedArrayBuilder(Uint8Array);
  const frequencies = new TypedArrayBuilder(Float64Array);
  const fieldLengths = new Float64Array(articles.length * FIELD_COUNT);
  const totals = new Float64Array(FIELD_COUNT);
  const counter = new ArticleFrequencies();

  articles.forEach((article, position) => {
    const language = analyzerLanguage(article.language);
    counter.start();
    FIELDS.forEach((field, fieldIndex) => {
      const entries = analyzer.analyze(fieldText(article, field), language);
      fieldLengths[position * FIELD_COUNT + fieldIndex] = entries.length;
      for (const entry of entries) {
        for (let form = 0; form < entry.termIds.length; form++) {
          counter.add(entry.termIds[form] as number, fieldIndex, entry.factors[form] as number);
        }
      }
    });
    for (let fieldIndex = 0; fieldIndex < FIELD_COUNT; fieldIndex++) {
      totals[fieldIndex] = (totals[fieldIndex] as number) + (fieldLengths[position * FIELD_COUNT + fieldIndex] as number);
    }
    counter.terms.forEach((termId, slot) => {
      for (let fieldIndex = 0; fieldIndex < FIELD_COUNT; fieldIndex++) {
        const frequency = counter.frequencies[slot * FIELD_COUNT + fieldIndex] as number;
        if (frequency !== 0) {
          terms.push(termId);
          fields.push(fieldIndex);
          frequencies.push(frequency);
        }
      }
    });
    articleStarts[position + 1] = terms.length;
  });

  const count = Math.max(1, articles.length);
  return {
    articleStarts,
    terms: terms.toArray(),
    fields: fields.toArray(),
    frequencies: frequencies.toArray(),
    fieldLengths,
    averageFieldLengths: totals.map((total) => Math.max(1, total / count)),
  };
}

interface PostingLists {
  postingStarts: Int32Array;
  postingArticles: Int32Array;
  postingWeights: Float64Array;
}

/** Second pass: turns field frequencies into saturated BM25F weights, grouped by term. */
function layOutPostings(table: FieldFrequencyTable, articleCount: number, termCount: number): PostingLists {
  const { articleStarts, terms, fields, frequencies, fieldLengths, averageFieldLengths } = table;
  const postingStarts = new Int32Array(termCount + 1);
  for (let article = 0; article < articleCount; article++) {
    let previous = -1;
    for (let entry = articleStarts[article] as number; entry < (articleStarts[article + 1] as number); entry++) {
      const termId = terms[entry] as number;
      if (termId !== previous) {
        postingStarts[termId + 1] = (postingStarts[termId + 1] as number) + 1;
        previous = termId;
      }
    }
  }
  for (let termId = 0; termId < termCount; termId++) {
    postingStarts[termId + 1] = (postingStarts[termId + 1] as number) + (postingStarts[termId] as number);
  }

  const postingCount = postingStarts[termCount] as number;
  const postingArticles = new Int32Array(postingCount);
  const postingWeights = new Float64Array(postingCount);
  const cursor = postingStarts.slice(0, termCount);
  for (let article = 0; article < articleCount; article++) {
    const end = articleStarts[article + 1] as number;
    let entry = articleStarts[article] as number;
    while (entry < end) {
      const termId = terms[entry] as number;
      // Entries of one term come in FIELDS order, so every build rounds this sum the same way.
      let boosted = 0;
      for (; entry < end && terms[entry] === termId; entry++) {
        const fieldIndex = fields[entry] as number;
        const relativeLength = (fieldLengths[article * FIELD_COUNT + fieldIndex] as number) / (averageFieldLengths[fieldIndex] as number);
        boosted += ((BOOSTS[fieldIndex] as number) * (frequencies[entry] as number)) / (1 - B + B * relativeLength);
      }
      const at = cursor[termId] as number;
      cursor[termId] = at + 1;
      postingArticles[at] = article;
      postingWeights[at] = saturate(boosted);
    }
  }
  return { postingStarts, postingArticles, postingWeights };
}

function buildKeyWordTable(keyWords: readonly WordEntry[][], postingStarts: Int32Array): KeyWordTable {
  const articleCount = keyWords.length;
  const termCount = postingStarts.length - 1;
  const frequencyOf = (termId: number): number => (postingStarts[termId + 1] as number) - (postingStarts[termId] as number);
  const articleStarts = new Int32Array(articleCount + 1);
  const articleIdfTotals = new Float64Array(articleCount);
  const wordArticles = new TypedArrayBuilder(Int32Array);
  const wordIdf = new TypedArrayBuilder(Float64Array);
  const termStarts = new Int32Array(termCount + 1);

  keyWords.forEach((words, article) => {
    let total = 0;
    for (const word of words) {
      const idf = inverseDocumentFrequency(articleCount, frequencyOf(word.termIds[0] as number));
      total += idf;
      wordArticles.push(article);
      wordIdf.push(idf);
      for (const termId of word.termIds) {
        termStarts[termId + 1] = (termStarts[termId + 1] as number) + 1;
      }
    }
    articleIdfTotals[article] = total;
    articleStarts[article + 1] = wordIdf.length;
  });
  for (let termId = 0; termId < termCount; termId++) {
    termStarts[termId + 1] = (termStarts[termId + 1] as number) + (termStarts[termId] as number);
  }

  const entryCount = termStarts[termCount] as number;
  const termWords = new Int32Array(entryCount);
  const termWordFactors = new Float64Array(entryCount);
  const cursor = termStarts.slice(0, termCount);
  let wordIndex = 0;
  for (const words of keyWords) {
    for (const word of words) {
      word.termIds.forEach((termId, form) => {
        const at = cursor[termId] as number;
        cursor[termId] = at + 1;
        termWords[at] = wordIndex;
        termWordFactors[at] = word.factors[form] as number;
      });
      wordIndex++;
    }
  }

  return {
    articleStarts,
    wordArticles: wordArticles.toArray(),
    wordIdf: wordIdf.toArray(),
    articleIdfTotals,
    termStarts,
    termWords,
    termWordFactors,
  };
}

/** Builds the index. Variant forms of a word count with their factor as a fractional frequency. */
export function buildBm25Index(articles: readonly MatchableArticle[]): Bm25Index {
  const dictionary = new TermDictionary();
  const analyzer = new CachedTextAnalyzer<WordEntry>((forms) => ({
    termIds: Int32Array.from(forms.keys(), (form) => dictionary.idOf(form)),
    factors: Float64Array.from(forms.values()),
  }));

  const table = countFrequencies(articles, analyzer);
  const keyWords = articles.map((article) => keyWordsOf(analyzer, article));
  const termCount = dictionary.terms.length;
  const postings = layOutPostings(table, articles.length, termCount);

  // A term can have no posting when it comes only from the key-word text, where the last
  // title word and the first tag may join into a compound ("wi" + "fi"). Searches skip it.
  const termIds = new Map<string, number>();
  for (const [term, termId] of dictionary.ids) {
    if ((postings.postingStarts[termId + 1] as number) > (postings.postingStarts[termId] as number)) {
      termIds.set(term, termId);
    }
  }
  const vocabulary = [...termIds.keys()].sort();

  return {
    articles: [...articles],
    termIds,
    vocabulary,
    vocabularyIds: Int32Array.from(vocabulary, (term) => termIds.get(term) as number),
    ...postings,
    keyWords: buildKeyWordTable(keyWords, postings.postingStarts),
    agentOnly: Uint8Array.from(articles, (article) => (article.audience === 'agents' ? 1 : 0)),
  };
}
