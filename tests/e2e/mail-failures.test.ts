import { setTimeout as sleep } from 'node:timers/promises';
import { simpleParser } from 'mailparser';
import { MailboxStateModel } from '../../src/store/mailbox-state.model.js';
import { MessageModel } from '../../src/store/message.model.js';
import { QuarantineModel } from '../../src/store/quarantine.model.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { buildMail } from '../support/mail-builder.js';
import { eventually, startPipeline, type PipelineHarness } from '../support/pipeline-harness.js';

const MAX_BYTES = 16 * 1024;
/** Fetch cap of these tests: larger messages are fetched header-only and quarantined. */
const FETCH_CAP_BYTES = 32 * 1024;

async function sentTo(harness: PipelineHarness, address: string): Promise<number> {
  const parsed = await Promise.all(harness.smtp.messages().map((message) => simpleParser(message.raw)));
  return parsed.filter((mail) => !Array.isArray(mail.to) && mail.to?.value.some((entry) => entry.address === address)).length;
}

describe('mail pipeline failures', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipeline({ maxMessageBytes: MAX_BYTES });
    // The watcher reads the fetch cap when it starts.
    harness.config.env.LINIA_MAX_FETCH_BYTES = FETCH_CAP_BYTES;
    await harness.stopWorkers();
    await harness.startWorkers();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('quarantines a mail over the fetch cap with its headers', async () => {
    const uid = await harness.deliver(
      buildMail({ from: 'big@firma.example', subject: 'Logs attached', body: `Here are the logs:\n${'x'.repeat(40 * 1024)}` }),
    );
    const raw = await harness.processed(uid);
    expect(raw.result?.action).toBe('quarantined');
    expect(raw.result?.reason).toMatch(/^oversized: \d+ bytes over limit 32768$/);
    expect(raw.raw).toBeNull();
    expect(raw.rawFileId).toBeNull();
    const record = await QuarantineModel.findOne({ sourceKey: new RegExp(`:${uid}$`) }).lean();
    expect(String((record?.headers as { header?: string }).header)).toContain('Subject: Logs attached');
  });

  it('retries a reply the SMTP server defers, and sends it once', async () => {
    harness.smtp.failNext(451, 'Try again later', 2);
    const uid = await harness.deliver(buildMail({ from: 'deferred@firma.example', subject: 'VPN drops', body: 'My VPN connection drops every hour.' }));
    await harness.processed(uid);
    await eventually(async () => ((await sentTo(harness, 'deferred@firma.example')) === 1 ? true : undefined), 30_000, 'the deferred reply');
    await sleep(1_500);
    expect(await sentTo(harness, 'deferred@firma.example')).toBe(1);
    const record = await MessageModel.findOne({ direction: 'out', 'to.address': 'deferred@firma.example' }).lean();
    expect(record?.status).toBe('sent');
    expect(record?.attempts).toBe(3);
  });

  it('records a permanently rejected reply on the ticket without retrying', async () => {
    harness.smtp.rejectRecipient('gone@firma.example', 550);
    const uid = await harness.deliver(buildMail({ from: 'gone@firma.example', subject: 'Printer offline', body: 'The printer says it is offline.' }));
    const raw = await harness.processed(uid);
    const record = await eventually(async () => {
      const found = await MessageModel.findOne({ direction: 'out', 'to.address': 'gone@firma.example' }).lean();
      return found?.status === 'failed' ? found : undefined;
    });
    expect(record.error).toMatch(/550/);
    await sleep(2_500);
    expect((await MessageModel.findById(record._id).lean())?.attempts).toBe(1);
    const ticket = await TicketModel.findOne({ number: raw.result?.ticketNumber }).lean();
    const failures = await TicketEventModel.find({ ticketId: ticket?._id, type: 'reply.failed' }).lean();
    expect(failures).toHaveLength(1);
    harness.smtp.resetFaults();
  });

  it('delivers mail after the IMAP connection drops', async () => {
    const watcher = harness.imapWatcher()!.watcher;
    const client = (watcher as unknown as { client: { close(): void } | null }).client;
    client?.close();
    await eventually(async () => (watcher.healthStatus().connected ? true : undefined), 15_000, 'the watcher to reconnect');
    const uid = await harness.deliver(buildMail({ from: 'after.drop@firma.example', subject: 'Wi-Fi slow', body: 'Wifi is very slow on floor 3.' }));
    const raw = await harness.processed(uid);
    expect(raw.result?.ticketNumber).toBeGreaterThan(0);
  });

  it('reads the mailbox again after a UIDVALIDITY change without duplicates', async () => {
    const uid = await harness.deliver(buildMail({ from: 'uidv@firma.example', subject: 'Outlook crash', body: 'Outlook crashes at start.' }));
    await harness.processed(uid);
    await eventually(async () => ((await sentTo(harness, 'uidv@firma.example')) === 1 ? true : undefined));
    const ticketsBefore = await TicketModel.countDocuments();
    const repliesBefore = harness.smtp.messages().length;

    // The stored checkpoint belongs to another UIDVALIDITY, as after the server rebuilt the mailbox.
    await harness.stopWorkers();
    await MailboxStateModel.updateMany({}, { $set: { uidValidity: 1, lastUid: 999_999 } });
    await harness.startWorkers();
    await eventually(async () => {
      const states = await MailboxStateModel.find({}).lean();
      return states.every((state) => state.uidValidity !== 1 && state.lastUid >= uid) ? true : undefined;
    }, 20_000, 'the rescan to finish');
    await sleep(2_000);

    expect(await TicketModel.countDocuments()).toBe(ticketsBefore);
    expect(harness.smtp.messages().length).toBe(repliesBefore);
  });
});
