import { createHash } from 'node:crypto';

import { setLogLevel } from '../../src/logging/logger.js';
import { parseMail, type ParsedMail, type ParseOptions, type ParseResult } from '../../src/inbound/parse-mail.js';
import { rawMail, readMailFixture } from './support/fixtures.js';

const OPTIONS: ParseOptions = { maxBytes: 25 * 1024 * 1024, timeoutMs: 5000, tagPrefix: '', ownDomains: ['linia.firma.example'] };

async function parseOk(raw: Buffer, options: Partial<ParseOptions> = {}): Promise<ParsedMail> {
  const result = await parseMail(raw, { ...OPTIONS, ...options });
  if (!result.ok) {
    throw new Error(`expected the message to parse, got: ${result.reason}`);
  }
  return result.mail;
}

function expectFailure(result: ParseResult): Extract<ParseResult, { ok: false }> {
  if (result.ok) {
    throw new Error('expected the message to fail');
  }
  return result;
}

describe('parseMail', () => {
  beforeAll(() => {
    // Failures are logged as warnings; the assertions below check them, not the log.
    setLogLevel('silent');
  });

  afterAll(() => {
    setLogLevel('info');
  });

  describe('with a Polish Outlook reply in ISO-8859-2', () => {
    let mail: ParsedMail;

    beforeAll(async () => {
      mail = await parseOk(readMailFixture('pl-outlook-reply-iso-8859-2.eml'));
    });

    it('decodes the windows-1250 encoded-word subject', () => {
      expect(mail.subject).toBe('ODP: [#12] Drukarka na 2. piętrze nie drukuje – świeci się błąd');
      expect(mail.normalizedSubject).toBe('Drukarka na 2. piętrze nie drukuje – świeci się błąd');
      expect(mail.ticketTag).toBe(12);
    });

    it('decodes the ISO-8859-2 quoted-printable body', () => {
      expect(mail.fullText).toContain(
        'niestety nadal nie działa. Próbowałam ponownie uruchomić komputer, ale drukarka na 2. piętrze pokazuje błąd "Brak papieru", chociaż papier jest.',
      );
      expect(mail.fullText).toContain('Dział Księgowości');
    });

    it('decodes the RFC 2231 attachment name', () => {
      expect(mail.attachments).toEqual([{ filename: 'Zrzut ekranu błąd drukarki.png', contentType: 'image/png', size: 64, storageRef: null, tnef: false }]);
    });

    it('decodes the encoded-word display names', () => {
      expect(mail.from).toEqual({ address: 'zofia.wisniewska@firma.example', name: 'Zofia Wiśniewska' });
      expect(mail.cc).toEqual([{ address: 'jan.kowalczyk@firma.example', name: 'Jan Kowalczyk' }]);
      expect(mail.to).toEqual([{ address: 'helpdesk@firma.example', name: 'Linia Helpdesk' }]);
    });

    it('strips the Od/Wysłano/Do/Temat block from the new text', () => {
      expect(mail.text).toBe(
        [
          'Dzień dobry,',
          '',
          'niestety nadal nie działa. Próbowałam ponownie uruchomić komputer, ale drukarka na 2. piętrze pokazuje błąd "Brak papieru", chociaż papier jest.',
          '',
          'Pozdrawiam',
          'Zofia Wiśniewska',
          'Dział Księgowości',
        ].join('\n'),
      );
    });

    it('reads the thread headers', () => {
      expect(mail.messageId).toBe('AM0PR02MB5555.Zofia@Mail.Firma.Example');
      expect(mail.messageKey).toBe('AM0PR02MB5555.Zofia@mail.firma.example');
      expect(mail.inReplyTo).toBe('ticket-12-reply-1@linia.firma.example');
      expect(mail.references).toEqual(['ticket-12@linia.firma.example', 'ticket-12-reply-1@linia.firma.example']);
      expect(mail.returnPath).toBe('zofia.wisniewska@firma.example');
      expect(mail.date?.toISOString()).toBe('2024-03-04T10:02:01.000Z');
    });

    it('detects Polish and a person', () => {
      expect(mail.language.language).toBe('pl');
      expect(mail.automatic).toBe(false);
      expect(mail.automaticKind).toBeNull();
      expect(mail.automaticReason).toBeNull();
    });

    it('reports the raw size', () => {
      expect(mail.sizeBytes).toBe(readMailFixture('pl-outlook-reply-iso-8859-2.eml').length);
    });
  });

  describe('with a Polish Gmail reply', () => {
    it('takes the text part, strips the napisał(a) quote and keeps the solved sentence', async () => {
      const mail = await parseOk(readMailFixture('pl-gmail-reply-solved.eml'));
      expect(mail.subject).toBe('Re: [#12] Drukarka na 2. piętrze nie drukuje');
      expect(mail.text).toBe('Już działa, dziękuję! Można zamknąć zgłoszenie.');
      expect(mail.fullText).toContain('> Dzień dobry, prosimy sprawdzić, czy w podajniku jest papier.');
      expect(mail.language.language).toBe('pl');
      expect(mail.from?.name).toBe('Zofia Wiśniewska');
    });
  });

  describe('with an English Outlook reply', () => {
    it('reads the prefixed tag and strips signature and header block', async () => {
      const mail = await parseOk(readMailFixture('en-outlook-reply.eml'), { tagPrefix: 'LIN' });
      expect(mail.ticketTag).toBe(345);
      expect(mail.normalizedSubject).toBe('VPN disconnects every hour');
      expect(mail.text).toBe(
        'Hi,\n\nthe VPN still drops every hour, even after the client update you suggested.\nCould you check the server logs for my account?',
      );
      expect(mail.references).toEqual(['ticket-345@linia.example']);
      expect(mail.language.language).toBe('en');
    });

    it('finds no tag without the prefix', async () => {
      const mail = await parseOk(readMailFixture('en-outlook-reply.eml'), { tagPrefix: '' });
      expect(mail.ticketTag).toBeNull();
      expect(mail.normalizedSubject).toBe('[LIN#345] VPN disconnects every hour');
    });
  });

  describe('with an HTML-only reply', () => {
    it('converts the HTML to unwrapped text and strips the quote', async () => {
      const mail = await parseOk(readMailFixture('en-html-only-reply.eml'));
      const firstSentence =
        'Thanks, that fixed it. The shared drive is visible again and I can open the quarterly report from my laptop without any errors at all.';
      expect(mail.fullText.split('\n')[0]).toBe(firstSentence);
      expect(mail.fullText).toContain('On Mon, Mar 4, 2024 at 4:20 PM IT Support <support@linia.example> wrote:');
      expect(mail.fullText).toContain('> Please reconnect the drive from the intranet page [https://intranet.example.com/drives].');
      expect(mail.text).toBe(firstSentence);
      expect(mail.fullText).not.toContain('Company logo');
      expect(mail.fullText).not.toContain('margin');
    });
  });

  describe('with automatic mail', () => {
    it('classifies the Polish out-of-office reply', async () => {
      const mail = await parseOk(readMailFixture('pl-out-of-office.eml'));
      expect(mail.automatic).toBe(true);
      expect(mail.automaticKind).toBe('auto-reply');
      expect(mail.automaticReason).toBe('Auto-Submitted: auto-replied');
      expect(mail.returnPath).toBe('');
      expect(mail.subject).toBe('Automatyczna odpowiedź: [#12] Drukarka na 2. piętrze nie drukuje');
      expect(mail.ticketTag).toBe(12);
    });

    it('classifies the delivery status notification', async () => {
      const mail = await parseOk(readMailFixture('en-bounce.eml'));
      expect(mail.automatic).toBe(true);
      expect(mail.automaticKind).toBe('bounce');
      expect(mail.automaticReason).toBe('Content-Type: multipart/report; report-type=delivery-status');
      expect(mail.attachments.map((attachment) => attachment.contentType)).toContain('message/delivery-status');
    });

    it('classifies Linia\'s own Message-ID as a loop', async () => {
      const raw = rawMail(['From: someone@example.com', 'Subject: [#3] test', 'Message-ID: <ticket-3-reply@LINIA.firma.example>']);
      const mail = await parseOk(raw);
      expect(mail.automaticKind).toBe('loop');
    });

    it('keeps the same message a person without own domains', async () => {
      const raw = rawMail(['From: someone@example.com', 'Subject: [#3] test', 'Message-ID: <ticket-3-reply@linia.firma.example>']);
      const mail = await parseOk(raw, { ownDomains: [] });
      expect(mail.automatic).toBe(false);
    });
  });

  describe('with missing or odd headers', () => {
    it('keys a message without Message-ID by its bytes', async () => {
      const raw = rawMail(['From: Jan <jan@firma.example>', 'Subject: Brak Message-ID']);
      const expected = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
      const first = await parseOk(raw);
      const second = await parseOk(Buffer.from(raw));
      expect(first.messageId).toBeNull();
      expect(first.messageKey).toBe(expected);
      expect(second.messageKey).toBe(expected);
    });

    it('keys a blank Message-ID by its bytes', async () => {
      const raw = rawMail(['From: jan@firma.example', 'Message-ID:   ', 'Subject: x']);
      const mail = await parseOk(raw);
      expect(mail.messageId).toBeNull();
      expect(mail.messageKey.startsWith('sha256:')).toBe(true);
    });

    it('returns a missing subject as empty', async () => {
      const mail = await parseOk(rawMail(['From: jan@firma.example']));
      expect(mail.subject).toBe('');
      expect(mail.normalizedSubject).toBe('');
    });

    it('returns an invalid date as null', async () => {
      const mail = await parseOk(rawMail(['From: jan@firma.example', 'Date: sometime last week']));
      expect(mail.date).toBeNull();
    });

    it('tolerates a broken References list', async () => {
      const raw = rawMail(['From: jan@firma.example', 'References: <a@x.example>,<b@x.example>  c@x.example', '   <d@x.example>']);
      const mail = await parseOk(raw);
      expect(mail.references).toEqual(['a@x.example', 'b@x.example', 'd@x.example']);
    });

    it('lists group members and Reply-To', async () => {
      const raw = rawMail([
        'From: jan@firma.example',
        'To: IT: anna@firma.example, "Piotr Nowak" <piotr@firma.example>;, undisclosed-recipients:;',
        'Reply-To: "Zespół IT" <it@firma.example>',
      ]);
      const mail = await parseOk(raw);
      expect(mail.to).toEqual([
        { address: 'anna@firma.example', name: '' },
        { address: 'piotr@firma.example', name: 'Piotr Nowak' },
      ]);
      expect(mail.replyTo).toEqual([{ address: 'it@firma.example', name: 'Zespół IT' }]);
    });

    it('returns null from without an address', async () => {
      const mail = await parseOk(rawMail(['Subject: no sender', 'To: it@firma.example']));
      expect(mail.from).toBeNull();
    });
  });

  describe('when the message cannot be parsed', () => {
    it('keeps headers and text of an oversized message and flags it', async () => {
      const raw = rawMail(['From: jan@firma.example', 'Subject: Duży plik', 'Message-ID: <big@Firma.Example>'], 'x'.repeat(2000));
      const mail = await parseOk(raw, { maxBytes: 1000 });
      expect(mail.exceedsSizeLimit).toBe(true);
      expect(mail.messageKey).toBe('big@firma.example');
      expect(mail.subject).toBe('Duży plik');
      expect(mail.fullText).toBe('x'.repeat(2000));
      expect(mail.warnings).toEqual([`message of ${raw.length} bytes is over the limit of 1000 bytes: headers and text kept, attachments not stored`]);
    });

    it('reports a parse that takes longer than the timeout', async () => {
      const payload = Buffer.alloc(6 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
      const raw = rawMail(
        ['From: jan@firma.example', 'Subject: slow', 'Content-Type: multipart/mixed; boundary=b'],
        `--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${payload}\r\n--b--\r\n`,
      );
      const result = expectFailure(await parseMail(raw, { ...OPTIONS, timeoutMs: 1 }));
      expect(result.reason).toBe('parse timed out after 1 ms');
      expect(result.headers['subject']).toBe('slow');
      expect(result.messageKey).toBe(`sha256:${createHash('sha256').update(raw).digest('hex')}`);
    });

    it('reports a parser error with the headers that can be read', async () => {
      let body = '';
      for (let part = 0; part < 1100; part += 1) {
        body += '--b\r\nContent-Type: text/plain\r\n\r\nx\r\n';
      }
      const raw = rawMail(['Subject: many parts', 'Message-ID: <parts@x.example>', 'Content-Type: multipart/mixed; boundary=b'], `${body}--b--\r\n`);
      const result = expectFailure(await parseMail(raw, OPTIONS));
      expect(result.reason).toMatch(/^unparseable: /);
      expect(result.reason.length).toBeGreaterThan('unparseable: '.length);
      expect(result.messageKey).toBe('parts@x.example');
      expect(result.headers['subject']).toBe('many parts');
    });

    it.each([
      ['empty input', ''],
      ['plain text', 'just some text\nthat is not a message\n\nat all'],
      ['unknown headers only', 'X-Foo: bar\n\nbody'],
    ])('rejects %s as having no headers', async (_name, text) => {
      const raw = Buffer.from(text);
      const result = expectFailure(await parseMail(raw, OPTIONS));
      expect(result.reason).toBe('unparseable: no message headers found');
      expect(result.messageKey).toBe(`sha256:${createHash('sha256').update(raw).digest('hex')}`);
    });

    it('rejects invalid options', async () => {
      await expect(parseMail(Buffer.from('Subject: x\r\n\r\n'), { ...OPTIONS, maxBytes: 0 })).rejects.toThrow(RangeError);
      await expect(parseMail(Buffer.from('Subject: x\r\n\r\n'), { ...OPTIONS, timeoutMs: Number.NaN })).rejects.toThrow(RangeError);
    });
  });
});
