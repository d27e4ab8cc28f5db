/**
 * A send cut off after the relay took the mail: with SMTP_SENT_MAILBOX set, the
 * retry looks for the mail in the Sent folder (filed by the relay) and does not
 * send it a second time. Runs against the local Dovecot and an SMTP sink that
 * files copies there the way hosted relays do.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import mongoose, { Types } from 'mongoose';
import { startSmtpSink, type SmtpSink } from '../../src/devtools/smtp-sink';
import { getLogger } from '../../src/logging/logger';
import { createSmtpMailer, type Mailer } from '../../src/outbound/mailer';
import { sendOutboundMail } from '../../src/outbound/send-outbound-mail';
import { imapSentFolder, type SentFolder } from '../../src/outbound/sent-folder';
import { connectStore, disconnectStore } from '../../src/store/connection';
import { MessageModel } from '../../src/store/message.model';
import { TicketEventModel } from '../../src/store/ticket-event.model';
import { createTestMailbox, deleteMailbox } from '../support/imap-mailbox';
import { testServers, uniqueName } from '../support/servers';
import type { EnvConfig } from '../../src/config';

jest.setTimeout(60_000);

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'linia.js');
const FROM = { address: 'support@linia.test', name: 'Linia IT Support' };

/**
 * A relay that takes the whole message, files its copy, and then drops the
 * connection instead of answering 250: the sender cannot tell whether it was sent.
 */
async function startSilentRelay(fileCopy: (raw: Buffer) => Promise<void>): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    let data: Buffer[] | null = null;
    let pending = '';
    socket.write('220 relay.test ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      if (data) {
        data.push(chunk);
        const joined = Buffer.concat(data);
        if (joined.toString('latin1').endsWith('\r\n.\r\n')) {
          const raw = joined.subarray(0, joined.length - 5);
          void fileCopy(raw).then(() => socket.destroy());
        }
        return;
      }
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, end).toUpperCase();
        pending = pending.slice(end + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 relay.test\r\n');
        else if (line.startsWith('MAIL') || line.startsWith('RCPT')) socket.write('250 OK\r\n');
        else if (line === 'DATA') {
          socket.write('354 go ahead\r\n');
          data = pending ? [Buffer.from(pending, 'latin1')] : [];
          pending = '';
        } else if (line === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('502 not here\r\n');
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function mailerFor(port: number): Mailer {
  return createSmtpMailer({ SMTP_HOST: '127.0.0.1', SMTP_PORT: port, SMTP_SECURE: false, SMTP_REQUIRE_TLS: false } as EnvConfig);
}

describe('a send interrupted after the relay took the mail', () => {
  const servers = testServers();
  const log = getLogger('interrupted-send-test');
  let sentMailbox: string;
  let sink: SmtpSink;
  let folder: SentFolder;
  let mailer: Mailer;

  const appendToSent = async (raw: Buffer): Promise<void> => {
    const client = new ImapFlow({
      host: servers.imap.host,
      port: servers.imap.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: servers.imap.user, pass: servers.imap.password },
      logger: false,
    });
    await client.connect();
    await client.append(sentMailbox, raw, ['\\Seen']);
    await client.logout();
  };

  async function pendingMail(kind: 'acknowledgement' | 'agent_reply' = 'acknowledgement') {
    const key = uniqueName('out');
    const ticketId = new Types.ObjectId();
    const record = await MessageModel.create({
      channel: 'email',
      direction: 'out',
      key,
      kind,
      status: 'pending',
      ticketId,
      ticketNumber: 41,
      messageId: `${key}@faults.linia.test`,
      to: [{ address: 'anna.kowalska@example.test', name: 'Anna Kowalska' }],
      subject: 'Re: [#41] Drukarka nie drukuje',
      text: 'Dzień dobry, przyjęliśmy zgłoszenie.',
    });
    return { key, ticketId, messageId: record.messageId as string };
  }

  beforeAll(async () => {
    await connectStore(`${servers.mongoBaseUri}/${uniqueName('interrupted_send')}`);
    sentMailbox = await createTestMailbox(uniqueName('Sent'));
    sink = await startSmtpSink();
    await sink.fileCopiesIn({ host: servers.imap.host, port: servers.imap.port, user: servers.imap.user, password: servers.imap.password, mailbox: sentMailbox });
    mailer = mailerFor(sink.port);
    folder = imapSentFolder({
      host: servers.imap.host,
      port: servers.imap.port,
      secure: false,
      user: servers.imap.user,
      password: servers.imap.password,
      mailbox: sentMailbox,
      commandTimeoutMs: 10_000,
    });
  });

  afterAll(async () => {
    mailer.close();
    await sink.close();
    await deleteMailbox(sentMailbox).catch(() => undefined);
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectStore();
  });

  beforeEach(() => sink.clear());

  it('Sent folder finds exact Message-ID', async () => {
    const { key, messageId } = await pendingMail();
    expect(await sendOutboundMail(key, { mailer, from: FROM, log, sentFolder: folder })).toBe('sent');
    expect(await folder.contains(messageId)).toBe(true);
    // A prefix of the id is a substring match for IMAP SEARCH but not the same message.
    expect(await folder.contains(messageId.replace('@', 'x@'))).toBe(false);
    expect(await folder.contains(messageId.slice(1))).toBe(false);
  });

  it('retry after lost answer sends nothing', async () => {
    const relay = await startSilentRelay(appendToSent);
    const silentMailer = mailerFor(relay.port);
    try {
      const { key, ticketId, messageId } = await pendingMail();
      await expect(sendOutboundMail(key, { mailer: silentMailer, from: FROM, log, sentFolder: folder })).rejects.toThrow();
      const interrupted = await MessageModel.findOne({ key }).lean();
      expect(interrupted?.status).toBe('pending');
      expect(interrupted?.sendingSince).toBeInstanceOf(Date);

      expect(await sendOutboundMail(key, { mailer, from: FROM, log, sentFolder: folder })).toBe('found_in_sent_folder');
      expect(sink.messages()).toHaveLength(0);
      const record = await MessageModel.findOne({ key }).lean();
      expect(record).toMatchObject({ status: 'sent', sentVia: 'sent-folder', sendingSince: null });
      const events = await TicketEventModel.find({ ticketId, type: 'acknowledgement.sent' }).lean();
      expect(events).toHaveLength(1);
      expect(await folder.contains(messageId)).toBe(true);
    } finally {
      silentMailer.close();
      await relay.close();
    }
  });

  it('retry before relay contact sends once', async () => {
    const { key, messageId } = await pendingMail('agent_reply');
    // A crash right after the attempt was recorded, before any byte went to the relay.
    await MessageModel.updateOne({ key }, { $set: { sendingSince: new Date() }, $inc: { attempts: 1 } });
    expect(await sendOutboundMail(key, { mailer, from: FROM, log, sentFolder: folder })).toBe('sent');
    expect(sink.messages()).toHaveLength(1);
    expect(sink.messages()[0]?.raw.toString('latin1')).toContain(`Message-ID: <${messageId}>`);
    expect(await MessageModel.findOne({ key }).lean()).toMatchObject({ status: 'sent', sentVia: 'smtp', sendingSince: null });
  });

  it('temporary failure skips the folder look-up', async () => {
    const { key } = await pendingMail();
    sink.failNext(451, '4.3.0 try again later');
    await expect(sendOutboundMail(key, { mailer, from: FROM, log, sentFolder: folder })).rejects.toThrow(/451|try again/);
    const failed = await MessageModel.findOne({ key }).lean();
    expect(failed).toMatchObject({ status: 'pending', sendingSince: null });
    const lookups: string[] = [];
    const watched: SentFolder = { contains: (id) => (lookups.push(id), folder.contains(id)), verify: () => folder.verify() };
    expect(await sendOutboundMail(key, { mailer, from: FROM, log, sentFolder: watched })).toBe('sent');
    expect(lookups).toEqual([]);
    expect(sink.messages()).toHaveLength(1);
  });

  it('verify reports a missing folder', async () => {
    expect(await folder.verify()).toBe('ok');
    const missing = imapSentFolder({ host: servers.imap.host, port: servers.imap.port, secure: false, user: servers.imap.user, password: servers.imap.password, mailbox: uniqueName('NoSuchSent'), commandTimeoutMs: 10_000 });
    expect(await missing.verify()).toBe('missing');
  });

  it('worker rejects a missing Sent folder', async () => {
    const failure = await run(process.execPath, [BIN, 'worker', 'outbound-mail'], {
      cwd: ROOT,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        MONGODB_URI: `${servers.mongoBaseUri}/${uniqueName('sent_missing')}`,
        REDIS_URL: servers.redisUrl,
        LINIA_QUEUE_PREFIX: uniqueName('q'),
        IMAP_HOST: servers.imap.host,
        IMAP_PORT: String(servers.imap.port),
        IMAP_SECURE: 'false',
        IMAP_USER: servers.imap.user,
        IMAP_PASSWORD: servers.imap.password,
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(sink.port),
        MAIL_FROM: 'Linia IT Support <support@linia.test>',
        SMTP_SENT_MAILBOX: 'Wysłane-nie-ma',
        LOG_LEVEL: 'silent',
      },
    }).then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure).not.toBeNull();
    expect(failure?.code).toBe(78);
    expect(failure?.stderr).toContain('SMTP_SENT_MAILBOX: the IMAP server has no folder "Wysłane-nie-ma"');
  });
});
