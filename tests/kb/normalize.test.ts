import { analyzeText, foldText, formsSimilarity, termForms, tokenize, type TextLanguage } from '../../src/kb/normalize.js';

function formsOf(word: string, language: TextLanguage): Map<string, number> {
  return termForms(foldText(word), language);
}

function expectAllMatch(words: string[], language: TextLanguage): void {
  for (const a of words) {
    for (const b of words) {
      const similarity = formsSimilarity(formsOf(a, language), formsOf(b, language));
      if (similarity === 0) {
        throw new Error(`"${a}" and "${b}" share no search form: ${[...formsOf(a, language).keys()]} vs ${[...formsOf(b, language).keys()]}`);
      }
    }
  }
}

describe('foldText', () => {
  it('removes Polish diacritics including ł', () => {
    expect(foldText('Zażółć GĘŚLĄ jaźń, Łódź')).toBe('zazolc gesla jazn, lodz');
  });
});

describe('tokenize', () => {
  it('joins split compounds and apostrophes', () => {
    const folded = tokenize("Wi-Fi won't work, e-mail neither; wi fi").map((token) => token.folded);
    expect(folded).toEqual(['wifi', 'wont', 'work', 'email', 'neither', 'wifi']);
  });

  it('keeps diacritics in the surface form', () => {
    expect(tokenize('Drukarką')).toEqual([{ surface: 'drukarką', folded: 'drukarka' }]);
  });
});

describe('analyzeText', () => {
  it('drops stop words, greetings and short numbers', () => {
    const words = analyzeText('Dzień dobry, nie mogę się zalogować od 2 dni. Pozdrawiam', 'pl').map((token) => token.folded);
    expect(words).toEqual(['zalogowac']);
  });

  it('keeps error codes of three digits or more', () => {
    expect(analyzeText('VPN error 809', 'en').map((token) => token.folded)).toEqual(['vpn', 'error', '809']);
  });
});

describe('Polish inflection', () => {
  it('groups forms of drukarka', () => {
    expectAllMatch(['drukarka', 'drukarki', 'drukarką', 'drukarce', 'drukarke', 'drukarkę', 'drukarek'], 'pl');
  });

  it('groups forms of hasło with and without diacritics', () => {
    expectAllMatch(['hasło', 'hasła', 'haseł', 'haslo', 'hasla', 'hasel', 'hasłem'], 'pl');
  });

  it('groups zresetować and resetowanie', () => {
    expectAllMatch(['zresetować', 'zresetowac', 'resetowanie', 'zresetowałem', 'resetuje'], 'pl');
  });

  it('groups forms of konto and zablokowane', () => {
    expectAllMatch(['konto', 'konta', 'koncie', 'kontem'], 'pl');
    expectAllMatch(['zablokowane', 'zablokowany', 'zablokowało', 'zablokować'], 'pl');
  });

  it('groups instalacja and instalację', () => {
    expectAllMatch(['instalacja', 'instalację', 'instalacji'], 'pl');
  });

  it('groups diacritic-less past and oblique forms', () => {
    expectAllMatch(['zresetowałem', 'zresetowalem', 'zresetowała', 'zresetowala', 'resetowania'], 'pl');
    expectAllMatch(['hasłem', 'haslem', 'hasłami', 'haslami'], 'pl');
    expectAllMatch(['drukarką', 'drukarka', 'drukarkami', 'drukarkach'], 'pl');
  });

  it('keeps unrelated words apart', () => {
    expect(formsSimilarity(formsOf('konto', 'pl'), formsOf('kontakt', 'pl'))).toBe(0);
    expect(formsSimilarity(formsOf('drukarka', 'pl'), formsOf('hasło', 'pl'))).toBe(0);
  });
});

describe('English inflection', () => {
  it('groups printer, printers, printing and print', () => {
    expectAllMatch(['printer', 'printers', 'printing', 'print'], 'en');
  });

  it('groups password and passwords', () => {
    expectAllMatch(['password', 'passwords'], 'en');
  });

  it('groups verb forms', () => {
    expectAllMatch(['reset', 'resets', 'resetting'], 'en');
    expectAllMatch(['lock', 'locked', 'locking', 'locks'], 'en');
    expectAllMatch(['connect', 'connected', 'connecting', 'connection', 'connections'], 'en');
  });
});

describe('text of unknown language', () => {
  it('stems with both languages', () => {
    expect(formsSimilarity(formsOf('printers', 'und'), formsOf('printer', 'en'))).toBeGreaterThan(0);
    expect(formsSimilarity(formsOf('hasła', 'und'), formsOf('hasło', 'pl'))).toBeGreaterThan(0);
  });
});
