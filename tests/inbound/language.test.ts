import { detectLanguage } from '../../src/inbound/language.js';

describe('detectLanguage', () => {
  describe('when the text is Polish', () => {
    it.each([
      'Dzień dobry, drukarka na drugim piętrze nie drukuje. Proszę o pomoc.',
      'Nie mogę zalogować się do poczty, wyświetla się błąd hasła.',
      'nie dziala drukarka, prosze o pomoc',
      'Witam, zapomnialem hasla do komputera i nie moge sie zalogowac. Pozdrawiam',
      'Juz dziala, dziekuje!',
      'Potrzebuję dostępu do folderu współdzielonego działu księgowości.',
    ])('detects %p', (text) => {
      const guess = detectLanguage(text);
      expect(guess.language).toBe('pl');
      expect(guess.confidence).toBeGreaterThanOrEqual(0.5);
    });
  });

  describe('when the text is English', () => {
    it.each([
      'Hello, the printer on the second floor is not working. Please help.',
      'I cannot log in to my email account, it says the password is wrong.',
      'Thanks, that fixed it!',
      'The VPN still drops every hour, even after the client update you suggested.',
      'Could you please give me access to the shared folder of the finance team?',
    ])('detects %p', (text) => {
      const guess = detectLanguage(text);
      expect(guess.language).toBe('en');
      expect(guess.confidence).toBeGreaterThanOrEqual(0.5);
    });
  });

  describe('when the text cannot be told', () => {
    it.each(['', '   ', 'OK', 'VPN', 'https://intranet.example.com/x jan@example.pl', '12345 678'])('returns und for %p', (text) => {
      expect(detectLanguage(text)).toEqual({ language: 'und', confidence: 0 });
    });

    it.each([
      'Die heiße Zypernsonne quälte Max und Victoria ja böse auf dem Weg bis zur Küste.',
      'Formação FrenetikPolis: Mega Campanha Final Verão, cursos de setembro',
      '\u00e0\u00c7\u00de\u00b5 \u00ca\u00c2\u00fe \u00f0\u00bf\u00d4 \u00e6\u00c5\u00fd \u00c3\u00a5\u00b4 \u00ef\u00ae\u00d0 \u00c8\u00b3\u00e8',
    ])('returns und for another language or noise: %p', (text) => {
      expect(detectLanguage(text).language).toBe('und');
    });
  });

  it('gives a short text less confidence than a long one', () => {
    const short = detectLanguage('Nie działa drukarka');
    const long = detectLanguage('Dzień dobry, nie działa drukarka na drugim piętrze. Proszę o pomoc, bo muszę wydrukować raport.');
    expect(short.language).toBe('pl');
    expect(long.confidence).toBeGreaterThan(short.confidence);
  });

  it('picks the main language of a mixed text', () => {
    const text = 'Dzień dobry, po aktualizacji Outlook pokazuje komunikat "Something went wrong" i nie mogę wysłać poczty. Proszę o pomoc.';
    expect(detectLanguage(text).language).toBe('pl');
  });
});
