import fc from 'fast-check';
import { selectTopArticles, type ScoredArticle } from '../../src/kb/top-articles.js';

interface Candidate {
  score: number;
  language: number;
}

/** Ranks every candidate by a full sort, the reference the one-pass selection must agree with. */
function sortAll(candidates: readonly Candidate[]): Array<{ position: number; score: number }> {
  return candidates
    .map((candidate, position) => ({ position, score: candidate.score }))
    .sort((a, b) => b.score - a.score || a.position - b.position);
}

function select(candidates: readonly Candidate[], limit: number): ScoredArticle[] {
  return selectTopArticles({
    positions: Int32Array.from(candidates, (_candidate, position) => position),
    count: candidates.length,
    limit,
    scores: Float64Array.from(candidates, (candidate) => candidate.score),
    languages: Int32Array.from(candidates, (candidate) => candidate.language),
    languageCount: 3,
  });
}

const candidatesArbitrary = fc.array(
  fc.record({
    // Few distinct scores, so ties are common.
    score: fc.integer({ min: 0, max: 12 }).map((value) => value / 4),
    language: fc.integer({ min: 0, max: 2 }),
  }),
  { maxLength: 60 },
);

describe('selectTopArticles', () => {
  it('returns the best articles in full-sort order', () => {
    fc.assert(
      fc.property(candidatesArbitrary, fc.integer({ min: 1, max: 6 }), (candidates, limit) => {
        const selected = select(candidates, limit).map(({ position, score }) => ({ position, score }));
        const expected = sortAll(candidates);

        expect(selected.slice(0, limit)).toEqual(expected.slice(0, limit));
      }),
    );
  });

  it('keeps the three best articles of every language', () => {
    fc.assert(
      fc.property(candidatesArbitrary, fc.integer({ min: 1, max: 6 }), (candidates, limit) => {
        const selected = select(candidates, limit);
        for (const language of [0, 1, 2]) {
          const best = sortAll(candidates)
            .filter(({ position }) => (candidates[position] as Candidate).language === language)
            .slice(0, 3)
            .map(({ position }) => position);
          const kept = selected.filter(({ position }) => (candidates[position] as Candidate).language === language).map(({ position }) => position);

          expect(kept.slice(0, best.length)).toEqual(best);
        }
      }),
    );
  });

  it('reads scores by article position', () => {
    const selected = selectTopArticles({
      positions: Int32Array.from([4, 1]),
      count: 2,
      limit: 1,
      scores: Float64Array.from([0, 2, 0, 0, 1]),
      languages: new Int32Array(5),
      languageCount: 1,
    });

    expect(selected[0]).toEqual({ position: 1, score: 2, order: 1 });
    expect(selected.map((article) => article.position)).toEqual([1, 4]);
  });

  it('returns nothing without candidates', () => {
    expect(select([], 3)).toEqual([]);
  });
});
