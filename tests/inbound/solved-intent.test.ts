import { saysSolved } from '../../src/inbound/solved-intent.js';

describe('saysSolved', () => {
  describe('when the requester says it is solved', () => {
    it.each([
      'Rozwiązane, dziękuję.',
      'Już działa!',
      'Działa, dziękuję!',
      'Dzięki, działa.',
      'Problem rozwiązany.',
      'Wszystko działa, można zamknąć zgłoszenie.',
      'Można zamknąć.',
      'Pomogło, dzięki!',
      'Teraz działa poprawnie.',
      'Rozwiązało się samo po restarcie.',
      'Zgłoszenie nieaktualne.',
      'Solved, thanks!',
      'It works now.',
      'Works now, thank you.',
      'Thanks, that fixed it.',
      'You can close the ticket.',
      'Please close this ticket, everything is fine now.',
      'The issue is resolved.',
      'It’s working now, thanks a lot.',
      'No longer an issue.',
    ])('returns true for %p', (text) => {
      expect(saysSolved(text)).toBe(true);
    });

    it.each(['rozwiazane, dziekuje', 'juz dziala', 'dziala, dzieki', 'problem rozwiazany', 'mozna zamknac zgloszenie', 'pomoglo'])(
      'returns true for %p without diacritics',
      (text) => {
        expect(saysSolved(text)).toBe(true);
      },
    );
  });

  describe('when the requester says it still fails', () => {
    it.each([
      'It stopped working again today.',
      'The dock broke down again.',
      'Przestało działać po restarcie, wcześniej już działało.',
      'Drukarka przestala znowu dzialac.',
      'Nadal nie działa.',
      'nadal nie dziala',
      'Wciąż pojawia się ten sam błąd.',
      'Nie rozwiązało problemu.',
      'nie rozwiazalo problemu',
      'Niestety nie pomogło.',
      'Restart nie pomógł, dalej nie działa.',
      'Drukarka działa, ale skaner nie.',
      'Proszę nie zamykać zgłoszenia.',
      'Still not working.',
      'It is still broken.',
      "That didn't fix it.",
      'That did not fix it.',
      'Not solved yet.',
      'The problem is not resolved.',
      'It works on my laptop but not on the desktop.',
      "Please don't close the ticket.",
      'Unfortunately the same error appears.',
    ])('returns false for %p', (text) => {
      expect(saysSolved(text)).toBe(false);
    });
  });

  describe('when the requester asks or is unsure', () => {
    it.each([
      'Czy to już rozwiązane?',
      'czy to juz rozwiazane?',
      'Działa, czy mam coś jeszcze zrobić?',
      'Is it solved?',
      'Has it been resolved on your side',
      'Nie wiem, czy już działa.',
      'Jeśli już działa, dajcie znać.',
      'If it works now, please let me know.',
      'Chyba działa.',
    ])('returns false for %p', (text) => {
      expect(saysSolved(text)).toBe(false);
    });
  });

  describe('when the reply says nothing about the state', () => {
    it.each(['', 'Dziękuję za informację.', 'Thanks for the update.', 'Drukarka nie drukuje.', 'The printer is on the second floor.'])(
      'returns false for %p',
      (text) => {
        expect(saysSolved(text)).toBe(false);
      },
    );
  });
});
