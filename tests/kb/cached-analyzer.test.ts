import { CachedTextAnalyzer } from '../../src/kb/cached-analyzer.js';
import { analyzeText, type TextLanguage } from '../../src/kb/normalize.js';

/** Entries that are the forms themselves, so results compare with `analyzeText` directly. */
function formsAnalyzer(): CachedTextAnalyzer<Map<string, number>> {
  return new CachedTextAnalyzer((forms) => forms);
}

const TEXTS: ReadonlyArray<[string, TextLanguage]> = [
  ['Drukarka nie drukuje, drukarką, drukarce, drukarke i DRUKAREK', 'pl'],
  ['haslo wygaslo, hasło wygasło; nie moge sie zalogowac', 'pl'],
  ["Wi-Fi won't work, wi fi neither; e-mail and e mail, log in, back up", 'en'],
  ['Printers printing printed; the printer\u2019s queue', 'en'],
  ['VPN error 809 od 2 dni, kod 0x80070005', 'und'],
  ['wi', 'en'],
  ['', 'pl'],
];

describe('CachedTextAnalyzer', () => {
  it.each(TEXTS)('analyses "%s" like analyzeText', (text, language) => {
    const analyzer = formsAnalyzer();
    const expected = analyzeText(text, language).map((token) => token.forms);

    expect(analyzer.analyze(text, language)).toEqual(expected);
    // A second pass reads the caches and must give the same result.
    expect(analyzer.analyze(text, language)).toEqual(expected);
  });

  it('keeps the forms of each language apart', () => {
    const analyzer = formsAnalyzer();

    expect(analyzer.analyze('printers', 'pl')).toEqual(analyzeText('printers', 'pl').map((token) => token.forms));
    expect(analyzer.analyze('printers', 'en')).toEqual(analyzeText('printers', 'en').map((token) => token.forms));
  });

  it('builds one entry per distinct word and language', () => {
    let built = 0;
    const analyzer = new CachedTextAnalyzer((forms) => {
      built++;
      return forms;
    });

    analyzer.analyze('drukarka drukarka drukarka hasło', 'pl');
    analyzer.analyze('hasło drukarka', 'pl');

    expect(built).toBe(2);
  });
});
