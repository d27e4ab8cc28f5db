import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import { DEFAULT_JOB_OPTIONS, throttledErrorLog, type LiniaQueues } from '../../queues/queues.js';

/** Queue of Slack work: stored deliveries, mirrored requester replies and delivery confirmations. */
export const SLACK_QUEUE_NAME = 'slack-events';

/** A stored Slack delivery (event, button click, slash command, modal submission) to handle. */
export interface SlackDeliveryJob {
  slackEventId: string;
}

/** A requester's reply (e-mail or Slack) to post into the ticket's agent thread. */
export interface MirrorReplyJob {
  ticketId: string;
  channel: 'email' | 'slack';
  messageKey: string;
}

/** An agent reply sent by e-mail whose outcome is reported in the agent thread once known. */
export interface ConfirmDeliveryJob {
  ticketId: string;
  messageKey: string;
  agentChannel: string;
  agentThreadTs: string;
}

export type SlackJob =
  | { name: 'delivery'; data: SlackDeliveryJob }
  | { name: 'mirror'; data: MirrorReplyJob }
  | { name: 'confirm'; data: ConfirmDeliveryJob };

export type SlackJobData = SlackDeliveryJob | MirrorReplyJob | ConfirmDeliveryJob;

/**
 * Attempts of a delivery confirmation. It retries while the mail is pending, with
 * exponential backoff from 1 s, so the last attempt comes about 4.5 hours after
 * the first one, long after the outbound worker's own retries (about 17 minutes) end.
 */
export const CONFIRM_ATTEMPTS = 14;

const queuesByRuntime = new WeakMap<LiniaQueues, Queue<SlackJobData>>();

/**
 * Returns the Slack queue on the runtime's shared Redis connection, created once
 * per LiniaQueues. It shares their prefix, so tests' fresh prefixes cover it too.
 */
export function slackQueue(queues: LiniaQueues): Queue<SlackJobData> {
  let queue = queuesByRuntime.get(queues);
  if (!queue) {
    queue = new Queue<SlackJobData>(SLACK_QUEUE_NAME, {
      connection: queues.connection,
      prefix: queues.prefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    queue.on('error', throttledErrorLog(SLACK_QUEUE_NAME));
    queuesByRuntime.set(queues, queue);
  }
  return queue;
}

/** Closes the Slack queue of these queues, if one was opened; call before closing the queues. */
export async function closeSlackQueue(queues: LiniaQueues): Promise<void> {
  const queue = queuesByRuntime.get(queues);
  if (queue) {
    queuesByRuntime.delete(queues);
    await queue.close();
  }
}

/** BullMQ rejects `:` in custom job ids, so natural keys are hashed. */
function hashed(prefix: string, key: string): string {
  return `${prefix}-${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

export function deliveryJobId(slackEventId: string): string {
  return `slk-${slackEventId}`;
}

export async function enqueueDelivery(queues: LiniaQueues, slackEventId: string): Promise<void> {
  await slackQueue(queues).add('delivery', { slackEventId }, { jobId: deliveryJobId(slackEventId) });
}

/** Queues the mirroring of a requester's reply into the agent thread; the job id is keyed by the message. */
export async function enqueueMirror(queues: LiniaQueues, job: MirrorReplyJob): Promise<void> {
  await slackQueue(queues).add('mirror', job, { jobId: hashed('mir', `${job.channel}:${job.messageKey}`) });
}

export async function enqueueConfirmation(queues: LiniaQueues, job: ConfirmDeliveryJob): Promise<void> {
  const options: JobsOptions = {
    jobId: hashed('cnf', job.messageKey),
    attempts: CONFIRM_ATTEMPTS,
    backoff: { type: 'exponential', delay: 1_000 },
  };
  await slackQueue(queues).add('confirm', job, options);
}
