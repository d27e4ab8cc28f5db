import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { getLogger } from '../logging/logger.js';

/** Queue names; each has one worker module under workers/. */
export const QUEUE_NAMES = {
  inboundMail: 'inbound-mail',
  outboundMail: 'outbound-mail',
  escalation: 'escalation',
} as const;

export interface InboundMailJob {
  rawMessageId: string;
  sourceKey: string;
}

export interface OutboundMailJob {
  /** Key of the outbound record in the messages collection. */
  messageKey: string;
  ticketNumber: number | null;
}

export interface EscalationJob {
  ticketId: string;
  line: 'L2' | 'L3';
  planVersion: number;
  /** Set when an agent escalated at once; such a move is no breach of the previous line. */
  manual?: boolean;
}

/** Reminder before an SLA deadline, or the breach of the first-response target; queued on the escalation queue. */
export interface SlaNoticeJob {
  ticketId: string;
  planVersion: number;
  deadline: 'response' | 'L2' | 'L3';
  /** Time before the deadline for a reminder; absent for a breach. */
  offsetMs?: number;
}

/** Data of the escalation queue's jobs, told apart by job name (see src/sla/ladder-jobs.ts). */
export type EscalationQueueJob = EscalationJob | SlaNoticeJob | Record<string, never>;

/**
 * Completed jobs are kept, so BullMQ ignores a second `add` with the same job id.
 * That is one layer of duplicate protection, and the store's unique indexes are the other.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 50_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

const log = getLogger('redis');

/** Repeats of one connection error are logged at most this often; ioredis reports every reconnect attempt. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** Returns an error listener that logs the first error and then one every ERROR_LOG_INTERVAL_MS, with a count. */
export function throttledErrorLog(source: string): (error: Error) => void {
  let lastLoggedAt = 0;
  let suppressed = 0;
  return (error) => {
    const now = Date.now();
    if (now - lastLoggedAt < ERROR_LOG_INTERVAL_MS) {
      suppressed++;
      return;
    }
    log.error({ source, err: error, repeatsSinceLast: suppressed }, 'Redis connection error; retrying');
    lastLoggedAt = now;
    suppressed = 0;
  };
}

/** Creates an ioredis connection fit for BullMQ workers (blocking commands, no request retry limit). */
export function createRedisConnection(redisUrl: string): Redis {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true });
  connection.on('error', throttledErrorLog('connection'));
  return connection;
}

export interface LiniaQueues {
  connection: Redis;
  prefix: string;
  inboundMail: Queue<InboundMailJob>;
  outboundMail: Queue<OutboundMailJob>;
  escalation: Queue<EscalationQueueJob>;
  close(): Promise<void>;
}

/** Opens the three queues on one shared Redis connection. */
export function openQueues(redisUrl: string, prefix: string): LiniaQueues {
  const connection = createRedisConnection(redisUrl);
  const options = { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS };
  const inboundMail = new Queue<InboundMailJob>(QUEUE_NAMES.inboundMail, options);
  const outboundMail = new Queue<OutboundMailJob>(QUEUE_NAMES.outboundMail, options);
  const escalation = new Queue<EscalationQueueJob>(QUEUE_NAMES.escalation, options);
  for (const queue of [inboundMail, outboundMail, escalation]) {
    queue.on('error', throttledErrorLog(queue.name));
  }
  return {
    connection,
    prefix,
    inboundMail,
    outboundMail,
    escalation,
    async close() {
      await Promise.all([inboundMail.close(), outboundMail.close(), escalation.close()]);
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}

/** Deletes every Redis key under the queues' prefix; for the demo and tests, whose prefixes are their own. */
export async function deleteQueueKeys(queues: LiniaQueues): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await queues.connection.scan(cursor, 'MATCH', `${queues.prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) {
      await queues.connection.del(...keys);
    }
    cursor = next;
  } while (cursor !== '0');
}
