/**
 * Selection of the best articles of a query without computing the full score of every
 * matching article. The full score multiplies the BM25F sum by a key-coverage bonus that
 * costs a pass over the article's title and tag words, while an upper bound of it costs
 * one multiplication. Articles are visited from the highest bound down, and the visit
 * stops once no remaining bound can change the result.
 *
 * The result contains the best `limit` articles and, for each language among them, the
 * two best articles of that language, because the confidence of an article compares it
 * with the best other article in its language.
 */

/** One article with its full score. */
export interface ScoredArticle {
  position: number;
  score: number;
  keyCoverage: number;
  /** Order of first match, which breaks ties between equal scores. */
  order: number;
}

export interface TopArticlesInput {
  /** Positions of the candidate articles, valid up to `count`, in order of first match. */
  positions: Int32Array;
  count: number;
  limit: number;
  /** Full score of an article for a given key coverage; must not decrease as key coverage grows from 0 to 1. */
  scoreOf: (position: number, keyCoverage: number) => number;
  keyCoverageOf: (position: number) => number;
  languageOf: (position: number) => string;
}

/** Articles a language needs scored: the best and its runner-up. */
const PER_LANGUAGE = 2;

function outranks(a: ScoredArticle, b: ScoredArticle): boolean {
  return a.score > b.score || (a.score === b.score && a.order < b.order);
}

/** Inserts `article` into `list`, sorted best first, keeping at most `size` entries. */
function insertBounded(list: ScoredArticle[], article: ScoredArticle, size: number): void {
  let at = list.length;
  while (at > 0 && outranks(article, list[at - 1] as ScoredArticle)) {
    at--;
  }
  if (at < size) {
    list.splice(at, 0, article);
    if (list.length > size) {
      list.pop();
    }
  }
}

/** A binary max-heap of candidate indices keyed by their score bound. */
class BoundHeap {
  private readonly items: Int32Array;
  private size: number;

  constructor(
    count: number,
    private readonly bounds: Float64Array,
  ) {
    this.items = new Int32Array(count);
    for (let index = 0; index < count; index++) {
      this.items[index] = index;
    }
    this.size = count;
    for (let index = (count >>> 1) - 1; index >= 0; index--) {
      this.siftDown(index);
    }
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  peekBound(): number {
    return this.bounds[this.items[0] as number] as number;
  }

  pop(): number {
    const top = this.items[0] as number;
    this.size--;
    this.items[0] = this.items[this.size] as number;
    this.siftDown(0);
    return top;
  }

  private siftDown(start: number): void {
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= this.size) {
        return;
      }
      const right = left + 1;
      let child = left;
      if (right < this.size && this.key(right) > this.key(left)) {
        child = right;
      }
      if (this.key(child) <= this.key(index)) {
        return;
      }
      const swap = this.items[index] as number;
      this.items[index] = this.items[child] as number;
      this.items[child] = swap;
      index = child;
    }
  }

  private key(slot: number): number {
    return this.bounds[this.items[slot] as number] as number;
  }
}

/** True when every language of `top` has two scored articles that no remaining bound can beat. */
function languagesSettled(top: readonly ScoredArticle[], perLanguage: ReadonlyMap<string, ScoredArticle[]>, languageOf: (position: number) => string, bound: number): boolean {
  return top.every((article) => {
    const best = perLanguage.get(languageOf(article.position)) ?? [];
    return best.length === PER_LANGUAGE && (best[PER_LANGUAGE - 1] as ScoredArticle).score >= bound;
  });
}

/**
 * Returns the scored articles, best first, ties in order of first match. The list holds
 * at least the best `limit` articles and the two best of each of their languages, exactly
 * as scoring every candidate would rank them.
 */
export function selectTopArticles(input: TopArticlesInput): ScoredArticle[] {
  const { positions, count, limit, scoreOf, keyCoverageOf, languageOf } = input;
  const bounds = new Float64Array(count);
  for (let index = 0; index < count; index++) {
    const position = positions[index] as number;
    // The maximum of both ends holds even for a negative feedback factor.
    bounds[index] = Math.max(scoreOf(position, 0), scoreOf(position, 1));
  }

  const heap = new BoundHeap(count, bounds);
  const scored: ScoredArticle[] = [];
  const top: ScoredArticle[] = [];
  const perLanguage = new Map<string, ScoredArticle[]>();
  let topSettled = false;
  let neededLanguages: Set<string> | undefined;

  while (!heap.isEmpty) {
    const bound = heap.peekBound();
    if (!topSettled && top.length === limit && bound < (top[limit - 1] as ScoredArticle).score) {
      // No remaining article can enter the best `limit`; only runners-up are still missing.
      topSettled = true;
      neededLanguages = new Set(top.map((article) => languageOf(article.position)));
    }
    if (topSettled && languagesSettled(top, perLanguage, languageOf, bound)) {
      break;
    }
    const order = heap.pop();
    const position = positions[order] as number;
    const language = languageOf(position);
    if (neededLanguages && !neededLanguages.has(language)) {
      continue;
    }
    const keyCoverage = keyCoverageOf(position);
    const article: ScoredArticle = { position, score: scoreOf(position, keyCoverage), keyCoverage, order };
    scored.push(article);
    insertBounded(top, article, limit);
    let best = perLanguage.get(language);
    if (!best) {
      best = [];
      perLanguage.set(language, best);
    }
    insertBounded(best, article, PER_LANGUAGE);
  }

  return scored.sort((a, b) => (outranks(a, b) ? -1 : outranks(b, a) ? 1 : 0));
}
