/**
 * Large mail through the whole pipeline: Dovecot, the IMAP watcher, the raw store
 * (GridFS above 8 MiB), intake with the attachment spool, and the SMTP sink. The
 * messages are generated at run time from random bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { simpleParser, type ParsedMail } from 'mailparser';
import mongoose from 'mongoose';
import { MessageModel } from '../../src/store/message.model.js';
import { MAX_INLINE_RAW_BYTES, RAW_MAIL_BUCKET } from '../../src/store/raw-mail-bucket.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { buildMail, newMessageId } from '../support/mail-builder.js';
import { eventually, startPipeline, type PipelineHarness } from '../support/pipeline-harness.js';

const MB = 1024 * 1024;
/** Message limit of the "over the limit" cases; the 30 MB mail is far above it. */
const SMALL_MESSAGE_LIMIT = 8 * MB;
/** Parsing 30 MB on a loaded 2-core test machine can take longer than the 15 s default. */
const PARSE_TIMEOUT_MS = 120_000;
const PROCESS_TIMEOUT_MS = 150_000;

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

function heapUsedAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

interface LargeAttachment {
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** Base64 of `bytes` in lines of 76 characters, written straight into a buffer. */
function base64Lines(bytes: Buffer): Buffer {
  const bytesPerLine = 57;
  const lines = Math.ceil(bytes.length / bytesPerLine);
  const out = Buffer.alloc(lines * 78);
  let offset = 0;
  for (let start = 0; start < bytes.length; start += bytesPerLine) {
    offset += out.write(bytes.subarray(start, start + bytesPerLine).toString('base64'), offset, 'latin1');
    offset += out.write('\r\n', offset, 'latin1');
  }
  return out.subarray(0, offset);
}

function largeMail(options: { from: string; subject: string; body: string; attachments: LargeAttachment[] }): Buffer {
  const boundary = `----=_linia_large_${randomBytes(6).toString('hex')}`;
  const head = [
    `From: ${options.from}`,
    'To: Linia IT Support <support@linia.test>',
    `Subject: =?UTF-8?B?${Buffer.from(options.subject, 'utf8').toString('base64')}?=`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${newMessageId()}>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
  ].join('\r\n');
  const parts: Buffer[] = [Buffer.from(`${head}\r\n`, 'latin1'), base64Lines(Buffer.from(options.body, 'utf8'))];
  for (const attachment of options.attachments) {
    // RFC 2231 parameters, so a name with Polish letters arrives whole.
    const name = `*=UTF-8''${encodeURIComponent(attachment.filename)}`;
    const partHead = [
      `--${boundary}`,
      `Content-Type: ${attachment.contentType}; name${name}`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename${name}`,
      '',
      '',
    ].join('\r\n');
    parts.push(Buffer.from(partHead, 'latin1'), base64Lines(attachment.bytes));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(parts);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readAttachment(ref: string): Promise<Buffer> {
  const db = mongoose.connection.db as mongoose.mongo.Db;
  const bucket = new mongoose.mongo.GridFSBucket(db, { bucketName: 'attachments' });
  const parts: Buffer[] = [];
  for await (const part of bucket.openDownloadStream(new mongoose.mongo.ObjectId(ref)) as AsyncIterable<Buffer>) {
    parts.push(part);
  }
  return Buffer.concat(parts);
}

async function mailsTo(harness: PipelineHarness, address: string): Promise<ParsedMail[]> {
  const parsed = await Promise.all(harness.smtp.messages().map((message) => simpleParser(message.raw)));
  return parsed.filter((mail) => !Array.isArray(mail.to) && mail.to?.value.some((entry) => entry.address === address));
}

async function rawMailFileLength(fileId: string): Promise<number | null> {
  const db = mongoose.connection.db as mongoose.mongo.Db;
  const file = await db.collection<{ _id: string; length: number }>(`${RAW_MAIL_BUCKET}.files`).findOne({ _id: fileId });
  return file?.length ?? null;
}

describe('large mail', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipeline();
    harness.config.env.LINIA_PARSE_TIMEOUT_MS = PARSE_TIMEOUT_MS;
    // A small mail first, so the knowledge-base index and the templates are loaded
    // before the heap is measured.
    const uid = await harness.deliver(buildMail({ from: 'warm.up@firma.example', subject: 'Printer', body: 'The printer on floor 2 is offline.' }));
    await harness.processed(uid);
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  it('stores a 20 MB mail in GridFS and spools its attachments', async () => {
    const attachments: LargeAttachment[] = [
      { filename: 'server-logs.zip', contentType: 'application/zip', bytes: randomBytes(5 * MB) },
      { filename: 'screen-recording.mp4', contentType: 'video/mp4', bytes: randomBytes(5 * MB) },
      { filename: 'memory-dump.bin', contentType: 'application/octet-stream', bytes: randomBytes(4 * MB + 123) },
    ];
    const bytes = largeMail({
      from: 'Anna Nowak <anna.nowak@firma.example>',
      subject: 'Server crash logs',
      body: 'The reporting server crashed twice this morning. Logs, a screen recording and a memory dump are attached.\r\n',
      attachments,
    });
    expect(bytes.length).toBeGreaterThan(18 * MB);
    expect(bytes.length).toBeLessThan(harness.config.env.LINIA_MAX_MESSAGE_BYTES);

    const heapBefore = heapUsedAfterGc();
    const uid = await harness.deliver(bytes);
    const raw = await harness.processed(uid, PROCESS_TIMEOUT_MS);
    const heapGrowth = heapUsedAfterGc() - heapBefore;

    expect(raw.result?.ticketNumber).toBeGreaterThan(0);
    expect(raw.size).toBe(bytes.length);
    expect(raw.raw).toBeNull();
    expect(raw.rawFileId).toBe(`imap:${raw.mailbox}:${raw.uidValidity}:${uid}`);
    expect(await rawMailFileLength(raw.rawFileId ?? '')).toBe(bytes.length);

    const record = await MessageModel.findOne({ direction: 'in', 'from.address': 'anna.nowak@firma.example' }).lean();
    expect(record?.text).toContain('The reporting server crashed twice this morning.');
    expect(record?.attachments.map((attachment) => [attachment.filename, attachment.size])).toEqual(
      attachments.map((attachment) => [attachment.filename, attachment.bytes.length]),
    );
    for (const [index, attachment] of attachments.entries()) {
      const ref = record?.attachments[index]?.storageRef ?? '';
      expect(ref).toMatch(/^[0-9a-f]{24}$/);
      expect(sha256(await readAttachment(ref))).toBe(sha256(attachment.bytes));
    }

    expect(heapGrowth).toBeLessThan(bytes.length / 5);
  }, 200_000);

  describe('over LINIA_MAX_MESSAGE_BYTES', () => {
    const sender = 'jan.kowalski@firma.example';

    beforeAll(async () => {
      harness.config.env.LINIA_MAX_MESSAGE_BYTES = SMALL_MESSAGE_LIMIT;
      await harness.stopWorkers();
      await harness.startWorkers();
    }, 60_000);

    it('keeps the text of a 30 MB mail and sends one size notice', async () => {
      const attachments: LargeAttachment[] = [
        { filename: 'logi-serwera.zip', contentType: 'application/zip', bytes: randomBytes(8 * MB) },
        { filename: 'nagranie-ekranu.mp4', contentType: 'video/mp4', bytes: randomBytes(7 * MB) },
        { filename: 'zrzut-pamięci.bin', contentType: 'application/octet-stream', bytes: randomBytes(7 * MB) },
      ];
      const body = [
        'Dzień dobry,',
        '',
        'serwer raportów nie uruchamia się od rana. W załącznikach przesyłam logi, nagranie ekranu i zrzut pamięci.',
        '',
        'Pozdrawiam,',
        'Jan Kowalski',
        '',
        'W dniu 3 grudnia 2026 09:12 Dział IT <support@linia.test> napisał:',
        '> Prosimy o przesłanie logów serwera.',
        '',
      ].join('\r\n');
      const bytes = largeMail({ from: `Jan Kowalski <${sender}>`, subject: 'Serwer raportów nie działa', body, attachments });
      expect(bytes.length).toBeGreaterThan(29 * MB);

      const heapBefore = heapUsedAfterGc();
      const uid = await harness.deliver(bytes);
      const raw = await harness.processed(uid, PROCESS_TIMEOUT_MS);
      const heapGrowth = heapUsedAfterGc() - heapBefore;

      expect(raw.result?.action).toBe('acknowledged');
      expect(raw.result?.reason).toContain('size notice sent');
      expect(raw.rawFileId).not.toBeNull();
      expect(await rawMailFileLength(raw.rawFileId ?? '')).toBe(bytes.length);
      const ticket = await TicketModel.findOne({ number: raw.result?.ticketNumber }).lean();
      expect(ticket?.subject).toBe('Serwer raportów nie działa');
      expect(ticket?.language).toBe('pl');

      const record = await MessageModel.findOne({ direction: 'in', 'from.address': sender }).lean();
      expect(record?.text).toContain('serwer raportów nie uruchamia się od rana');
      expect(record?.text).not.toContain('Prosimy o przesłanie logów serwera.');
      expect(record?.fullText).toContain('> Prosimy o przesłanie logów serwera.');
      expect(record?.attachments.map((attachment) => [attachment.filename, attachment.size, attachment.storageRef])).toEqual(
        attachments.map((attachment) => [attachment.filename, attachment.bytes.length, null]),
      );
      expect(record?.attachments[0]?.notStoredReason).toBe(`message of ${bytes.length} bytes over the limit of ${SMALL_MESSAGE_LIMIT} bytes`);

      const [notice] = await eventually(async () => {
        const sent = await mailsTo(harness, sender);
        return sent.length > 0 ? sent : undefined;
      }, 30_000, 'the size notice');
      expect(notice?.subject).toBe(`Re: [#${ticket?.number}] Serwer raportów nie działa`);
      expect(notice?.headers.get('auto-submitted')).toBe('auto-replied');
      expect(notice?.text).toContain(`ma ${(bytes.length / MB).toFixed(1).replace('.', ',')} MB, a przyjmujemy wiadomości o rozmiarze do 8 MB`);
      expect(notice?.text).toContain('załączników nie zachowaliśmy: logi-serwera.zip, nagranie-ekranu.mp4, zrzut-pamięci.bin.');
      const events = await TicketEventModel.find({ ticketId: ticket?._id, type: 'note.added' }).lean();
      expect(events.map((event) => event.key)).toContain(`size-notice:${record?.key}`);

      await sleep(1_500);
      expect(await mailsTo(harness, sender)).toHaveLength(1);
      expect(heapGrowth).toBeLessThan(bytes.length / 5);
    }, 200_000);

    it('sends no second size notice to the same sender within the window', async () => {
      const bytes = largeMail({
        from: `Jan Kowalski <${sender}>`,
        subject: 'Drukarka w pokoju 12',
        body: 'Drukarka w pokoju 12 drukuje puste strony. Zdjęcia w załączniku.\r\n',
        attachments: [{ filename: 'zdjecia.zip', contentType: 'application/zip', bytes: randomBytes(9 * MB) }],
      });
      expect(bytes.length).toBeGreaterThan(SMALL_MESSAGE_LIMIT);

      const uid = await harness.deliver(bytes);
      const raw = await harness.processed(uid, PROCESS_TIMEOUT_MS);
      expect(raw.result?.action).toBe('acknowledged');
      expect(raw.result?.reason).toContain('no size notice');
      expect(raw.rawFileId).not.toBeNull();
      const ticket = await TicketModel.findOne({ number: raw.result?.ticketNumber }).lean();
      const notes = await TicketEventModel.find({ ticketId: ticket?._id, type: 'note.added' }).lean();
      expect(notes.map((event) => event.detail).join('\n')).toMatch(/no size notice: jan\.kowalski@firma\.example already got an automatic reply/);

      await sleep(3_000);
      expect(await mailsTo(harness, sender)).toHaveLength(1);
    }, 200_000);
  });
});
