import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import mongoose from 'mongoose';

import { setLogLevel } from '../../src/logging/logger.js';
import { parseMail, type ParsedMail, type ParseOptions, type ParseResult } from '../../src/inbound/parse-mail.js';
import { DiskAttachmentSpool, GridFsAttachmentSpool } from '../../src/store/attachment-spool.js';
import { requireServers, uniqueName } from '../support/servers.js';
import { rawMail } from './support/fixtures.js';

/**
 * Messages built to hurt a parser: slow, huge, deeply nested, HTML only, TNEF. Each must
 * end in a parsed message or a failure with a reason, never a rejection or a hang.
 * Large messages are generated here instead of being kept as fixtures.
 */

const OPTIONS: ParseOptions = { maxBytes: 40 * 1024 * 1024, timeoutMs: 20_000, tagPrefix: '' };

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

function base64Lines(bytes: Buffer): string {
  return bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
}

/** Builds a multipart/mixed message with a Polish text part and the given binary attachments. */
function mailWithAttachments(attachments: Array<{ name: string; bytes: Buffer }>): Buffer {
  const parts = [
    '--outer\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nW załączniku logi serwera, proszę o sprawdzenie.\r\n',
    ...attachments.map(
      (attachment) =>
        `--outer\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="${attachment.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(attachment.bytes)}\r\n`,
    ),
  ];
  return rawMail(
    ['From: Jan Kowalski <jan@firma.example>', 'Subject: Logi serwera', 'Message-ID: <big-logs@firma.example>', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="outer"'],
    `${parts.join('')}--outer--\r\n`,
  );
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function nestedMultipart(depth: number): Buffer {
  let body = '--b0\r\nContent-Type: text/plain\r\n\r\ndeep\r\n--b0--\r\n';
  for (let level = 1; level <= depth; level += 1) {
    body = `--b${level}\r\nContent-Type: multipart/mixed; boundary="b${level - 1}"\r\n\r\n${body}--b${level}--\r\n`;
  }
  return rawMail(['From: jan@firma.example', 'Subject: nested', 'Message-ID: <nested@x.example>', `Content-Type: multipart/mixed; boundary="b${depth}"`], body);
}

describe('hostile MIME', () => {
  let spoolDir: string;

  beforeAll(() => {
    setLogLevel('silent');
  });

  beforeEach(() => {
    spoolDir = mkdtempSync(path.join(tmpdir(), 'linia-spool-'));
  });

  afterEach(() => {
    rmSync(spoolDir, { recursive: true, force: true });
  });

  afterAll(() => {
    setLogLevel('info');
  });

  describe('when parsing takes longer than the limit', () => {
    it('reports a timeout and parses the next message at once', async () => {
      const slow = mailWithAttachments([{ name: 'dump.bin', bytes: randomBytes(8 * 1024 * 1024) }]);
      const result = expectFailure(await parseMail(slow, { ...OPTIONS, timeoutMs: 5 }));
      expect(result.reason).toBe('parse timed out after 5 ms');
      expect(result.messageKey).toBe('big-logs@firma.example');
      expect(result.headers['subject']).toBe('Logi serwera');

      const next = await parseOk(rawMail(['From: anna@firma.example', 'Subject: Drukarka'], 'Nie drukuje.'));
      expect(next.text).toBe('Nie drukuje.');
    });

    it('removes attachments already spooled', async () => {
      const slow = mailWithAttachments([
        { name: 'a.bin', bytes: randomBytes(64 * 1024) },
        { name: 'b.bin', bytes: randomBytes(12 * 1024 * 1024) },
      ]);
      const result = await parseMail(slow, { ...OPTIONS, timeoutMs: 30, attachmentSink: new DiskAttachmentSpool(spoolDir, 50 * 1024 * 1024) });
      expect(expectFailure(result).reason).toBe('parse timed out after 30 ms');
      // The second attachment may still be closing its file when the parse gives up.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const files = readdirSync(spoolDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
      expect(files).toEqual([]);
    });
  });

  describe('with a 30 MB message of base64 attachments', () => {
    const attachments = [0, 1, 2].map((index) => ({ name: `log-${index}.bin`, bytes: randomBytes(7 * 1024 * 1024) }));
    const raw = mailWithAttachments(attachments);

    it('is over 30 MB', () => {
      expect(raw.length).toBeGreaterThan(28 * 1024 * 1024);
    });

    it('streams every attachment to the spool byte for byte', async () => {
      const mail = await parseOk(raw, { attachmentSink: new DiskAttachmentSpool(spoolDir, 10 * 1024 * 1024) });
      expect(mail.exceedsSizeLimit).toBe(false);
      expect(mail.text).toBe('W załączniku logi serwera, proszę o sprawdzenie.');
      expect(mail.attachments.map((attachment) => [attachment.filename, attachment.size])).toEqual(
        attachments.map((attachment) => [attachment.name, attachment.bytes.length]),
      );
      for (const [index, attachment] of mail.attachments.entries()) {
        expect(attachment.storageRef).not.toBeNull();
        expect(sha256(readFileSync(attachment.storageRef ?? ''))).toBe(sha256(attachments[index]?.bytes ?? Buffer.alloc(0)));
      }
    }, 60_000);

    it('keeps decoded attachments out of memory', async () => {
      let peak = 0;
      const baseline = process.memoryUsage();
      const sampler = setInterval(() => {
        const now = process.memoryUsage();
        peak = Math.max(peak, now.heapUsed + now.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers);
      }, 5);
      try {
        await parseOk(raw, { attachmentSink: new DiskAttachmentSpool(spoolDir, 10 * 1024 * 1024) });
      } finally {
        clearInterval(sampler);
      }
      // Holding the three decoded attachments alone would take 21 MiB.
      expect(peak).toBeLessThan(21 * 1024 * 1024);
    }, 60_000);

    it('skips an attachment over the spool limit and says why', async () => {
      const mail = await parseOk(raw, { attachmentSink: new DiskAttachmentSpool(spoolDir, 5 * 1024 * 1024) });
      expect(mail.attachments.map((attachment) => attachment.storageRef)).toEqual([null, null, null]);
      expect(mail.attachments.map((attachment) => attachment.size)).toEqual(attachments.map((attachment) => attachment.bytes.length));
      expect(mail.warnings).toContain(`attachment log-0.bin not stored: over the attachment limit of ${5 * 1024 * 1024} bytes`);
      expect(readdirSync(spoolDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())).toEqual([]);
    }, 60_000);

    it('keeps headers and text over the message limit and stores nothing', async () => {
      const mail = await parseOk(raw, { maxBytes: 10 * 1024 * 1024, attachmentSink: new DiskAttachmentSpool(spoolDir, 50 * 1024 * 1024) });
      expect(mail.exceedsSizeLimit).toBe(true);
      expect(mail.subject).toBe('Logi serwera');
      expect(mail.text).toBe('W załączniku logi serwera, proszę o sprawdzenie.');
      expect(mail.attachments.map((attachment) => attachment.storageRef)).toEqual([null, null, null]);
      expect(mail.attachments.map((attachment) => attachment.filename)).toEqual(['log-0.bin', 'log-1.bin', 'log-2.bin']);
      expect(existsSync(spoolDir) ? readdirSync(spoolDir) : []).toEqual([]);
    }, 60_000);
  });

  describe('with deep nesting', () => {
    it('parses multiparts nested 30 levels', async () => {
      const mail = await parseOk(nestedMultipart(30));
      expect(mail.text).toBe('deep');
    });

    it('quarantines multiparts nested 40 levels', async () => {
      const result = expectFailure(await parseMail(nestedMultipart(40), OPTIONS));
      expect(result.reason).toBe('unparseable: MIME parts nested deeper than 32 levels');
      expect(result.messageKey).toBe('nested@x.example');
      expect(result.headers['subject']).toBe('nested');
    });

    it('quarantines HTML nested 100000 levels', async () => {
      const html = `<html><body>${'<div>'.repeat(100_000)}głęboko${'</div>'.repeat(100_000)}</body></html>`;
      const raw = rawMail(['From: jan@firma.example', 'Subject: html', 'Content-Type: text/html; charset=utf-8'], html);
      const result = expectFailure(await parseMail(raw, OPTIONS));
      expect(result.reason).toBe('unparseable: HTML nested deeper than 500 levels');
      expect(result.headers['subject']).toBe('html');
    });

    it('converts HTML with thousands of unclosed paragraphs', async () => {
      const html = `<p>${'wiersz<p>'.repeat(5000)}koniec`;
      const mail = await parseOk(rawMail(['From: jan@firma.example', 'Content-Type: text/html; charset=utf-8'], html));
      expect(mail.fullText.endsWith('koniec')).toBe(true);
    });
  });

  describe('with an HTML-only message', () => {
    it.each([
      [
        'Polish',
        '<html><head><style>p { color: red }</style><script>alert(1)</script></head><body><p>Dzień dobry,</p><p>nie działa mi <b>VPN</b> &ndash; błąd&nbsp;800.</p><div>Pozdrawiam<br>Zofia</div></body></html>',
        'Dzień dobry,\n\nnie działa mi VPN – błąd\u00a0800.\n\nPozdrawiam\nZofia',
      ],
      [
        'English',
        '<html><body><table><tr><td><p>Hello,</p><p>the <i>Wi-Fi</i> drops every &lt;5&gt; minutes.</p></td></tr></table><img src="cid:logo" alt="Logo"></body></html>',
        'Hello,\n\nthe Wi-Fi drops every <5> minutes.',
      ],
    ])('gives clean %s text', async (_language, html, expected) => {
      const mail = await parseOk(rawMail(['From: jan@firma.example', 'Subject: x', 'Content-Type: text/html; charset=utf-8'], html));
      expect(mail.fullText).toBe(expected);
      expect(mail.text).toBe(expected);
      expect(mail.fullText).not.toMatch(/[<][a-z/]/i);
    });
  });

  describe('with a TNEF winmail.dat', () => {
    const tnef = Buffer.concat([Buffer.from([0x78, 0x9f, 0x3e, 0x22]), randomBytes(2048)]);
    const raw = rawMail(
      ['From: Outlook <anna@firma.example>', 'Subject: Raport', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="t"'],
      `--t\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRaport w załączniku.\r\n--t\r\nContent-Type: application/ms-tnef; name="winmail.dat"\r\nContent-Disposition: attachment; filename="winmail.dat"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(tnef)}\r\n--t--\r\n`,
    );

    it('flags it and keeps the file', async () => {
      const mail = await parseOk(raw, { attachmentSink: new DiskAttachmentSpool(spoolDir, 1024 * 1024) });
      expect(mail.attachments).toHaveLength(1);
      expect(mail.attachments[0]?.tnef).toBe(true);
      expect(mail.attachments[0]?.filename).toBe('winmail.dat');
      expect(readFileSync(mail.attachments[0]?.storageRef ?? '')).toEqual(tnef);
      expect(mail.warnings).toEqual(['TNEF attachment winmail.dat kept as a file, not unpacked: Outlook rich text and files inside it are not extracted']);
      expect(mail.text).toBe('Raport w załączniku.');
    });
  });

  describe('with broken structure', () => {
    it.each([
      ['a missing closing boundary', rawMail(['From: a@x.example', 'Content-Type: multipart/mixed; boundary=q'], '--q\r\nContent-Type: text/plain\r\n\r\nbez końca')],
      ['invalid base64', rawMail(['From: a@x.example', 'Content-Type: text/plain', 'Content-Transfer-Encoding: base64'], '!!!***???')],
      ['a boundary that never occurs', rawMail(['From: a@x.example', 'Content-Type: multipart/alternative; boundary=nope'], 'tekst bez części')],
      ['an unknown charset', rawMail(['From: a@x.example', 'Content-Type: text/plain; charset=x-nieznany'], 'zwykły tekst')],
      ['a UTF-7 charset', rawMail(['From: a@x.example', 'Content-Type: text/plain; charset=utf-7'], '+ADw-script+AD4-')],
      ['NUL bytes in headers and body', rawMail(['From: a@x.example', 'Subject: a\u0000b'], 'x\u0000y')],
    ])('gives a result for %s', async (_case, raw) => {
      const result = await parseMail(raw, OPTIONS);
      expect(typeof result.ok).toBe('boolean');
      if (result.ok) {
        expect(result.mail.fullText).not.toContain('<script>');
      }
    });
  });
});

describe('GridFS attachment spool', () => {
  let connection: mongoose.Connection;

  beforeAll(async () => {
    setLogLevel('silent');
    const servers = await requireServers('mongodb');
    connection = await mongoose.createConnection(`${servers.mongoBaseUri}/${uniqueName('linia_spool')}`).asPromise();
  });

  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
    setLogLevel('info');
  });

  it('stores attachments and drops those over the limit', async () => {
    const small = randomBytes(300 * 1024);
    const large = randomBytes(2 * 1024 * 1024);
    const raw = mailWithAttachments([
      { name: 'small.bin', bytes: small },
      { name: 'large.bin', bytes: large },
    ]);
    const spool = new GridFsAttachmentSpool(connection.db as mongoose.mongo.Db, 1024 * 1024);
    const mail = await parseOk(raw, { attachmentSink: spool });

    const [stored, skipped] = mail.attachments;
    expect(skipped?.storageRef).toBeNull();
    expect(stored?.storageRef).toEqual(expect.stringMatching(/^[0-9a-f]{24}$/));
    const bucket = new mongoose.mongo.GridFSBucket(connection.db as mongoose.mongo.Db, { bucketName: 'attachments' });
    const chunks: Buffer[] = [];
    for await (const chunk of bucket.openDownloadStream(new mongoose.mongo.ObjectId(stored?.storageRef ?? ''))) {
      chunks.push(chunk as Buffer);
    }
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(small));
    const files = await bucket.find({}).toArray();
    expect(files.map((file) => file.filename)).toEqual(['small.bin']);
    expect(files[0]?.metadata).toEqual({ messageKey: 'big-logs@firma.example', index: 0, contentType: 'application/octet-stream' });

    await spool.remove(stored?.storageRef ?? '');
    expect(await bucket.find({}).toArray()).toEqual([]);
  }, 60_000);
});
