import { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { getLogger, setLogLevel } from '../logging/logger.js';
import { createSmtpMailer, type Mailer } from '../outbound/mailer.js';
import { openQueues, type LiniaQueues } from '../queues/queues.js';
import { connectStore, disconnectStore } from '../store/connection.js';

/** Shared connections of one Linia process; each worker takes what it needs. */
export interface Runtime {
  config: Config;
  queues: LiniaQueues;
  log: Logger;
  slack: WebClient | null;
  mailer: Mailer | null;
  close(): Promise<void>;
}

/** Slack calls retried inside the client; the job itself is retried by BullMQ after that. */
const SLACK_CLIENT_RETRIES = 3;

export function createSlackClient(config: Config): WebClient | null {
  if (!config.env.SLACK_BOT_TOKEN) {
    return null;
  }
  return new WebClient(config.env.SLACK_BOT_TOKEN, {
    slackApiUrl: config.env.SLACK_API_URL,
    retryConfig: { retries: SLACK_CLIENT_RETRIES, factor: 2, minTimeout: 500, maxTimeout: 10_000 },
    rejectRateLimitedCalls: false,
  });
}

/** Connects the store, opens the queues and builds the SMTP and Slack clients the config enables. */
export async function openRuntime(config: Config): Promise<Runtime> {
  setLogLevel(config.env.LOG_LEVEL);
  const log = getLogger('runtime');
  await connectStore(config.env.MONGODB_URI, { ferretdbPostgresUrl: config.env.FERRETDB_POSTGRESQL_URL });
  const queues = openQueues(config.env.REDIS_URL, config.env.LINIA_QUEUE_PREFIX);
  const mailer = config.env.SMTP_HOST ? createSmtpMailer(config.env) : null;
  const slack = createSlackClient(config);
  return {
    config,
    queues,
    log,
    slack,
    mailer,
    async close() {
      mailer?.close();
      await queues.close();
      await disconnectStore();
    },
  };
}
