import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** A running worker of `linia start`, stopped on shutdown. */
export interface WorkerHandle {
  name: string;
  close(): Promise<void>;
}

/** Wraps a BullMQ worker and its own Redis connection; close() waits for jobs in progress, then disconnects. */
export function queueWorkerHandle(name: string, worker: Worker, connection: Redis, log: Logger): WorkerHandle {
  return {
    name,
    async close() {
      await worker.close();
      await connection.quit().catch(() => connection.disconnect());
      log.info(`${name} worker stopped`);
    },
  };
}
