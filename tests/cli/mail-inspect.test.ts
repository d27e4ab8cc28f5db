/**
 * Runs the built `linia mail inspect` as a user would (build with `npx tsc -p
 * tsconfig.json` first). It needs no server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'linia.js');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'mail');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function linia(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LINIA_LANG: 'en', ...env },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function inspectJson(file: string, env: NodeJS.ProcessEnv = {}): Promise<Record<string, unknown>> {
  const result = await linia(['mail', 'inspect', file, '--json'], env);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('linia mail inspect', () => {
  let scratch: string;

  beforeAll(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'linia-inspect-'));
  });

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('prints the fixed JSON fields for a Polish reply', async () => {
    const report = await inspectJson(path.join(FIXTURES, 'pl-outlook-reply-iso-8859-2.eml'));
    expect(Object.keys(report).sort()).toEqual(
      ['attachments', 'automatic', 'automaticReason', 'fullText', 'language', 'normalizedSubject', 'quarantineReason', 'subject', 'text', 'threadKeys'].sort(),
    );
    expect(report.subject).toBe('ODP: [#12] Drukarka na 2. piętrze nie drukuje – świeci się błąd');
    expect(report.normalizedSubject).toBe('Drukarka na 2. piętrze nie drukuje – świeci się błąd');
    expect(report.language).toBe('pl');
    expect(report.automatic).toBe(false);
    expect(report.automaticReason).toBeNull();
    expect(report.threadKeys).toEqual({
      messageId: 'AM0PR02MB5555.Zofia@Mail.Firma.Example',
      inReplyTo: 'ticket-12-reply-1@linia.firma.example',
      references: ['ticket-12@linia.firma.example', 'ticket-12-reply-1@linia.firma.example'],
      ticketTag: 12,
    });
    expect(report.attachments).toEqual([{ filename: 'Zrzut ekranu błąd drukarki.png', contentType: 'image/png', size: 64 }]);
    expect(report.quarantineReason).toBeNull();
    expect(report.text).toBe(
      'Dzień dobry,\n\nniestety nadal nie działa. Próbowałam ponownie uruchomić komputer, ale drukarka na 2. piętrze pokazuje błąd "Brak papieru", chociaż papier jest.\n\nPozdrawiam\nZofia Wiśniewska\nDział Księgowości',
    );
    expect(report.fullText).toContain('Temat: [#12] Drukarka na 2. piętrze nie drukuje');
  });

  it('reports automatic mail with its reason', async () => {
    const report = await inspectJson(path.join(FIXTURES, 'pl-out-of-office.eml'));
    expect(report.automatic).toBe(true);
    expect(report.automaticReason).toBe('Auto-Submitted: auto-replied');
    expect((report.threadKeys as { ticketTag: number }).ticketTag).toBe(12);
  });

  it('uses LINIA_TICKET_TAG_PREFIX for the tag', async () => {
    const report = await inspectJson(path.join(FIXTURES, 'en-outlook-reply.eml'), { LINIA_TICKET_TAG_PREFIX: 'LIN' });
    expect((report.threadKeys as { ticketTag: number }).ticketTag).toBe(345);
    expect(report.normalizedSubject).toBe('VPN disconnects every hour');
  });

  it('decodes a raw windows-1250 subject', async () => {
    const report = await inspectJson(path.join(FIXTURES, 'charsets', 'subject-raw-windows-1250.eml'));
    expect(report.subject).toBe('Prośba: źródło błędu ąśź');
  });

  it('exits 0 with a reason for text that is not mail', async () => {
    const report = await inspectJson(path.join(ROOT, 'examples', 'emails', '09-uszkodzona-wiadomosc.eml'));
    expect(report.quarantineReason).toBe('unparseable: no message headers found');
    expect(report.attachments).toEqual([]);
    expect(report.threadKeys).toEqual({ messageId: null, inReplyTo: null, references: [], ticketTag: null });
  });

  it('exits 0 with a reason and the subject for nesting too deep', async () => {
    let body = '--b0\r\nContent-Type: text/plain\r\n\r\nx\r\n--b0--\r\n';
    for (let level = 1; level <= 60; level += 1) {
      body = `--b${level}\r\nContent-Type: multipart/mixed; boundary="b${level - 1}"\r\n\r\n${body}--b${level}--\r\n`;
    }
    const file = path.join(scratch, 'nested.eml');
    writeFileSync(file, `From: jan@firma.example\r\nSubject: =?UTF-8?Q?Re:_[#7]_G=C5=82=C4=99boko?=\r\nMessage-ID: <deep@x.example>\r\nContent-Type: multipart/mixed; boundary="b60"\r\n\r\n${body}`);
    const report = await inspectJson(file);
    expect(report.quarantineReason).toBe('unparseable: MIME parts nested deeper than 32 levels');
    expect(report.subject).toBe('Re: [#7] Głęboko');
    expect(report.threadKeys).toEqual({ messageId: 'deep@x.example', inReplyTo: null, references: [], ticketTag: 7 });
    expect(report.text).toBe('');
  });

  it('exits 0 for an empty file', async () => {
    const file = path.join(scratch, 'empty.eml');
    writeFileSync(file, '');
    const report = await inspectJson(file);
    expect(report.quarantineReason).toBe('unparseable: no message headers found');
  });

  it('prints English labels', async () => {
    const result = await linia(['mail', 'inspect', path.join(FIXTURES, 'pl-gmail-reply-solved.eml')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Subject: Re: [#12] Drukarka na 2. piętrze nie drukuje\n');
    expect(result.stdout).toContain('Ticket tag: 12\n');
    expect(result.stdout).toContain('New text:\n    Już działa, dziękuję! Można zamknąć zgłoszenie.\n');
    expect(result.stdout).toContain('Quarantine: no, the message can be processed\n');
  });

  it('prints Polish labels with LINIA_LANG=pl', async () => {
    const result = await linia(['mail', 'inspect', path.join(FIXTURES, 'pl-gmail-reply-solved.eml')], { LINIA_LANG: 'pl' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Temat: Re: [#12] Drukarka na 2. piętrze nie drukuje\n');
    expect(result.stdout).toContain('Numer zgłoszenia: 12\n');
    expect(result.stdout).toContain('Nowy tekst:\n    Już działa, dziękuję! Można zamknąć zgłoszenie.\n');
    expect(result.stdout).toContain('Kwarantanna: nie, wiadomość można przetworzyć\n');
  });

  it.each([
    ['en', 'Failed: cannot read file'],
    ['pl', 'Błąd: nie można odczytać pliku'],
  ])('exits 1 for a missing file (%s)', async (language, expected) => {
    const missing = path.join(scratch, 'brak.eml');
    const result = await linia(['mail', 'inspect', missing, '--json'], { LINIA_LANG: language });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`${expected} ${missing} (ENOENT)`);
  });
});
