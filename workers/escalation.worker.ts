import { getLogger } from '../src/logging/logger.js';
import { Worker, type Job } from 'bullmq';
import { escalateTicket, type EscalationDependencies } from '../src/escalation/escalate-ticket.js';
import { createRedisConnection, QUEUE_NAMES, throttledErrorLog, type EscalationJob, type EscalationQueueJob, type SlaNoticeJob } from '../src/queues/queues.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { ladderClockFor } from '../src/sla/ladder-clock.js';
import { handleSlaNotice } from '../src/sla/ladder-handlers.js';
import { ESCALATION_JOB_NAMES, SWEEPER_SCHEDULER_ID } from '../src/sla/ladder-jobs.js';
import { restoreLadderJobs, sweepOverdue, SWEEP_GRACE_MS } from '../src/sla/sweeper.js';
import { queueWorkerHandle, type WorkerHandle } from './worker-handle.js';

const CONCURRENCY = 2;

/** How often the sweeper checks the store for deadlines whose timers did not fire. */
export const SWEEP_EVERY_MS = 60_000;

export interface EscalationWorkerOptions {
  /** Sweep interval; tests shorten it. */
  sweepEveryMs?: number;
  /** How far overdue a deadline must be before the sweeper handles it; tests shorten it. */
  sweepGraceMs?: number;
}

/**
 * Moves unresolved tickets up the support lines when their delayed jobs fire,
 * sends SLA reminders and breach notices, and runs the sweeper. The sweeper is a
 * BullMQ job scheduler, so several worker processes sweep once per interval
 * between them. Each process upserts the scheduler again every interval, which
 * brings it back after Redis lost its data.
 */
export async function startEscalationWorker(runtime: Runtime, options: EscalationWorkerOptions = {}): Promise<WorkerHandle> {
  const log = getLogger('escalation-worker');
  const sweepEveryMs = options.sweepEveryMs ?? SWEEP_EVERY_MS;
  const deps: EscalationDependencies = {
    config: runtime.config,
    queues: runtime.queues,
    slack: runtime.slack,
    log,
    clock: ladderClockFor(runtime.config),
  };
  const connection = createRedisConnection(runtime.config.env.REDIS_URL);
  const worker = new Worker<EscalationQueueJob>(
    QUEUE_NAMES.escalation,
    async (job: Job<EscalationQueueJob>) => {
      const outcome = await runJob(job, deps, options.sweepGraceMs ?? SWEEP_GRACE_MS);
      log.info({ jobId: job.id, jobName: job.name, ticketId: (job.data as { ticketId?: string }).ticketId, outcome }, 'escalation job done');
      return outcome;
    },
    { connection, prefix: runtime.queues.prefix, concurrency: CONCURRENCY },
  );
  worker.on('failed', (job, error) => {
    const ticketId = (job?.data as { ticketId?: string } | undefined)?.ticketId;
    log.error({ jobId: job?.id, jobName: job?.name, ticketId, attempt: job?.attemptsMade, err: error }, 'escalation job failed');
  });
  worker.on('error', throttledErrorLog(`${QUEUE_NAMES.escalation} worker`));

  const upsertSweeper = async (): Promise<void> => {
    await runtime.queues.escalation.upsertJobScheduler(
      SWEEPER_SCHEDULER_ID,
      { every: sweepEveryMs },
      { name: ESCALATION_JOB_NAMES.sweep, data: {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
    );
  };
  await upsertSweeper();
  const keepSweeper = setInterval(() => {
    upsertSweeper().catch((error: unknown) => log.error({ err: error }, 'could not upsert the sweeper schedule; retrying next interval'));
  }, sweepEveryMs);
  keepSweeper.unref();

  const restored = await restoreLadderJobs(deps);
  log.info({ restored, sweepEveryMs }, 'escalation worker started');
  const handle = queueWorkerHandle('escalation', worker, connection, log);
  return {
    name: handle.name,
    async close() {
      clearInterval(keepSweeper);
      await handle.close();
    },
  };
}

async function runJob(job: Job<EscalationQueueJob>, deps: EscalationDependencies, sweepGraceMs: number): Promise<unknown> {
  switch (job.name) {
    case ESCALATION_JOB_NAMES.sweep:
      return sweepOverdue(deps, sweepGraceMs);
    case ESCALATION_JOB_NAMES.reminder:
    case ESCALATION_JOB_NAMES.breach:
      return handleSlaNotice(job.data as SlaNoticeJob, deps);
    default:
      return escalateTicket(job.data as EscalationJob, deps);
  }
}
