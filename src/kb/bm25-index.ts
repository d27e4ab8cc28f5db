import type { KbArticleContent } from '../store/article.model.js';
import { analyzeText, MAX_PREFIX_EXTRA_CHARS, MIN_PREFIX_STEM_LENGTH, stemSimilarity, type TextLanguage } from './normalize.js';

/**
 * An inverted index of knowledge-base articles with per-field term frequencies, the
 * data BM25F scoring needs (Robertson and Zaragoza, "The Probabilistic Relevance
 * Framework: BM25 and Beyond", 2009).
 */

/** The article fields the matcher reads. */
export type MatchableArticle = Pick<
  KbArticleContent,
  'articleId' | 'source' | 'title' | 'language' | 'tags' | 'audience' | 'synonyms' | 'body'
>;

export const FIELDS = ['title', 'tags', 'synonyms', 'body'] as const;
export type Field = (typeof FIELDS)[number];

/** Weight of a term occurrence per field, because a title word tells more about the topic than a body word. */
export const FIELD_BOOSTS: Readonly<Record<Field, number>> = { title: 3, tags: 2, synonyms: 1.5, body: 1 };

/** Per-field term frequencies of one term in one article, in `FIELDS` order. */
export type FieldFrequencies = Float64Array;

export interface IndexedArticle {
  article: MatchableArticle;
  /** Number of informative tokens per field, in `FIELDS` order. */
  fieldLengths: Float64Array;
  /** Distinct words of the title and tags, as form sets: what the article is about. */
  keyWords: Array<Map<string, number>>;
}

export interface Bm25Index {
  articles: IndexedArticle[];
  /** term → (article position → field frequencies). */
  postings: Map<string, Map<number, FieldFrequencies>>;
  /** Every term, sorted, for prefix look-ups. */
  vocabulary: string[];
  averageFieldLengths: Float64Array;
}

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

function keyWordsOf(article: MatchableArticle): Array<Map<string, number>> {
  const text = [article.title, ...article.tags].join('\n');
  const byStem = new Map<string, Map<string, number>>();
  for (const token of analyzeText(text, analyzerLanguage(article.language))) {
    const stem = [...token.forms.keys()][0];
    if (stem !== undefined && !byStem.has(stem)) {
      byStem.set(stem, token.forms);
    }
  }
  return [...byStem.values()];
}

/** Builds the index. Variant forms of a word count with their factor as a fractional frequency. */
export function buildBm25Index(articles: readonly MatchableArticle[]): Bm25Index {
  const postings = new Map<string, Map<number, FieldFrequencies>>();
  const indexed: IndexedArticle[] = [];
  const totals = new Float64Array(FIELDS.length);

  articles.forEach((article, position) => {
    const fieldLengths = new Float64Array(FIELDS.length);
    FIELDS.forEach((field, fieldIndex) => {
      const tokens = analyzeText(fieldText(article, field), analyzerLanguage(article.language));
      fieldLengths[fieldIndex] = tokens.length;
      for (const token of tokens) {
        for (const [form, factor] of token.forms) {
          let byArticle = postings.get(form);
          if (!byArticle) {
            byArticle = new Map();
            postings.set(form, byArticle);
          }
          let frequencies = byArticle.get(position);
          if (!frequencies) {
            frequencies = new Float64Array(FIELDS.length);
            byArticle.set(position, frequencies);
          }
          frequencies[fieldIndex] = (frequencies[fieldIndex] ?? 0) + factor;
        }
      }
    });
    fieldLengths.forEach((length, fieldIndex) => {
      totals[fieldIndex] = (totals[fieldIndex] ?? 0) + length;
    });
    indexed.push({ article, fieldLengths, keyWords: keyWordsOf(article) });
  });

  const count = Math.max(1, articles.length);
  return {
    articles: indexed,
    postings,
    vocabulary: [...postings.keys()].sort(),
    averageFieldLengths: totals.map((total) => Math.max(1, total / count)),
  };
}

/** Returns the position of the first vocabulary entry not less than `value`. */
function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) < value) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

/**
 * Returns the index terms that match a query form, each with its similarity: the form
 * itself, longer terms that start with it and shorter terms it starts with, within the
 * prefix limits of `stemSimilarity`.
 */
export function matchingTerms(index: Bm25Index, form: string): Map<string, number> {
  const found = new Map<string, number>();
  if (index.postings.has(form)) {
    found.set(form, 1);
  }
  if (form.length < MIN_PREFIX_STEM_LENGTH) {
    return found;
  }
  for (let position = lowerBound(index.vocabulary, form); position < index.vocabulary.length; position++) {
    const term = index.vocabulary[position] as string;
    if (!term.startsWith(form)) {
      break;
    }
    const similarity = stemSimilarity(form, term);
    if (similarity > 0) {
      found.set(term, similarity);
    }
  }
  const shortest = Math.max(MIN_PREFIX_STEM_LENGTH, form.length - MAX_PREFIX_EXTRA_CHARS);
  for (let length = form.length - 1; length >= shortest; length--) {
    const prefix = form.slice(0, length);
    if (index.postings.has(prefix)) {
      found.set(prefix, stemSimilarity(form, prefix));
    }
  }
  return found;
}
