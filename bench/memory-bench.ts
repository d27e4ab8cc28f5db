/**
 * Worker memory: `linia start` as a child process works off a backlog of mail
 * while its RSS is sampled, first on an empty store, then with many tickets stored.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { startSmtpSink } from '../src/devtools/smtp-sink.js';
import { importKbFolders } from '../src/kb/kb-store.js';
import { connectStore, disconnectStore } from '../src/store/connection.js';
import { RawMessageModel } from '../src/store/raw-message.model.js';
import { TicketModel } from '../src/store/ticket.model.js';
import { createTestMailbox, deleteMailbox } from '../tests/support/imap-mailbox.js';
import { benchMail, intSetting, openAppender, printFigure, rssMiB, testServers, uniqueName } from './bench-support.js';

const ROOT = path.resolve(__dirname, '..', '..');

interface Sample {
  done: number;
  rss: number;
}

async function seedTickets(count: number): Promise<void> {
  const batch = 5000;
  for (let start = 0; start < count; start += batch) {
    const docs = [];
    for (let index = start; index < Math.min(count, start + batch); index++) {
      docs.push({
        number: 1_000_000 + index,
        status: index % 3 === 0 ? 'resolved' : 'escalated',
        line: index % 2 === 0 ? 'L2' : 'L1',
        channel: 'email',
        language: index % 2 === 0 ? 'pl' : 'en',
        subject: `Seeded ticket ${index}`,
        requester: { address: `seed.${index}@example.test`, name: `Seed ${index}` },
        originKey: `seed:${index}`,
      });
    }
    await TicketModel.insertMany(docs, { ordered: false });
  }
}

async function runBacklog(label: string, count: number, env: NodeJS.ProcessEnv, mailbox: string): Promise<void> {
  const runId = uniqueName('mem');
  const appender = await openAppender(testServers().imap, mailbox);
  for (let index = 0; index < count; index++) {
    await appender.append(benchMail(index, runId));
  }
  await appender.close();
  const doneBefore = await RawMessageModel.countDocuments({ status: 'done' });

  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin', 'linia.js'), 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const samples: Sample[] = [];
  const started = Date.now();
  try {
    for (;;) {
      await sleep(500);
      if (child.exitCode !== null) throw new Error(`linia start exited with code ${child.exitCode}`);
      const done = (await RawMessageModel.countDocuments({ status: 'done' })) - doneBefore;
      samples.push({ done, rss: rssMiB(child.pid as number) });
      if (done >= count) break;
      if (Date.now() - started > 60 * 60_000) throw new Error(`backlog not worked off within an hour (${done}/${count})`);
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const mean = (list: Sample[]) => list.reduce((sum, sample) => sum + sample.rss, 0) / list.length;
  const firstQuarter = mean(samples.slice(0, quarter));
  const lastQuarter = mean(samples.slice(-quarter));
  const peak = Math.max(...samples.map((sample) => sample.rss));
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`\nmemory (${label}): ${count} mails worked off by linia start in ${seconds.toFixed(0)} s\n`);
  printFigure('RSS peak', peak, 'MiB', 'target ≤ 250 MiB');
  printFigure('RSS mean, first quarter of the run', firstQuarter, 'MiB');
  printFigure('RSS mean, last quarter of the run', lastQuarter, 'MiB', 'flat when close to the first quarter');
}

export async function benchMemory(): Promise<void> {
  const backlog = intSetting('BENCH_MEMORY_BACKLOG', 20_000);
  // 100k stalls FerretDB 1.24, whose scans of nested fields load the collection into memory (docs/benchmarks.md).
  const storedTickets = intSetting('BENCH_MEMORY_TICKETS', 20_000);
  const servers = testServers();
  const smtp = await startSmtpSink();
  const mailbox = uniqueName('BenchMemory');
  await createTestMailbox(mailbox);
  const mongoUri = `${servers.mongoBaseUri}/${uniqueName('bench_memory')}`;
  await connectStore(mongoUri);
  await importKbFolders([path.join(ROOT, 'examples', 'kb')]);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    MONGODB_URI: mongoUri,
    REDIS_URL: servers.redisUrl,
    LINIA_QUEUE_PREFIX: uniqueName('bench'),
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
    LOG_LEVEL: 'warn',
  };
  try {
    await runBacklog('empty store', backlog, env, mailbox);
    await seedTickets(storedTickets);
    printFigure('tickets stored before the second run', await TicketModel.countDocuments());
    await runBacklog(`${storedTickets} tickets stored`, Math.min(backlog, 2000), env, mailbox);
  } finally {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectStore();
    await deleteMailbox(mailbox).catch(() => undefined);
    await smtp.close();
  }
}
