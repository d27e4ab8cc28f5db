/**
 * Worker memory: `linia start` as a child process works off a backlog of mail
 * while its RSS, and that of a local FerretDB, is sampled: first on an empty
 * store, then with a stored history of many tickets (bench/ticket-history.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import { startSmtpSink } from '../src/devtools/smtp-sink.js';
import { importKbFolders } from '../src/kb/kb-store.js';
import { connectStore, disconnectStore } from '../src/store/connection.js';
import { RawMessageModel } from '../src/store/raw-message.model.js';
import { TicketModel } from '../src/store/ticket.model.js';
import { readHighestTicketNumber } from '../src/tickets/ticket-repository.js';
import { createTestMailbox, deleteMailbox } from '../tests/support/imap-mailbox.js';
import { benchMail, intSetting, openAppender, printFigure, rssMiB, testServers, uniqueName } from './bench-support.js';
import { seedTicketHistory } from './ticket-history.js';

const ROOT = path.resolve(__dirname, '..', '..');

/** NODE_OPTIONS that the Dockerfile sets for Linia's processes. */
const DOCKERFILE_NODE_OPTIONS = /^ENV .*NODE_OPTIONS=(\S+)/m.exec(readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'))?.[1] ?? '';

/**
 * Counts documents with the `count` command. Mongoose's countDocuments sends an
 * aggregation whose `$group` stage makes FerretDB 1.24 hold every matching document
 * in memory, which would add to the FerretDB RSS that this benchmark reports.
 */
async function countStored(collection: string, query: Record<string, unknown> = {}): Promise<number> {
  const result = await mongoose.connection.db!.command({ count: collection, query });
  return Number(result.n);
}

interface Sample {
  done: number;
  rss: number;
  /** RSS of the local FerretDB server in MiB, or null when none runs on this machine. */
  storeRss: number | null;
}

/** PID of a FerretDB server on this machine, found by its process name, or null (e.g. when the store is MongoDB). */
function ferretDbPid(): number | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').startsWith('ferretdb')) return Number(entry);
    } catch {
      // The process ended while /proc was read.
    }
  }
  return null;
}

function storeRssMiB(): number | null {
  const pid = ferretDbPid();
  if (pid === null) return null;
  try {
    return rssMiB(pid);
  } catch {
    return null;
  }
}

interface RunLimits {
  /** FerretDB RSS in MiB at which the run stops. */
  storeMiB: number;
  /** Duration in milliseconds after which the run stops. */
  durationMs: number;
}

/**
 * Works off `count` mails with `linia start` and prints the RSS figures. A run that
 * reaches a limit prints the figures of the mails worked off so far, then throws.
 */
async function runBacklog(label: string, count: number, env: NodeJS.ProcessEnv, mailbox: string, limits: RunLimits): Promise<void> {
  const runId = uniqueName('mem');
  const appender = await openAppender(testServers().imap, mailbox);
  for (let index = 0; index < count; index++) {
    await appender.append(benchMail(index, runId));
  }
  await appender.close();
  const doneBefore = await countStored(RawMessageModel.collection.name, { status: 'done' });

  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin', 'linia.js'), 'start'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const samples: Sample[] = [];
  const started = Date.now();
  let done = 0;
  let stopReason: string | null = null;
  try {
    for (let sample = 1; ; sample++) {
      await sleep(500);
      if (child.exitCode !== null) throw new Error(`linia start exited with code ${child.exitCode}`);
      const storeRss = storeRssMiB();
      samples.push({ done, rss: rssMiB(child.pid as number), storeRss });
      // The count makes FerretDB decode every finished raw message, so it runs every 5 s, not with each RSS sample.
      if (sample % 10 === 0) {
        done = (await countStored(RawMessageModel.collection.name, { status: 'done' })) - doneBefore;
        if (done >= count) break;
      }
      if (storeRss !== null && storeRss > limits.storeMiB) {
        stopReason = `FerretDB RSS reached ${storeRss.toFixed(0)} MiB, over BENCH_MEMORY_STORE_LIMIT_MIB=${limits.storeMiB}`;
        break;
      }
      if (Date.now() - started > limits.durationMs) {
        stopReason = `the run reached BENCH_MEMORY_RUN_MINUTES=${limits.durationMs / 60_000}`;
        break;
      }
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
  process.stdout.write(`\nmemory (${label}): ${done} of ${count} mails worked off by linia start in ${seconds.toFixed(0)} s\n`);
  const peakIndex = samples.findIndex((sample) => sample.rss === peak);
  printFigure('RSS peak', peak, 'MiB', `target ≤ 250 MiB, ${((peakIndex + 1) / 2).toFixed(0)} s into the run, ${samples[peakIndex]?.done ?? 0} mails done`);
  const sorted = samples.map((sample) => sample.rss).sort((a, b) => a - b);
  printFigure('RSS p95 of the samples', sorted[Math.floor(0.95 * (sorted.length - 1))]!, 'MiB', 'one sample every 0.5 s');
  printFigure('RSS mean, first quarter of the run', firstQuarter, 'MiB');
  printFigure('RSS mean, last quarter of the run', lastQuarter, 'MiB', 'flat when close to the first quarter');
  const storeSamples = samples.map((sample) => sample.storeRss).filter((rss): rss is number => rss !== null);
  if (storeSamples.length > 0) {
    printFigure('FerretDB RSS peak', Math.max(...storeSamples), 'MiB');
    printFigure('FerretDB RSS at the end of the run', storeSamples[storeSamples.length - 1]!, 'MiB');
  }
  if (stopReason !== null) {
    throw new Error(`memory (${label}) stopped: ${stopReason}, after ${done} of ${count} mails`);
  }
}

export async function benchMemory(): Promise<void> {
  // 0 skips the run on the empty store or the run on stored tickets.
  const backlog = intSetting('BENCH_MEMORY_BACKLOG', 20_000, 0);
  const storedTickets = intSetting('BENCH_MEMORY_TICKETS', 100_000, 0);
  // A run stops when a local FerretDB grows past this, instead of taking the machine's memory.
  const storeMiB = intSetting('BENCH_MEMORY_STORE_LIMIT_MIB', 4096);
  // Without the pushdown indexes (no FERRETDB_POSTGRESQL_URL), every store query on 100,000
  // tickets scans a whole table in PostgreSQL, and 2,000 mails took hours on a 2-core machine.
  const durationMs = intSetting('BENCH_MEMORY_RUN_MINUTES', 240) * 60_000;
  // Mails of the run on the stored tickets. Unless set, BENCH_MEMORY_BACKLOG capped at 2,000, or 2,000 when it is 0.
  const storedBacklog = intSetting('BENCH_MEMORY_STORED_BACKLOG', Math.min(backlog || 2000, 2000));
  const limits: RunLimits = { storeMiB, durationMs };
  const nodeOptions = process.env.BENCH_MEMORY_NODE_OPTIONS ?? DOCKERFILE_NODE_OPTIONS;
  printFigure('NODE_OPTIONS of linia start', nodeOptions || '(none)');
  const servers = testServers();
  const smtp = await startSmtpSink();
  const mailbox = uniqueName('BenchMemory');
  await createTestMailbox(mailbox);
  const mongoUri = `${servers.mongoBaseUri}/${uniqueName('bench_memory')}`;
  // As in a FerretDB deployment with FERRETDB_POSTGRESQL_URL set, so the stored tickets are read through indexes.
  await connectStore(mongoUri, { ferretdbPostgresUrl: servers.ferretdbPostgresUrl ?? undefined });
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
    ...(servers.ferretdbPostgresUrl ? { FERRETDB_POSTGRESQL_URL: servers.ferretdbPostgresUrl } : {}),
    // Node.js flags of linia start: the heap limit of the Dockerfile unless set (an empty value runs without flags).
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
  };
  try {
    if (backlog > 0) await runBacklog('empty store', backlog, env, mailbox, limits);
    if (storedTickets > 0) {
      const seedStarted = Date.now();
      const messages = await seedTicketHistory(storedTickets);
      // Counting every ticket or message would make FerretDB decode each of them, which takes minutes at this size.
      printFigure('highest ticket number before the second run', await readHighestTicketNumber());
      printFigure('open tickets stored before the second run', await countStored(TicketModel.collection.name, { open: true }));
      printFigure('message records seeded', messages, '', `in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s`);
      await runBacklog(`${storedTickets} tickets stored`, storedBacklog, env, mailbox, limits);
    }
  } finally {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectStore();
    await deleteMailbox(mailbox).catch(() => undefined);
    await smtp.close();
  }
}
