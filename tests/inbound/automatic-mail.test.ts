import { classifyAutomatic, looksLikeAutoReplySubject, type ClassifyOptions } from '../../src/inbound/automatic-mail.js';
import type { MailAddress } from '../../src/inbound/mail-fields.js';

const PERSON: MailAddress = { address: 'jan.kowalski@firma.example', name: 'Jan Kowalski' };

interface Case {
  headers?: Record<string, string | string[]>;
  from?: MailAddress | null;
  returnPath?: string | null;
  contentType?: string | null;
  subject?: string;
  options?: ClassifyOptions;
}

function classify(input: Case) {
  const headers = new Map<string, string[]>();
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    headers.set(name.toLowerCase(), Array.isArray(value) ? value : [value]);
  }
  return classifyAutomatic(
    headers,
    input.from === undefined ? PERSON : input.from,
    input.returnPath === undefined ? PERSON.address : input.returnPath,
    input.contentType === undefined ? 'text/plain; charset=utf-8' : input.contentType,
    input.subject ?? 'Drukarka nie drukuje',
    input.options,
  );
}

describe('classifyAutomatic', () => {
  describe('when a person writes', () => {
    it('is not automatic', () => {
      expect(classify({})).toEqual({ automatic: false, reason: null, kind: null });
    });

    it('ignores an out-of-office subject without headers', () => {
      expect(classify({ subject: 'Out of office w przyszłym tygodniu - kto mnie zastąpi?' }).automatic).toBe(false);
      expect(classify({ subject: 'Automatyczna odpowiedź: test' }).automatic).toBe(false);
    });

    it.each(['no', 'No', 'no (comment)'])('ignores Auto-Submitted: %s', (value) => {
      expect(classify({ headers: { 'Auto-Submitted': value } }).automatic).toBe(false);
    });

    it('ignores X-Auto-Response-Suppress without auto-reply values', () => {
      expect(classify({ headers: { 'X-Auto-Response-Suppress': 'DR, RN' } }).automatic).toBe(false);
    });

    it('ignores an X-Loop of another system', () => {
      expect(classify({ headers: { 'X-Loop': 'procmail@other.example' }, options: { ownDomains: ['linia.example'] } }).automatic).toBe(false);
    });
  });

  describe('when Auto-Submitted is set', () => {
    it.each([
      ['auto-replied', 'auto-reply'],
      ['auto-generated', 'system'],
      ['auto-generated (failure)', 'system'],
      ['auto-notified', 'system'],
    ])('classifies %s as %s', (value, kind) => {
      expect(classify({ headers: { 'Auto-Submitted': value } })).toEqual({ automatic: true, kind, reason: `Auto-Submitted: ${value}` });
    });
  });

  describe('when Precedence is set', () => {
    it.each([
      ['bulk', 'bulk'],
      ['junk', 'bulk'],
      ['list', 'list'],
      ['auto_reply', 'auto-reply'],
    ])('classifies Precedence: %s as %s', (value, kind) => {
      expect(classify({ headers: { Precedence: value } })).toEqual({ automatic: true, kind, reason: `Precedence: ${value}` });
    });

    it('ignores Precedence: first-class', () => {
      expect(classify({ headers: { Precedence: 'first-class' } }).automatic).toBe(false);
    });
  });

  describe('when list headers are present', () => {
    it.each([
      ['List-Id', '<it-news.firma.example>', 'list'],
      ['List-Post', '<mailto:it-news@firma.example>', 'list'],
      ['Mailing-List', 'contact it-help@firma.example; run by ezmlm', 'list'],
      ['List-Unsubscribe', '<https://news.example.com/u?id=1>', 'bulk'],
    ])('classifies %s', (name, value, kind) => {
      const verdict = classify({ headers: { [name]: value } });
      expect(verdict.automatic).toBe(true);
      expect(verdict.kind).toBe(kind);
      expect(verdict.reason).toContain(name);
    });

    it('classifies an ezmlm Delivered-To as list mail', () => {
      const verdict = classify({ headers: { 'Delivered-To': ['jan@firma.example', 'mailing list internals@lists.example.org'] } });
      expect(verdict).toEqual({ automatic: true, kind: 'list', reason: 'Delivered-To: mailing list internals@lists.example.org' });
    });

    it('shortens a long header value in the reason', () => {
      const verdict = classify({ headers: { 'List-Id': `<${'x'.repeat(500)}.example>` } });
      expect(verdict.reason).toBe(`List-Id: <${'x'.repeat(199)}…`);
    });

    it('prefers list over Precedence: bulk', () => {
      expect(classify({ headers: { Precedence: 'bulk', 'List-Id': '<x.example>' } }).kind).toBe('list');
    });
  });

  describe('when the sender is a system mailbox', () => {
    it.each([
      ['MAILER-DAEMON@mx.example.com', 'bounce'],
      ['mailer-daemon@googlemail.com', 'bounce'],
      ['postmaster@example.com', 'bounce'],
      ['bounces+1234@mail.example.com', 'bounce'],
      ['bounce@example.com', 'bounce'],
      ['no-reply@example.com', 'system'],
      ['noreply@example.com', 'system'],
      ['do-not-reply@example.com', 'system'],
      ['donotreply@example.com', 'system'],
      ['newsalerts-noreply@example.com', 'system'],
    ])('classifies From: %s as %s', (address, kind) => {
      expect(classify({ from: { address, name: '' } })).toEqual({ automatic: true, kind, reason: `From: ${address}` });
    });

    it.each(['noreplyhelp@example.com', 'bouncer@example.com', 'postmasters.team@example.com'])('keeps %s a person', (address) => {
      expect(classify({ from: { address, name: '' } }).automatic).toBe(false);
    });

    it('classifies Return-Path: <MAILER-DAEMON> as a bounce', () => {
      expect(classify({ returnPath: 'MAILER-DAEMON' })).toEqual({ automatic: true, kind: 'bounce', reason: 'Return-Path: <MAILER-DAEMON>' });
    });
  });

  describe('when the return path is empty', () => {
    it('classifies the null sender as a bounce', () => {
      expect(classify({ returnPath: '' })).toEqual({ automatic: true, kind: 'bounce', reason: 'Return-Path: <> (null sender)' });
    });

    it('uses the subject to tell an auto-reply from a bounce', () => {
      expect(classify({ returnPath: '', subject: 'Automatic reply: Printer' }).kind).toBe('auto-reply');
    });
  });

  describe('when the message is a report', () => {
    it('classifies a delivery status report as a bounce', () => {
      const verdict = classify({ contentType: 'multipart/report; report-type=delivery-status; boundary="x"' });
      expect(verdict).toEqual({ automatic: true, kind: 'bounce', reason: 'Content-Type: multipart/report; report-type=delivery-status' });
    });

    it('classifies a read receipt', () => {
      const verdict = classify({ contentType: 'multipart/report; report-type="disposition-notification"; boundary=x' });
      expect(verdict).toEqual({ automatic: true, kind: 'system', reason: 'Content-Type: multipart/report; report-type=disposition-notification (read receipt)' });
    });

    it('classifies an ARF abuse report', () => {
      const verdict = classify({ contentType: 'multipart/report; boundary=x; report-type=feedback-report' });
      expect(verdict).toEqual({ automatic: true, kind: 'system', reason: 'Content-Type: multipart/report; report-type=feedback-report (abuse report)' });
    });

    it('uses the report part when report-type is missing', () => {
      const verdict = classify({ contentType: 'multipart/report;', options: { partContentTypes: ['text/plain', 'message/delivery-status'] } });
      expect(verdict.kind).toBe('bounce');
      expect(verdict.reason).toBe('Content-Type: multipart/report with a message/delivery-status part');
    });

    it('classifies an unknown report as system mail', () => {
      expect(classify({ contentType: 'multipart/report' })).toEqual({ automatic: true, kind: 'system', reason: 'Content-Type: multipart/report' });
    });

    it('ignores report parts under another top-level type', () => {
      const verdict = classify({ contentType: 'multipart/mixed; boundary=x', options: { partContentTypes: ['message/delivery-status'] } });
      expect(verdict.automatic).toBe(false);
    });

    it('prefers the report over Auto-Submitted and the null sender', () => {
      const verdict = classify({
        headers: { 'Auto-Submitted': 'auto-replied' },
        from: { address: 'MAILER-DAEMON@mx.example.com', name: '' },
        returnPath: '',
        contentType: 'multipart/report; report-type=delivery-status',
      });
      expect(verdict.kind).toBe('bounce');
      expect(verdict.reason).toContain('multipart/report');
    });
  });

  describe('when auto-reply headers are set', () => {
    it.each([
      ['X-Autoreply', 'yes'],
      ['X-Autorespond', 'Out of office'],
    ])('classifies %s', (name, value) => {
      expect(classify({ headers: { [name]: value } })).toEqual({ automatic: true, kind: 'auto-reply', reason: `${name}: ${value}` });
    });

    it.each(['All', 'OOF', 'AutoReply', 'DR, NDR, OOF', 'OOF, AutoReply'])('classifies X-Auto-Response-Suppress: %s', (value) => {
      expect(classify({ headers: { 'X-Auto-Response-Suppress': value } })).toEqual({
        automatic: true,
        kind: 'auto-reply',
        reason: `X-Auto-Response-Suppress: ${value}`,
      });
    });
  });

  describe('when the mail is Linia\'s own', () => {
    const options = { ownDomains: ['linia.firma.example', 'helpdesk@firma.example'] };

    it('classifies X-Loop with an own address as a loop', () => {
      expect(classify({ headers: { 'X-Loop': 'helpdesk@firma.example' }, options })).toEqual({
        automatic: true,
        kind: 'loop',
        reason: 'X-Loop: helpdesk@firma.example',
      });
    });

    it('classifies X-Loop with an own domain as a loop', () => {
      expect(classify({ headers: { 'X-Loop': 'Linia.Firma.Example' }, options }).kind).toBe('loop');
    });

    it('classifies a Message-ID of an own domain as a loop', () => {
      const verdict = classify({ headers: { 'Message-ID': '<ticket-12@mail.linia.firma.example>' }, options });
      expect(verdict).toEqual({ automatic: true, kind: 'loop', reason: "Message-ID: domain mail.linia.firma.example is Linia's own" });
    });

    it('classifies mail from an own address as a loop', () => {
      expect(classify({ from: { address: 'Helpdesk@firma.example', name: 'IT' }, options }).kind).toBe('loop');
    });

    it('does not take a domain that only ends like an own domain', () => {
      expect(classify({ headers: { 'Message-ID': '<x@evillinia.firma.example.com>' }, options }).automatic).toBe(false);
      expect(classify({ headers: { 'Message-ID': '<x@notlinia.firma.example>' }, options }).automatic).toBe(false);
    });

    it('prefers a loop over every other rule', () => {
      const verdict = classify({ headers: { 'Auto-Submitted': 'auto-replied', 'X-Loop': 'helpdesk@firma.example' }, options });
      expect(verdict.kind).toBe('loop');
    });
  });
});

describe('looksLikeAutoReplySubject', () => {
  it.each([
    'Odpowiedź automatyczna: Drukarka',
    'Automatyczna odpowiedź: [#12] Drukarka',
    'Automatyczna odpowiedz: bez polskich liter',
    'Nieobecność w biurze',
    'NIEOBECNOŚĆ',
    'Out of Office: Printer',
    'Out of the office until Monday',
    'Automatic reply: VPN',
    'Autoreply: VPN',
    'Auto-Reply: VPN',
  ])('recognises %p', (subject) => {
    expect(looksLikeAutoReplySubject(subject)).toBe(true);
  });

  it.each(['Drukarka nie drukuje', 'Office 365 licence', 'Reply needed: VPN', 'Automatyczne kopie zapasowe', ''])('ignores %p', (subject) => {
    expect(looksLikeAutoReplySubject(subject)).toBe(false);
  });
});
