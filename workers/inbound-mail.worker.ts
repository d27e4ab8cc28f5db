import { pipelineMetrics } from '../src/metrics/pipeline-metrics.js';
import { getLogger } from '../src/logging/logger.js';
import { Worker } from 'bullmq';
import { createRedisConnection, QUEUE_NAMES, throttledErrorLog, type InboundMailJob } from '../src/queues/queues.js';
import { inboundJobId } from '../src/queues/job-ids.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { RawMessageModel } from '../src/store/raw-message.model.js';
import { processInboundMail, quarantineAfterFailure } from '../src/tickets/email-intake.js';
import type { FirstLineAnswerer } from '../src/tickets/first-line-reply.js';
import { queueWorkerHandle, type WorkerHandle } from './worker-handle.js';

/**
 * Queues a job for every stored message still pending, e.g. after Redis lost its
 * queue. Job ids are deterministic, so a message already queued is not doubled.
 */
export async function requeuePendingMail(runtime: Runtime): Promise<number> {
  const pending = await RawMessageModel.find({ status: 'pending' }, { mailbox: 1, uidValidity: 1, uid: 1 }).lean();
  for (const raw of pending) {
    const rawMessageId = raw._id.toHexString();
    const jobId = inboundJobId(rawMessageId);
    // A failed job is kept (and a second add with its id ignored), so it is retried instead.
    const existing = await runtime.queues.inboundMail.getJob(jobId);
    if (existing && (await existing.isFailed())) {
      await existing.retry();
      continue;
    }
    await runtime.queues.inboundMail.add('process', { rawMessageId, sourceKey: `imap:${raw.mailbox}:${raw.uidValidity}:${raw.uid}` }, { jobId });
  }
  return pending.length;
}

/** Turns stored raw e-mails into ticket events (see processInboundMail). */
export async function startInboundMailWorker(runtime: Runtime, answerer: FirstLineAnswerer): Promise<WorkerHandle> {
  const log = getLogger('inbound-mail-worker');
  const connection = createRedisConnection(runtime.config.env.REDIS_URL);
  const worker = new Worker<InboundMailJob>(
    QUEUE_NAMES.inboundMail,
    async (job) => {
      const result = await processInboundMail(job.data.rawMessageId, {
        config: runtime.config,
        queues: runtime.queues,
        answerer,
        log,
      });
      log.info({ jobId: job.id, sourceKey: job.data.sourceKey, ...result }, 'inbound mail processed');
      pipelineMetrics.inboundHandled('email', result.action);
      return result;
    },
    { connection, prefix: runtime.queues.prefix, concurrency: runtime.config.env.LINIA_INBOUND_CONCURRENCY },
  );
  worker.on('failed', (job, error) => {
    if (!job) {
      return;
    }
    const attempts = job.opts.attempts ?? 1;
    const context = { jobId: job.id, sourceKey: job.data.sourceKey, attempt: job.attemptsMade, attempts, err: error };
    if ((error.name === 'DeliveryInProgressError' || error.name === 'ParentInProgressError') && job.attemptsMade < attempts) {
      log.info(context, 'message waits for an earlier delivery or its parent message; retrying');
    } else {
      log.error(context, 'inbound mail job failed');
    }
    if (job.attemptsMade >= attempts) {
      void quarantineAfterFailure(job.data.rawMessageId, `processing failed ${attempts} times: ${error.message}`, log).catch(
        (quarantineError: unknown) => log.error({ jobId: job.id, err: quarantineError }, 'could not quarantine failed message'),
      );
    }
  });
  worker.on('error', throttledErrorLog(`${QUEUE_NAMES.inboundMail} worker`));
  const requeued = await requeuePendingMail(runtime);
  log.info({ requeued }, 'inbound mail worker started');
  return queueWorkerHandle('inbound-mail', worker, connection, log);
}
