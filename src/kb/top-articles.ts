/**
 * Selection of the best articles of a query in one pass over the matching articles,
 * without sorting them all. The result contains the best `limit` articles and the three best
 * of each language, because the confidence of an article compares it with the best other
 * article that is not its translation.
 */

/** One selected article with its full score. */
export interface ScoredArticle {
  position: number;
  score: number;
  /** Order of first match, which breaks ties between equal scores. */
  order: number;
}

export interface TopArticlesInput {
  /** Positions of the candidate articles, valid up to `count`, in order of first match. */
  positions: Int32Array;
  count: number;
  limit: number;
  /** Full score per article position, valid at `positions`. */
  scores: Float64Array;
  /** Language of each article position as a small whole number (0, 1, 2…), equal for equal languages. */
  languages: Int32Array;
  /** Number of distinct values in `languages`. */
  languageCount: number;
}

/**
 * Articles kept per language: the best, its runner-up and one more, so that the best
 * article of another language that is not a translation of a result is among them even
 * when one translation ranks above it.
 */
const PER_LANGUAGE = 3;

function outranks(a: ScoredArticle, b: ScoredArticle): boolean {
  return a.score > b.score || (a.score === b.score && a.order < b.order);
}

/** Inserts `article` into `list`, sorted best first, keeping at most `size` entries, and returns the lowest score a later article must beat. */
function insertBounded(list: ScoredArticle[], article: ScoredArticle, size: number): number {
  let at = list.length;
  while (at > 0 && outranks(article, list[at - 1] as ScoredArticle)) {
    at--;
  }
  list.splice(at, 0, article);
  if (list.length > size) {
    list.pop();
  }
  return list.length < size ? Number.NEGATIVE_INFINITY : (list[size - 1] as ScoredArticle).score;
}

/**
 * Returns the best `limit` articles and the three best of every language, best first,
 * ties in order of first match: the same order a sort of every candidate would give.
 */
export function selectTopArticles(input: TopArticlesInput): ScoredArticle[] {
  const { positions, count, limit, scores, languages, languageCount } = input;
  const top: ScoredArticle[] = [];
  const perLanguage = Array.from({ length: languageCount }, (): ScoredArticle[] => []);
  // A candidate enters a full list only with a higher score than its last entry, because
  // candidates come in order of first match and an equal score ranks lower.
  let topFloor = Number.NEGATIVE_INFINITY;
  const languageFloors = new Float64Array(languageCount).fill(Number.NEGATIVE_INFINITY);

  for (let order = 0; order < count; order++) {
    const position = positions[order] as number;
    const score = scores[position] as number;
    const language = languages[position] as number;
    const entersTop = score > topFloor;
    const entersLanguage = score > (languageFloors[language] as number);
    if (!entersTop && !entersLanguage) {
      continue;
    }
    const article: ScoredArticle = { position, score, order };
    if (entersTop) {
      topFloor = insertBounded(top, article, limit);
    }
    if (entersLanguage) {
      languageFloors[language] = insertBounded(perLanguage[language] as ScoredArticle[], article, PER_LANGUAGE);
    }
  }

  const selected = new Set([...top, ...perLanguage.flat()]);
  return [...selected].sort((a, b) => (outranks(a, b) ? -1 : outranks(b, a) ? 1 : 0));
}
