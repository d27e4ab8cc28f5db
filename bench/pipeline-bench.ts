/**
 * Ingest throughput against its floor, and arrival-to-reply latency, measured
 * on the e-mail pipeline running in this process against the local servers.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { RawMessageModel } from '../src/store/raw-message.model.js';
import { startPipeline, type PipelineHarness } from '../tests/support/pipeline-harness.js';
import { benchMail, intSetting, openAppender, percentile, printFigure, testServers, uniqueName } from './bench-support.js';

async function waitForDone(count: number, timeoutMs: number): Promise<void> {
  // The driver's collection, not the model, so the operation counts leave these progress queries out.
  const db = mongoose.connection.db;
  if (!db) throw new Error('the store is not connected');
  const raw = db.collection(RawMessageModel.collection.collectionName);
  const deadline = Date.now() + timeoutMs;
  let lastReport = 0;
  while ((await raw.countDocuments({ status: 'done' })) < count) {
    if (process.env.BENCH_TRACE && Date.now() - lastReport > 2000) {
      lastReport = Date.now();
      process.stderr.write(`stored ${await raw.countDocuments()} done ${await raw.countDocuments({ status: 'done' })}\n`);
    }
    if (Date.now() > deadline) {
      const done = await raw.countDocuments({ status: 'done' });
      throw new Error(`only ${done} of ${count} messages became ticket events within ${timeoutMs} ms`);
    }
    await sleep(50);
  }
}

/** The floor: one bare insert and one queue add per message, at the inbound worker's concurrency. */
async function measureFloor(harness: PipelineHarness, count: number, concurrency: number): Promise<number> {
  const collection = mongoose.connection.collection(uniqueName('floor'));
  const queue = new Queue('floor', { connection: harness.runtime.queues.connection, prefix: uniqueName('floor') });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        await collection.insertOne({ index, at: new Date() });
        await queue.add('floor', { index }, { jobId: `floor-${index}` });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await queue.obliterate({ force: true });
  await queue.close();
  await collection.drop();
  return count / seconds;
}

/** Counts the store operations that go through mongoose models, by collection and method. */
function countStoreOperations(): { total(): number; byKind(): [string, number][]; stop(): void } {
  const counts = new Map<string, number>();
  mongoose.set('debug', (collection: string, method: string) => {
    const kind = `${collection}.${method}`;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  });
  return {
    total: () => [...counts.values()].reduce((sum, value) => sum + value, 0),
    byKind: () => [...counts.entries()].sort((a, b) => b[1] - a[1]),
    stop: () => mongoose.set('debug', false),
  };
}

/** Returns the number of commands the Redis server has run so far (INFO commandstats). */
async function redisCommandCount(url: string): Promise<number> {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const info = await client.info('commandstats');
    return [...info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  } finally {
    client.disconnect();
  }
}

export async function benchIngest(): Promise<void> {
  const count = intSetting('BENCH_INGEST_COUNT', 1000);
  const harness = await startPipeline();
  try {
    await harness.stopWorkers();
    const runId = uniqueName('ingest');
    const appender = await openAppender(testServers().imap, harness.mailbox);
    for (let index = 0; index < count; index++) {
      await appender.append(benchMail(index, runId));
    }
    await appender.close();

    const redisUrl = testServers().redisUrl;
    const redisBefore = await redisCommandCount(redisUrl);
    const operations = countStoreOperations();
    const started = performance.now();
    await harness.startWorkers(['escalation', 'outbound-mail', 'inbound-mail', 'imap-watcher']);
    await waitForDone(count, 30 * 60_000);
    const pipelineRate = count / ((performance.now() - started) / 1000);
    operations.stop();
    // Counts every client of the Redis server, so other jobs on it inflate the figure.
    const redisCommands = (await redisCommandCount(redisUrl)) - redisBefore;
    const floorRate = await measureFloor(harness, count, 4);

    process.stdout.write(`\ningest: ${count} mails already in the IMAP folder, workers started, until every one is a ticket event\n`);
    printFigure('pipeline throughput', pipelineRate, 'msg/s');
    printFigure('floor (bare insert + queue add)', floorRate, 'msg/s');
    printFigure('pipeline / floor', pipelineRate / floorRate, '', 'target ≥ 0.5');
    printFigure('store operations per message', operations.total() / count);
    for (const [kind, calls] of operations.byKind().slice(0, 12)) {
      printFigure(`  ${kind}`, calls / count);
    }
    printFigure('Redis commands per message', redisCommands / count, '', 'whole server, all clients');
  } finally {
    await harness.close();
  }
}

export async function benchLatency(): Promise<void> {
  const rate = intSetting('BENCH_LATENCY_RATE', 20);
  const seconds = intSetting('BENCH_LATENCY_SECONDS', 30);
  const count = rate * seconds;
  const harness = await startPipeline();
  try {
    const runId = uniqueName('latency');
    const appendedAt = new Map<string, number>();
    const latencies: number[] = [];
    harness.smtp.on('message', (message: { raw: Buffer; receivedAt: Date }) => {
      const header = /^In-Reply-To:\s*(<[^>]+>)/im.exec(message.raw.toString('latin1'));
      const sentAt = header ? appendedAt.get(header[1] as string) : undefined;
      if (sentAt !== undefined) {
        latencies.push(message.receivedAt.getTime() - sentAt);
      }
    });
    const appender = await openAppender(testServers().imap, harness.mailbox);
    const started = Date.now();
    for (let index = 0; index < count; index++) {
      const due = started + (index * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      const raw = benchMail(index, runId);
      await appender.append(raw);
      appendedAt.set(`<bench.${runId}.${index}@example.test>`, Date.now());
    }
    const achievedRate = count / ((Date.now() - started) / 1000);
    await appender.close();
    const deadline = Date.now() + 120_000;
    while (latencies.length < count && Date.now() < deadline) {
      await sleep(100);
    }
    process.stdout.write(`\nlatency: ${count} mails appended at ${achievedRate.toFixed(1)} msg/s, IMAP APPEND done → L1 reply accepted by SMTP\n`);
    printFigure('replies received', `${latencies.length}/${count}`);
    printFigure('p50', percentile(latencies, 0.5) / 1000, 's', 'target ≤ 0.5 s');
    printFigure('p99', percentile(latencies, 0.99) / 1000, 's', 'target ≤ 2 s');
  } finally {
    await harness.close();
  }
}
