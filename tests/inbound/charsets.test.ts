import { setLogLevel } from '../../src/logging/logger.js';
import { parseMail, type ParsedMail, type ParseOptions } from '../../src/inbound/parse-mail.js';
import { readMailFixture } from './support/fixtures.js';

/**
 * Golden tests of Polish text: the exact decoded subject, body and attachment name of
 * crafted messages in tests/fixtures/mail/charsets. The letters ą, ś and ź have different
 * bytes in ISO-8859-2 and windows-1250, so decoding with the wrong table changes them.
 */

const OPTIONS: ParseOptions = { maxBytes: 25 * 1024 * 1024, timeoutMs: 5000 };

/** The body every fixture carries, in its own charset and transfer encoding. */
const BODY = 'Dzień dobry,\n\nźródło błędu: ąśź ĄŚŹ, żółć.\nProszę o pomoc.';
const SUBJECT = 'Błąd źródła: ąśź';

async function parseFixture(name: string): Promise<ParsedMail> {
  const result = await parseMail(readMailFixture(`charsets/${name}`), OPTIONS);
  if (!result.ok) {
    throw new Error(`expected ${name} to parse, got: ${result.reason}`);
  }
  return result.mail;
}

describe('Polish charsets', () => {
  beforeAll(() => {
    setLogLevel('silent');
  });

  afterAll(() => {
    setLogLevel('info');
  });

  describe('ISO-8859-2 body', () => {
    it.each([['8bit', 'iso-8859-2-8bit.eml'], ['quoted-printable', 'iso-8859-2-qp.eml']])('decodes %s exactly', async (_encoding, file) => {
      const mail = await parseFixture(file);
      expect(mail.subject).toBe(SUBJECT);
      expect(mail.fullText).toBe(BODY);
    });
  });

  describe('windows-1250 HTML with an ISO-8859-2 meta tag', () => {
    it('decodes by the MIME header, not the meta tag', async () => {
      const mail = await parseFixture('windows-1250-html-meta-iso-8859-2.eml');
      expect(mail.fullText).toBe('Dzień dobry,\n\nźródło błędu: ąśź ĄŚŹ, żółć – proszę o pomoc.');
    });
  });

  describe('split encoded words', () => {
    it('joins B-words split inside "ł"', async () => {
      const mail = await parseFixture('subject-b-words-split-l.eml');
      expect(mail.subject).toBe('Błąd źródła ąś');
    });

    it('joins Q-words split inside "ś" over two lines', async () => {
      const mail = await parseFixture('subject-q-words-split-s.eml');
      expect(mail.subject).toBe('Prośba o źródło ą');
      expect(mail.subject).not.toContain('\uFFFD');
    });
  });

  describe('raw 8-bit subject without encoded words', () => {
    it.each([
      ['windows-1250', 'subject-raw-windows-1250.eml'],
      ['iso-8859-2', 'subject-raw-iso-8859-2.eml'],
    ])('guesses %s and keeps the raw bytes', async (charset, file) => {
      const mail = await parseFixture(file);
      expect(mail.subject).toBe('Prośba: źródło błędu ąśź');
      expect(mail.normalizedSubject).toBe('Prośba: źródło błędu ąśź');
      expect(mail.subjectCharsetGuess?.charset).toBe(charset);
      const raw = Buffer.from(mail.subjectCharsetGuess?.rawBase64 ?? '', 'base64');
      expect(raw.toString('latin1')).toBe(readMailFixture(`charsets/${file}`).toString('latin1').match(/^Subject: (.*)\r$/m)?.[1]);
      expect(mail.fullText).toBe(BODY);
    });

    it('leaves the guess empty for an encoded subject', async () => {
      const mail = await parseFixture('iso-8859-2-8bit.eml');
      expect(mail.subjectCharsetGuess).toBeNull();
    });
  });

  describe('mislabelled body', () => {
    it.each([
      ['UTF-8 labelled ISO-8859-2', 'utf-8-body-labelled-iso-8859-2.eml'],
      ['UTF-8 labelled windows-1250 in quoted-printable', 'utf-8-body-labelled-windows-1250-qp.eml'],
      ['windows-1250 labelled UTF-8', 'windows-1250-body-labelled-utf-8.eml'],
      ['ISO-8859-2 without a charset', 'iso-8859-2-body-without-charset.eml'],
    ])('decodes %s exactly', async (_case, file) => {
      const mail = await parseFixture(file);
      expect(mail.fullText).toBe(BODY);
      expect(mail.fullText).not.toContain('\uFFFD');
    });
  });

  describe('charset aliases', () => {
    it.each(['cp1250', 'x-cp1250', 'windows1250', 'latin2', 'iso-8859-2', 'iso-ir-101'])('decodes %s in subject and body', async (alias) => {
      const mail = await parseFixture(`alias-${alias}.eml`);
      expect(mail.subject).toBe(SUBJECT);
      expect(mail.fullText).toBe(BODY);
    });
  });

  describe('attachment name "Zrzut ekranu – błąd.png"', () => {
    it.each([
      ['RFC 2231 continuations', 'attachment-name-rfc2231.eml'],
      ['a quoted encoded word', 'attachment-name-encoded-word.eml'],
      ['raw UTF-8', 'attachment-name-raw-utf-8.eml'],
    ])('is stored the same from %s', async (_form, file) => {
      const mail = await parseFixture(file);
      expect(mail.attachments.map((attachment) => attachment.filename)).toEqual(['Zrzut ekranu – błąd.png']);
      expect(mail.attachments[0]?.contentType).toBe('image/png');
      expect(mail.fullText).toBe('W załączniku zrzut: ąśź.');
    });
  });
});
