import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import mongoose from 'mongoose';
import { startSmtpSink, type SmtpSink } from '../../src/devtools/smtp-sink';
import { importKbFolders } from '../../src/kb/kb-store';
import { connectStore, disconnectStore } from '../../src/store/connection';
import { RawMessageModel } from '../../src/store/raw-message.model';
import { TicketModel } from '../../src/store/ticket.model';
import { appendMessage, createTestMailbox, deleteMailbox } from '../support/imap-mailbox';
import { buildMail } from '../support/mail-builder';
import { eventually } from '../support/pipeline-harness';
import { testServers, uniqueName } from '../support/servers';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const MESSAGES = 30;

function startLinia(env: NodeJS.ProcessEnv): { child: ChildProcess; exited: Promise<{ code: number | null; at: number }> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'linia.js'), 'start'], { env, stdio: 'ignore' });
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
  return { child, exited };
}

describe('graceful shutdown of linia start', () => {
  const servers = testServers();
  let smtp: SmtpSink;
  let mailbox: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    mailbox = uniqueName('Shutdown');
    await createTestMailbox(mailbox);
    const mongoUri = `${servers.mongoBaseUri}/${uniqueName('shutdown')}`;
    await connectStore(mongoUri);
    await importKbFolders([path.join(ROOT, 'examples', 'kb')]);
    env = {
      PATH: process.env.PATH,
      MONGODB_URI: mongoUri,
      REDIS_URL: servers.redisUrl,
      LINIA_QUEUE_PREFIX: uniqueName('q'),
      IMAP_HOST: servers.imap.host,
      IMAP_PORT: String(servers.imap.port),
      IMAP_SECURE: 'false',
      IMAP_USER: servers.imap.user,
      IMAP_PASSWORD: servers.imap.password,
      IMAP_MAILBOX: mailbox,
      LINIA_IMAP_POLL_SECONDS: '1',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'Linia IT Support <support@linia.test>',
      LINIA_OPS_PORT: '0',
      LINIA_SHUTDOWN_TIMEOUT_MS: '20000',
      LOG_LEVEL: 'silent',
    };
  });

  afterAll(async () => {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectStore();
    await deleteMailbox(mailbox).catch(() => undefined);
    await smtp.close();
  });

  it('stops mid-backlog on SIGTERM, then finishes with one ticket and one reply per mail', async () => {
    for (let index = 0; index < MESSAGES; index++) {
      await appendMessage(
        mailbox,
        Buffer.from(buildMail({ from: `Osoba ${index} <osoba${index}@example.test>`, subject: `Drukarka nie drukuje ${index}`, body: `Drukarka w pokoju ${index} nie drukuje.` })),
      );
    }

    const first = startLinia(env);
    await eventually(async () => ((await TicketModel.countDocuments()) > 0 ? true : undefined), 60_000, 'the first ticket');
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    const { code, at } = await first.exited;
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(20_000);
    const doneAfterFirstRun = await RawMessageModel.countDocuments({ status: 'done' });
    expect(doneAfterFirstRun).toBeLessThan(MESSAGES);

    const second = startLinia(env);
    try {
      await eventually(async () => ((await RawMessageModel.countDocuments({ status: 'done' })) === MESSAGES ? true : undefined), 120_000, 'every mail processed');
      await eventually(async () => (smtp.messages().length >= MESSAGES ? true : undefined), 60_000, 'every reply sent');
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }

    expect(await TicketModel.countDocuments()).toBe(MESSAGES);
    const recipients = smtp.messages().flatMap((message) => message.envelope.to);
    expect(recipients).toHaveLength(MESSAGES);
    expect(new Set(recipients).size).toBe(MESSAGES);
  });
});
