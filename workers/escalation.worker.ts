import { getLogger } from '../src/logging/logger.js';
import { Worker } from 'bullmq';
import { escalateTicket } from '../src/escalation/escalate-ticket.js';
import { restorePlannedEscalations } from '../src/escalation/plan-escalation.js';
import { createRedisConnection, QUEUE_NAMES, throttledErrorLog, type EscalationJob } from '../src/queues/queues.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { queueWorkerHandle, type WorkerHandle } from './worker-handle.js';

const CONCURRENCY = 2;

/** Moves unresolved tickets up the support lines when their delayed jobs fire. */
export async function startEscalationWorker(runtime: Runtime): Promise<WorkerHandle> {
  const log = getLogger('escalation-worker');
  const connection = createRedisConnection(runtime.config.env.REDIS_URL);
  const worker = new Worker<EscalationJob>(
    QUEUE_NAMES.escalation,
    async (job) => {
      const outcome = await escalateTicket(job.data, {
        config: runtime.config,
        queues: runtime.queues,
        slack: runtime.slack,
        log,
      });
      log.info({ jobId: job.id, ticketId: job.data.ticketId, line: job.data.line, outcome }, 'escalation job done');
      return outcome;
    },
    { connection, prefix: runtime.queues.prefix, concurrency: CONCURRENCY },
  );
  worker.on('failed', (job, error) => {
    log.error({ jobId: job?.id, ticketId: job?.data.ticketId, attempt: job?.attemptsMade, err: error }, 'escalation job failed');
  });
  worker.on('error', throttledErrorLog(`${QUEUE_NAMES.escalation} worker`));
  const restored = await restorePlannedEscalations(runtime.queues);
  log.info({ restored }, 'escalation worker started');
  return queueWorkerHandle('escalation', worker, connection, log);
}
