import { B, FIELD_BOOSTS, K1, matchingTerms, postingWeight, type MatchableArticle } from '../../src/kb/bm25-index.js';
import { buildBm25Index } from '../../src/kb/index-builder.js';

function article(articleId: string, title: string, body: string, extra: Partial<MatchableArticle> = {}): MatchableArticle {
  return { articleId, source: 'test', title, language: 'en', tags: [], audience: 'all', synonyms: [], body, ...extra };
}

const ARTICLES = [
  article('printer.md', 'Printer offline', 'Turn the printer on. Check the cable.'),
  article('vpn.md', 'VPN does not connect', 'Restart the VPN client and check the network cable.', { tags: ['network'] }),
  article('unlock.md', 'Unlock procedure', 'Verify identity before unlocking.', { audience: 'agents' }),
];

describe('buildBm25Index', () => {
  const index = buildBm25Index(ARTICLES);
  const termId = (term: string): number => {
    const id = index.termIds.get(term);
    if (id === undefined) {
      throw new Error(`term "${term}" is not in the index`);
    }
    return id;
  };

  it('lists every term sorted with its id', () => {
    expect([...index.vocabulary]).toEqual([...index.vocabulary].sort());
    index.vocabulary.forEach((term, position) => {
      expect(index.vocabularyIds[position]).toBe(index.termIds.get(term));
    });
  });

  it('keeps postings in article order', () => {
    const cable = termId('cabl');
    const start = index.postingStarts[cable] as number;
    const end = index.postingStarts[cable + 1] as number;

    expect([...index.postingArticles.subarray(start, end)]).toEqual([0, 1]);
  });

  it('weights a posting by BM25F', () => {
    // "offline" occurs once in the title of article 0 and nowhere else in it. Every title
    // has two informative words ("does" and "not" are stop words).
    const titleLengths = [2, 2, 2];
    const averageTitle = titleLengths.reduce((sum, length) => sum + length, 0) / titleLengths.length;
    const boosted = FIELD_BOOSTS.title / (1 - B + (B * 2) / averageTitle);
    const expected = (boosted * (K1 + 1)) / (boosted + K1);

    expect(postingWeight(index, termId('offlin'), 0)).toBeCloseTo(expected, 12);
  });

  it('adds the weights of all fields of one article', () => {
    // "printer" is in the title and twice in the body of article 0.
    expect(postingWeight(index, termId('printer'), 0)).toBeGreaterThan(postingWeight(index, termId('offlin'), 0));
  });

  it('returns weight 0 for an article without the term', () => {
    expect(postingWeight(index, termId('printer'), 1)).toBe(0);
  });

  it('marks agent-only articles', () => {
    expect([...index.agentOnly]).toEqual([0, 0, 1]);
  });

  it('lists the title and tag words of each article', () => {
    const { articleStarts, wordArticles, termStarts, termWords } = index.keyWords;
    const network = termId('network');
    const owners = [...termWords.subarray(termStarts[network], termStarts[network + 1])].map((word) => wordArticles[word]);

    expect(owners).toEqual([1]);
    // "vpn", "connect" and the tag "network".
    expect((articleStarts[2] as number) - (articleStarts[1] as number)).toBe(3);
  });

  it('finds terms by prefix and exact form', () => {
    const found = matchingTerms(index, 'print');

    expect(found.get(termId('printer'))).toBeGreaterThan(0);
    expect(matchingTerms(index, 'nothing-like-this').size).toBe(0);
  });

  it('builds an empty index', () => {
    const empty = buildBm25Index([]);

    expect(empty.vocabulary).toEqual([]);
    expect(empty.postingArticles).toHaveLength(0);
  });
});
