import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { observeWorker } from '../src/metrics/queue-metrics.js';
import type { CheckResult } from '../src/ops/readiness.js';

/** A running worker of `linia start`, stopped on shutdown. */
export interface WorkerHandle {
  name: string;
  close(): Promise<void>;
  /** For /readyz: whether the worker's own source (e.g. the IMAP connection) is fresh. */
  ready?(): CheckResult;
}

/** Wraps a BullMQ worker and its own Redis connection; close() waits for jobs in progress, then disconnects. */
export function queueWorkerHandle(name: string, worker: Worker, connection: Redis, log: Logger): WorkerHandle {
  observeWorker(name, worker);
  return {
    name,
    async close() {
      await worker.close();
      await connection.quit().catch(() => connection.disconnect());
      log.info(`${name} worker stopped`);
    },
  };
}
