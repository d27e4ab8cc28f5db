import type { Queue, Worker } from 'bullmq';
import { Counter, Gauge } from 'prom-client';
import mongoose from 'mongoose';
import { SUPPORT_LINES, TICKET_STATUSES, TicketModel } from '../store/ticket.model.js';
import { metricsRegistry } from './registry.js';

const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized', 'waiting-children'] as const;

let observedQueues: Queue[] = [];

const queueJobs = new Gauge({
  name: 'linia_queue_jobs',
  help: 'Jobs per queue and state',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const queue of observedQueues) {
      const counts = await queue.getJobCounts(...JOB_STATES);
      for (const state of JOB_STATES) {
        this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    }
  },
});

const oldestWaiting = new Gauge({
  name: 'linia_queue_oldest_waiting_seconds',
  help: 'Age of the oldest job waiting in each queue (0 when none waits)',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    for (const queue of observedQueues) {
      const [oldest] = await queue.getJobs(['waiting'], -1, -1, true);
      const age = oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0;
      this.set({ queue: queue.name }, age);
    }
  },
});

const jobFailures = new Counter({
  name: 'linia_job_failures_total',
  help: 'Failed job attempts per queue and reason (error name, "stalled" for jobs whose worker died)',
  labelNames: ['queue', 'reason'] as const,
  registers: [metricsRegistry],
});

const ticketsByState = new Gauge({
  name: 'linia_tickets',
  help: 'Tickets per status and support line',
  labelNames: ['status', 'line'] as const,
  registers: [metricsRegistry],
  /**
   * Sends one `count` command per status and line. A `$group` aggregation would make
   * FerretDB 1.24 hold every ticket in memory for each scrape (docs/ferretdb.md), while
   * `count` reads them one at a time and MongoDB serves it from the status index.
   */
  async collect() {
    const db = mongoose.connection.db;
    if (!db) {
      throw new Error('cannot count tickets for /metrics: the store is not connected');
    }
    const pairs = TICKET_STATUSES.flatMap((status) => SUPPORT_LINES.map((line) => ({ status, line })));
    const counts = await Promise.all(
      pairs.map(async (pair) => Number((await db.command({ count: TicketModel.collection.name, query: pair })).n)),
    );
    this.reset();
    pairs.forEach((pair, index) => this.set(pair, counts[index]!));
  },
});

/** Makes the queues' depth and age part of /metrics. */
export function observeQueues(queues: Queue[]): void {
  observedQueues = queues;
}

/** Counts a worker's failed attempts by error name, and stalled jobs. */
export function observeWorker(queueName: string, worker: Worker): void {
  worker.on('failed', (_job, error) => {
    jobFailures.inc({ queue: queueName, reason: error?.name || 'Error' });
  });
  worker.on('stalled', () => {
    jobFailures.inc({ queue: queueName, reason: 'stalled' });
  });
}

export const queueMetrics = { queueJobs, oldestWaiting, jobFailures, ticketsByState };
