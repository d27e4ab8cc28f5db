import { getLogger } from '../src/logging/logger.js';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { ConfigError } from '../src/config/index.js';
import { sendOutboundMail } from '../src/outbound/send-outbound-mail.js';
import { imapSentFolder, type SentFolder } from '../src/outbound/sent-folder.js';
import { outboundJobId } from '../src/queues/job-ids.js';
import { createRedisConnection, QUEUE_NAMES, throttledErrorLog, type OutboundMailJob } from '../src/queues/queues.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { MessageModel } from '../src/store/message.model.js';
import { appendEvent } from '../src/tickets/ticket-repository.js';
import { queueWorkerHandle, type WorkerHandle } from './worker-handle.js';

const CONCURRENCY = 4;

/** Sends stored outbound e-mail over SMTP, with retries and backoff for temporary failures. */
export async function startOutboundMailWorker(runtime: Runtime): Promise<WorkerHandle> {
  const log = getLogger('outbound-mail-worker');
  const { mailer, config } = runtime;
  if (!mailer || !config.mailFrom) {
    throw new Error('the outbound mail worker needs SMTP_HOST and MAIL_FROM');
  }
  const from = config.mailFrom;
  const sentFolder = await openSentFolder(runtime, log);
  const connection = createRedisConnection(config.env.REDIS_URL);
  const worker = new Worker<OutboundMailJob>(
    QUEUE_NAMES.outboundMail,
    async (job) => sendOutboundMail(job.data.messageKey, { mailer, from, log, sentFolder }),
    { connection, prefix: runtime.queues.prefix, concurrency: CONCURRENCY },
  );
  worker.on('failed', (job, error) => {
    if (!job) {
      return;
    }
    const attempts = job.opts.attempts ?? 1;
    const final = job.attemptsMade >= attempts || error.name === 'UnrecoverableError';
    log.error(
      { jobId: job.id, messageKey: job.data.messageKey, ticketNumber: job.data.ticketNumber, attempt: job.attemptsMade, final, err: error },
      'outbound mail job failed',
    );
    if (final) {
      void markGivenUp(job.data.messageKey, error.message).catch((markError: unknown) =>
        log.error({ jobId: job.id, err: markError }, 'could not record the failed outbound mail'),
      );
    }
  });
  worker.on('error', throttledErrorLog(`${QUEUE_NAMES.outboundMail} worker`));
  const requeued = await requeuePendingOutbound(runtime);
  log.info({ requeued }, 'outbound mail worker started');
  return queueWorkerHandle('outbound-mail', worker, connection, log);
}

/**
 * Returns the Sent folder named by SMTP_SENT_MAILBOX, or null when it is unset.
 * A folder that the server reports as missing stops the worker, since every send
 * after an interrupted attempt would fail on it. A server that cannot be reached
 * now is only logged: the look-ups retry with the jobs.
 */
async function openSentFolder(runtime: Runtime, log: Logger): Promise<SentFolder | null> {
  const { env } = runtime.config;
  if (!env.SMTP_SENT_MAILBOX) {
    return null;
  }
  if (!env.IMAP_HOST || !env.IMAP_USER || !env.IMAP_PASSWORD) {
    throw new ConfigError(['SMTP_SENT_MAILBOX: set, but IMAP_HOST, IMAP_USER or IMAP_PASSWORD is missing; set them or unset SMTP_SENT_MAILBOX']);
  }
  const folder = imapSentFolder({
    host: env.IMAP_HOST,
    port: env.IMAP_PORT,
    secure: env.IMAP_SECURE,
    user: env.IMAP_USER,
    password: env.IMAP_PASSWORD,
    mailbox: env.SMTP_SENT_MAILBOX,
    commandTimeoutMs: env.LINIA_IMAP_COMMAND_TIMEOUT_MS,
  });
  try {
    if ((await folder.verify()) === 'missing') {
      throw new ConfigError([`SMTP_SENT_MAILBOX: the IMAP server has no folder "${env.SMTP_SENT_MAILBOX}"; name the folder where the relay files sent mail, or unset it`]);
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    log.warn({ mailbox: env.SMTP_SENT_MAILBOX, err: error }, 'could not open the Sent folder, so interrupted sends look there when they are retried');
  }
  return folder;
}

/**
 * Queues a job for every outbound message still pending, e.g. after Redis lost its
 * queue. Job ids derive from the message key, so a message already queued is not doubled.
 */
export async function requeuePendingOutbound(runtime: Runtime): Promise<number> {
  const pending = await MessageModel.find({ direction: 'out', status: 'pending' }, { key: 1, ticketNumber: 1 }).lean();
  for (const message of pending) {
    const jobId = outboundJobId(message.key);
    // A failed job is kept (and a second add with its id ignored), so it is retried instead.
    const existing = await runtime.queues.outboundMail.getJob(jobId);
    if (existing && (await existing.isFailed())) {
      await existing.retry();
      continue;
    }
    await runtime.queues.outboundMail.add('send', { messageKey: message.key, ticketNumber: message.ticketNumber ?? null }, { jobId });
  }
  return pending.length;
}

/** Marks a message whose retries ran out as failed and shows the failure on its ticket. */
async function markGivenUp(messageKey: string, reason: string): Promise<void> {
  const record = await MessageModel.findOneAndUpdate(
    { channel: 'email', key: messageKey, status: 'pending' },
    { $set: { status: 'failed', error: reason } },
    { returnDocument: 'after', lean: true },
  );
  if (record?.ticketId) {
    await appendEvent({ _id: record.ticketId, number: record.ticketNumber ?? 0 }, { key: `failed:${messageKey}`, type: 'reply.failed', messageKey, detail: reason });
  }
}
