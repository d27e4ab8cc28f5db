import { analyzeText, formsSimilarity, type TextLanguage } from '../../src/kb/normalize.js';
import { expandSynonyms } from '../../src/kb/synonyms.js';

/** Returns the best similarity between the expanded forms of `query` and the plain forms of `word`. */
function reach(query: string, queryLanguage: TextLanguage, word: string, wordLanguage: TextLanguage): number {
  const expanded = expandSynonyms(analyzeText(query, queryLanguage));
  const [target] = analyzeText(word, wordLanguage);
  if (!target) {
    throw new Error(`"${word}" has no informative token`);
  }
  return Math.max(0, ...expanded.map((token) => formsSimilarity(token.forms, target.forms)));
}

describe('expandSynonyms', () => {
  describe('when a Polish word has an English synonym', () => {
    it.each([
      ['hasła', 'password'],
      ['haslo', 'password'],
      ['drukarką', 'printer'],
      ['drukarke', 'printer'],
      ['sieć bezprzewodowa', 'wireless'],
    ])('reaches "%s" → "%s"', (query, word) => {
      expect(reach(query, 'pl', word, 'en')).toBeGreaterThan(0);
    });
  });

  describe('when an English word has a Polish synonym', () => {
    it.each([
      ['passwords', 'hasło'],
      ['printers', 'drukarka'],
      ['wifi', 'bezprzewodowy'],
      ['Wi-Fi', 'bezprzewodowy'],
    ])('reaches "%s" → "%s"', (query, word) => {
      expect(reach(query, 'en', word, 'pl')).toBeGreaterThan(0);
    });
  });

  it('keeps the original forms at full weight', () => {
    const [token] = expandSynonyms(analyzeText('drukarka', 'pl'));

    expect([...(token?.forms.values() ?? [])][0]).toBe(1);
  });

  it('leaves unrelated words alone', () => {
    expect(reach('krzesło', 'pl', 'printer', 'en')).toBe(0);
  });
});
