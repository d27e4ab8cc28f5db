import { breachText, reminderText } from '../../src/sla/ladder-notice-text.js';

const facts = {
  ticketTag: '[#42]',
  subject: 'VPN nie łączy',
  priority: 'P2',
  deadline: 'L2' as const,
  dueAt: new Date('2026-03-03T10:00:00Z'),
};

describe('ladder notice texts', () => {
  it('writes a Polish reminder', () => {
    const notice = reminderText(facts, 90 * 60_000, 'pl');
    expect(notice.subject).toBe('[#42] Przypomnienie: termin przekazania do L2 za 1 h 30 min');
    expect(notice.text).toBe('Zgłoszenie [#42] (P2) „VPN nie łączy” czeka na obsługę.\nZa 1 h 30 min czasu pracy upływa termin przekazania do L2: 3 mar 2026, 11:00 (Europe/Warsaw).');
  });

  it('writes an English reminder', () => {
    const notice = reminderText({ ...facts, deadline: 'response' }, 15 * 60_000, 'en');
    expect(notice.subject).toBe('[#42] Reminder: first response due in 15 min');
    expect(notice.text).toBe('Ticket [#42] (P2) "VPN nie łączy" is waiting.\nFirst response is due in 15 min of business time: 3 Mar 2026, 11:00 (Europe/Warsaw).');
  });

  it('writes a Polish breach notice', () => {
    const notice = breachText({ ...facts, deadline: 'response' }, 'L1', 'pl');
    expect(notice.subject).toBe('[#42] Naruszenie SLA w L1: termin pierwszej odpowiedzi');
    expect(notice.text).toBe('Zgłoszenie [#42] (P2) „VPN nie łączy” przekroczyło termin na poziomie L1.\nMinął termin pierwszej odpowiedzi: 3 mar 2026, 11:00 (Europe/Warsaw).');
  });
});
