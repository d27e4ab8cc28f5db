import type { MatchableArticle } from '../../src/kb/bm25-index.js';
import { loadKbFolder } from '../../src/kb/markdown-article.js';
import { TranslationFinder } from '../../src/kb/translations.js';
import { EXAMPLES_KB } from './kb-paths.js';

function article(articleId: string, language: MatchableArticle['language'], title: string): MatchableArticle {
  return { articleId, source: 'test', title, language, tags: [], audience: 'all', synonyms: [], body: title };
}

describe('TranslationFinder', () => {
  const articles = [
    article('pl/drukarka.md', 'pl', 'Drukarka nie drukuje albo zaciął się papier'),
    article('en/printer.md', 'en', 'Printer does not print or paper is jammed'),
    article('en/battery.md', 'en', 'Laptop battery does not charge'),
    article('pl/vpn.md', 'pl', 'VPN nie łączy się'),
    article('en/vpn.md', 'en', 'VPN does not connect'),
    article('en/vpn-setup.md', 'en', 'VPN does not connect'),
  ];
  const finder = new TranslationFinder(articles);

  it('recognises titles that translate each other', () => {
    expect(finder.areTranslations(0, 1)).toBe(true);
    expect(finder.areTranslations(1, 0)).toBe(true);
    expect(finder.areTranslations(3, 4)).toBe(true);
  });

  it('keeps articles on other topics apart', () => {
    expect(finder.areTranslations(0, 2)).toBe(false);
    expect(finder.areTranslations(3, 2)).toBe(false);
    expect(finder.areTranslations(1, 4)).toBe(false);
  });

  it('never pairs articles of one language', () => {
    expect(finder.areTranslations(4, 5)).toBe(false);
  });

  it('finds most translated pairs of the bundled examples', async () => {
    const { articles: examples } = await loadKbFolder(EXAMPLES_KB);
    const bundled = new TranslationFinder(examples);
    const polish = examples.map((entry, position) => ({ entry, position })).filter(({ entry }) => entry.language === 'pl');
    const english = examples.map((entry, position) => ({ entry, position })).filter(({ entry }) => entry.language === 'en' && entry.audience !== 'agents');
    const pairs = polish.flatMap((pl) => english.filter((en) => bundled.areTranslations(pl.position, en.position)).map((en) => [pl.entry.articleId, en.entry.articleId]));

    // Each article has at most one translation in the bundled examples.
    expect(new Set(pairs.map(([pl]) => pl)).size).toBe(pairs.length);
    expect(new Set(pairs.map(([, en]) => en)).size).toBe(pairs.length);
    expect(pairs).toContainEqual(['pl/vpn-nie-laczy.md', 'en/vpn-not-connecting.md']);
    expect(pairs).toContainEqual(['pl/drukarka-nie-drukuje.md', 'en/printer-not-printing.md']);
    expect(pairs.length).toBeGreaterThanOrEqual(5);
  });
});
