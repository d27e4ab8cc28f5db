/**
 * Escalation timers at scale: 100k delayed BullMQ jobs on a Redis server of the
 * benchmark's own, how late each one fires, and Redis memory per pending timer.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { escalationJobId } from '../src/queues/job-ids.js';
import { intSetting, percentile, printFigure } from './bench-support.js';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

export async function benchTimers(): Promise<void> {
  const count = intSetting('BENCH_TIMER_COUNT', 100_000);
  const spreadSeconds = intSetting('BENCH_TIMER_SPREAD_SECONDS', 30);
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const connection = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  connection.on('error', () => undefined);
  try {
    while (connection.status !== 'ready') await sleep(50);
    const queue = new Queue('escalation', { connection, prefix: 'bench' });
    const before = await usedMemory(connection);

    // Fire times spread evenly over a window that opens after every job is added.
    const addStarted = Date.now();
    const firstFireAt = addStarted + 20_000 + count / 10;
    const fireAt = new Map<string, number>();
    const batch = 1000;
    for (let start = 0; start < count; start += batch) {
      const jobs = [];
      for (let index = start; index < Math.min(count, start + batch); index++) {
        const at = firstFireAt + Math.floor((index * spreadSeconds * 1000) / count);
        const ticketId = index.toString(16).padStart(24, '0');
        const jobId = escalationJobId(ticketId, 'L2', 1);
        fireAt.set(jobId, at);
        jobs.push({ name: 'escalate', data: { ticketId, line: 'L2' as const, planVersion: 1 }, opts: { jobId, delay: at - Date.now(), removeOnComplete: true } });
      }
      await queue.addBulk(jobs);
    }
    const addSeconds = (Date.now() - addStarted) / 1000;
    const after = await usedMemory(connection);
    if (Date.now() > firstFireAt) {
      throw new Error('adding the timers took longer than the lead time; raise the lead time');
    }

    const lateness: number[] = [];
    const workerConnection = new Redis(url, { maxRetriesPerRequest: null });
    const worker = new Worker(
      'escalation',
      async (job) => {
        lateness.push(Date.now() - (fireAt.get(job.id as string) as number));
      },
      { connection: workerConnection, prefix: 'bench', concurrency: 100 },
    );
    const deadline = firstFireAt + spreadSeconds * 1000 + 120_000;
    while (lateness.length < count && Date.now() < deadline) await sleep(200);
    await worker.close();
    workerConnection.disconnect();
    await queue.close();

    process.stdout.write(`\ntimers: ${count} delayed escalation jobs firing over ${spreadSeconds} s, one worker (concurrency 100)\n`);
    printFigure('timers added', count / addSeconds, 'jobs/s');
    printFigure('fired', `${lateness.length}/${count}`);
    printFigure('lateness p50', percentile(lateness, 0.5), 'ms');
    printFigure('lateness p99', percentile(lateness, 0.99), 'ms', 'target ≤ 1000 ms');
    printFigure('Redis memory per pending timer', (after - before) / count, 'bytes');
  } finally {
    connection.disconnect();
    server.kill('SIGKILL');
  }
}
