import { loadKbFolder } from '../../src/kb/markdown-article.js';
import { createBm25Matcher, DEFAULT_CONFIDENCE_THRESHOLD, type KbMatcher, type MatchableArticle } from '../../src/kb/matcher.js';
import { EXAMPLES_KB } from './kb-paths.js';

const LONG_POLISH_MAIL = `Temat: VPN od rana nie działa
Dzień dobry,
w tym tygodniu pracuję z domu, bo w biurze trwa remont naszego piętra. Od rana nie mogę się
połączyć z VPN: klient długo próbuje, a potem pokazuje komunikat, że połączenie się nie udało.
Internet w domu działa normalnie, strony się otwierają, wideorozmowy też. Restartowałem już
laptopa i router. Po południu mam spotkanie z klientem i potrzebuję plików z dysku sieciowego.
Z góry dziękuję za pomoc,
Marek Nowak, dział sprzedaży`;

const LONG_ENGLISH_MAIL = `Subject: toner everywhere / jammed again
Hello IT,
sorry to write again about this. The printer next to the kitchen on the second floor has been
jamming all week. Today it stopped completely: the display says paper jam in tray 1, I opened
the front door and pulled out a crumpled sheet, but it still refuses to print and my job is
stuck in the queue. Half of the sales team uses this device and we have contracts to print for
a client visit this afternoon. Could someone have a look?
Best regards, Julia`;

const LONG_UNRELATED_MAIL = `Subject: summer team event
Hi everyone, the summer team event will take place on the last Friday of June at the lake
house. Buses leave from the main entrance at 10 am and come back around 8 pm. Please tell
Agnieszka by next Wednesday whether you are coming and whether you bring a partner, and let
her know about any food allergies. There will be kayaks, a barbecue and a quiz with prizes.
Cheers, the office team`;

describe('createBm25Matcher on the bundled examples', () => {
  let matcher: KbMatcher;

  beforeAll(async () => {
    const { articles, errors } = await loadKbFolder(EXAMPLES_KB);
    expect(errors).toEqual([]);
    matcher = createBm25Matcher(articles);
  });

  function best(query: string, options?: Parameters<KbMatcher['search']>[1]) {
    const [first] = matcher.search(query, options);
    if (!first) {
      throw new Error(`no article found for "${query}"`);
    }
    return first;
  }

  describe('when a Polish question matches a Polish article', () => {
    it.each([
      ['nie pamiętam hasła do komputera', 'pl/reset-hasla.md'],
      ['Zapomniałem hasła, jak je zresetować?', 'pl/reset-hasla.md'],
      ['haslo wygaslo nie moge sie zalogowac', 'pl/reset-hasla.md'],
      ['Konto zablokowane po kilku próbach logowania', 'pl/konto-zablokowane.md'],
      ['Drukarka na drugim piętrze nie drukuje, zaciął się papier', 'pl/drukarka-nie-drukuje.md'],
      ['brak internetu w biurze, sieć bezprzewodowa nie działa', 'pl/wifi-w-biurze.md'],
      ['Jak skonfigurować pocztę służbową na telefonie?', 'pl/poczta-na-telefonie.md'],
      ['Mam nowy telefon, jak przenieść Authenticator?', 'pl/mfa-nowy-telefon.md'],
    ])('ranks "%s" to %s above the threshold', (query, articleId) => {
      const match = best(query);

      expect(match.articleId).toBe(articleId);
      expect(match.confidence).toBeGreaterThanOrEqual(DEFAULT_CONFIDENCE_THRESHOLD);
    });
  });

  describe('when an English question matches an English article', () => {
    it.each([
      ["VPN won't connect from home", 'en/vpn-not-connecting.md'],
      ['I forgot my password and cannot log in', 'en/password-reset.md'],
      ['my account is locked', 'en/account-locked.md'],
      ['printer says paper jam', 'en/printer-not-printing.md'],
      ['how do I get company email on my iPhone', 'en/mail-on-phone.md'],
      ['Wi-Fi keeps dropping in the meeting room', 'en/wifi-connection.md'],
      ['Please install Visual Studio Code on my laptop, I need the software for work', 'en/software-installation-request.md'],
    ])('ranks "%s" to %s above the threshold', (query, articleId) => {
      const match = best(query);

      expect(match.articleId).toBe(articleId);
      expect(match.confidence).toBeGreaterThanOrEqual(DEFAULT_CONFIDENCE_THRESHOLD);
    });
  });

  describe('when the only article is in the other language', () => {
    it('finds the English disk article for a Polish question', () => {
      const match = best('Laptop strasznie zwolnił, a dysk jest pełny');

      expect(match.articleId).toBe('en/disk-full-slow-laptop.md');
      expect(match.language).toBe('en');
      expect(match.confidence).toBeGreaterThanOrEqual(DEFAULT_CONFIDENCE_THRESHOLD);
    });
  });

  describe('when a translation exists', () => {
    it('prefers the article in the query language', () => {
      expect(best('VPN nie łączy się z domu').articleId).toBe('pl/vpn-nie-laczy.md');
      expect(best('VPN does not connect from home').articleId).toBe('en/vpn-not-connecting.md');
    });

    it('follows the language the caller passes', () => {
      expect(best('VPN', { language: 'pl' }).language).toBe('pl');
      expect(best('VPN', { language: 'en' }).language).toBe('en');
    });
  });

  describe('when the query is a long e-mail', () => {
    it('finds the VPN article for a rambling Polish mail', () => {
      const match = best(LONG_POLISH_MAIL);

      expect(match.articleId).toBe('pl/vpn-nie-laczy.md');
      expect(match.confidence).toBeGreaterThanOrEqual(DEFAULT_CONFIDENCE_THRESHOLD);
    });

    it('finds the printer article for a rambling English mail', () => {
      const match = best(LONG_ENGLISH_MAIL);

      expect(match.articleId).toBe('en/printer-not-printing.md');
      expect(match.confidence).toBeGreaterThanOrEqual(DEFAULT_CONFIDENCE_THRESHOLD);
    });

    it('keeps an unrelated long mail below the threshold', () => {
      const confidence = matcher.search(LONG_UNRELATED_MAIL)[0]?.confidence ?? 0;

      expect(confidence).toBeLessThan(DEFAULT_CONFIDENCE_THRESHOLD);
    });
  });

  describe('when the query is unrelated', () => {
    it.each([
      "what's the canteen menu today",
      'proszę o nowe krzesło biurowe',
      'When is the Christmas party this year?',
      'Czy mogę wziąć urlop w piątek?',
      'Please book the big conference room for Thursday',
      'the coffee machine in the kitchen is broken again',
    ])('keeps "%s" below the threshold', (query) => {
      const confidence = matcher.search(query)[0]?.confidence ?? 0;

      expect(confidence).toBeLessThan(DEFAULT_CONFIDENCE_THRESHOLD);
    });
  });

  describe('agent-only articles', () => {
    const query = 'account locked, unlock procedure and identity check';

    it('are excluded by default', () => {
      const results = matcher.search(query, { limit: 20 });

      expect(results.length).toBeGreaterThan(0);
      expect(results.map((match) => match.articleId)).not.toContain('en/agents/account-unlock-procedure.md');
    });

    it('are included on request', () => {
      expect(best(query, { includeAgentOnly: true }).articleId).toBe('en/agents/account-unlock-procedure.md');
    });
  });

  describe('search results', () => {
    it('list the matched query words as written', () => {
      expect(best('Drukarka nie drukuje').matchedTerms).toEqual(['drukarka', 'drukuje']);
    });

    it('are ordered by score and limited', () => {
      const results = matcher.search('hasło telefon poczta VPN', { limit: 3 });

      expect(results).toHaveLength(3);
      expect(results[0]!.score).toBeGreaterThanOrEqual(results[1]!.score);
      expect(results[1]!.score).toBeGreaterThanOrEqual(results[2]!.score);
    });

    it('are empty for a query of stop words only', () => {
      expect(matcher.search('Dzień dobry, proszę o pomoc. Thanks!')).toEqual([]);
    });

    it('keep confidence between 0 and 1', () => {
      for (const query of ['VPN', LONG_POLISH_MAIL, 'printer paper jam printer paper jam printer']) {
        for (const match of matcher.search(query, { limit: 10 })) {
          expect(match.confidence).toBeGreaterThanOrEqual(0);
          expect(match.confidence).toBeLessThanOrEqual(1);
        }
      }
    });
  });
});

describe('createBm25Matcher on edge input', () => {
  const article: MatchableArticle = {
    articleId: 'only.md',
    source: 'test',
    title: 'Printer offline',
    language: 'en',
    tags: [],
    audience: 'all',
    synonyms: [],
    body: 'Turn the printer on.',
  };

  it('returns nothing for an empty knowledge base', () => {
    expect(createBm25Matcher([]).search('printer')).toEqual([]);
  });

  it('returns nothing for limit 0', () => {
    expect(createBm25Matcher([article]).search('printer', { limit: 0 })).toEqual([]);
  });

  it('answers a one-article knowledge base', () => {
    const [match] = createBm25Matcher([article]).search('printer offline');

    expect(match?.articleId).toBe('only.md');
    expect(match?.confidence).toBeGreaterThanOrEqual(DEFAULT_CONFIDENCE_THRESHOLD);
  });

  it('handles a mail of several thousand words quickly', () => {
    const matcher = createBm25Matcher([article]);
    const words = Array.from({ length: 4000 }, (_, i) => `word${i % 700} text${i % 300}`).join(' ');

    const started = Date.now();
    matcher.search(`${words} printer`);

    expect(Date.now() - started).toBeLessThan(2000);
  });
});
