import { setTimeout as sleep } from 'node:timers/promises';
import type { WebClient } from '@slack/web-api';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import { createAgentDirectory } from '../src/agents/membership.js';
import { confirmEmailDelivery } from '../src/agents/delivery-confirmation.js';
import { mirrorRequesterReply } from '../src/agents/requester-mirror.js';
import { handleSlackDelivery } from '../src/channels/slack/dispatch.js';
import { isPermanentSlackError, type SlackWorkDeps } from '../src/channels/slack/slack-deps.js';
import { startSlackReceiver } from '../src/channels/slack/slack-app.js';
import {
  closeSlackQueue,
  deliveryJobId,
  SLACK_QUEUE_NAME,
  slackQueue,
  type ConfirmDeliveryJob,
  type MirrorReplyJob,
  type SlackDeliveryJob,
  type SlackJobData,
} from '../src/channels/slack/slack-jobs.js';
import { ConfigError } from '../src/config/index.js';
import { getLogger } from '../src/logging/logger.js';
import { createRedisConnection, throttledErrorLog } from '../src/queues/queues.js';
import type { Runtime } from '../src/runtime/runtime.js';
import { SlackEventModel } from '../src/store/slack-event.model.js';
import type { FirstLineAnswerer } from '../src/tickets/first-line-reply.js';
import { queueWorkerHandle, type WorkerHandle } from './worker-handle.js';

/** Slack jobs run at once by one process; most of their time is spent waiting for Slack and the store. */
const CONCURRENCY = 4;

/** Queues a job for every stored delivery still pending, e.g. after Redis lost its queue. */
export async function requeuePendingSlackDeliveries(runtime: Runtime): Promise<number> {
  const pending = await SlackEventModel.find({ status: 'pending' }, { _id: 1 }).lean();
  const queue = slackQueue(runtime.queues);
  for (const delivery of pending) {
    const slackEventId = delivery._id.toHexString();
    const existing = await queue.getJob(deliveryJobId(slackEventId));
    if (existing && (await existing.isFailed())) {
      await existing.retry();
      continue;
    }
    await queue.add('delivery', { slackEventId }, { jobId: deliveryJobId(slackEventId) });
  }
  return pending.length;
}

/** Attempts at auth.test when the worker starts, with waits of 1, 2, 4 … up to 30 s between them. */
const IDENTITY_ATTEMPTS = 10;

/**
 * Returns the bot's identity. A rate limit or a Slack outage while the worker
 * starts is waited out instead of stopping the process; a rejected token is not.
 */
async function botIdentity(slack: WebClient, log: Logger): Promise<{ user_id?: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await slack.auth.test();
    } catch (error) {
      if (isPermanentSlackError(error) || attempt >= IDENTITY_ATTEMPTS) {
        throw error;
      }
      log.warn({ attempt, err: error }, 'Slack auth.test failed while starting; retrying');
      await sleep(Math.min(30_000, 1000 * 2 ** (attempt - 1)));
    }
  }
}

/**
 * Handles the Slack queue: stored deliveries (messages, buttons, the slash
 * command, the modal), requester replies to mirror into agent threads, and
 * confirmations of agents' e-mail replies.
 */
export async function startSlackEventsWorker(runtime: Runtime, answerer: FirstLineAnswerer): Promise<WorkerHandle> {
  const log = getLogger('slack-events-worker');
  const slack = runtime.slack;
  if (!slack) {
    throw new ConfigError(['SLACK_BOT_TOKEN: missing; the slack-events worker needs the Bot User OAuth Token (xoxb-…)']);
  }
  const identity = await botIdentity(slack, log);
  const deps: SlackWorkDeps = {
    config: runtime.config,
    queues: runtime.queues,
    slack,
    log,
    answerer,
    botUserId: identity.user_id ?? '',
    agents: createAgentDirectory(slack, runtime.config, log),
  };
  const connection = createRedisConnection(runtime.config.env.REDIS_URL);
  const worker = new Worker<SlackJobData>(
    SLACK_QUEUE_NAME,
    async (job) => {
      switch (job.name) {
        case 'delivery':
          return handleSlackDelivery((job.data as SlackDeliveryJob).slackEventId, deps);
        case 'mirror':
          return mirrorRequesterReply(job.data as MirrorReplyJob, deps);
        case 'confirm':
          return confirmEmailDelivery(job.data as ConfirmDeliveryJob, job.attemptsMade, deps);
        default:
          log.warn({ jobId: job.id, name: job.name }, 'unknown Slack job; skipped');
          return 'unknown job';
      }
    },
    { connection, prefix: runtime.queues.prefix, concurrency: CONCURRENCY },
  );
  worker.on('failed', (job, error) => {
    const waiting = error.name === 'DeliveryNotYetKnownError' || error.name === 'SlackParentPendingError';
    log[waiting ? 'info' : 'error']({ jobId: job?.id, name: job?.name, attempt: job?.attemptsMade, err: error }, waiting ? 'Slack job waits for an earlier delivery; retrying' : 'Slack job failed');
  });
  worker.on('error', throttledErrorLog(`${SLACK_QUEUE_NAME} worker`));
  const requeued = await requeuePendingSlackDeliveries(runtime);
  log.info({ requeued, botUserId: deps.botUserId }, 'slack-events worker started');
  const handle = queueWorkerHandle('slack-events', worker, connection, log);
  return {
    ...handle,
    async close() {
      await handle.close();
      await closeSlackQueue(runtime.queues);
    },
  };
}

/** Lists what the receiver's mode needs and is missing. */
export function slackReceiverProblems(env: Runtime['config']['env']): string[] {
  const problems: string[] = [];
  if (!env.SLACK_BOT_TOKEN) {
    problems.push('SLACK_BOT_TOKEN: missing; copy the Bot User OAuth Token (xoxb-…) from the Slack app settings');
  }
  if (env.SLACK_MODE === 'http' && !env.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_SIGNING_SECRET: missing while SLACK_MODE=http; copy the Signing Secret from Basic Information in the Slack app settings');
  }
  if (env.SLACK_MODE === 'socket' && !env.SLACK_APP_TOKEN) {
    problems.push('SLACK_APP_TOKEN: missing while SLACK_MODE=socket; create an app-level token (xapp-…) with the connections:write scope');
  }
  return problems;
}

/** Starts the Bolt receiver (HTTP endpoint or Socket Mode), which stores and queues each Slack delivery. */
export async function startSlackReceiverWorker(runtime: Runtime): Promise<WorkerHandle & { port: number | null }> {
  const log = getLogger('slack-receiver');
  const { env } = runtime.config;
  const problems = slackReceiverProblems(env);
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const receiver = await startSlackReceiver({
    mode: env.SLACK_MODE,
    botToken: env.SLACK_BOT_TOKEN ?? '',
    signingSecret: env.SLACK_SIGNING_SECRET,
    appToken: env.SLACK_APP_TOKEN,
    slackApiUrl: env.SLACK_API_URL,
    host: env.SLACK_HOST,
    port: env.SLACK_PORT,
    queues: runtime.queues,
    log,
  });
  return {
    name: 'slack-receiver',
    port: receiver.port,
    async close() {
      await receiver.stop();
      log.info('slack-receiver stopped');
    },
  };
}
