import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from 'pino';
import type { LiniaQueues } from '../../queues/queues.js';
import { classifyDelivery, storeDelivery } from './delivery.js';
import { enqueueDelivery } from './slack-jobs.js';
import { validateNewTicketView } from './slash-command.js';

/** Time the listener may spend storing and queueing; Slack wants an answer within 3 s. */
const LISTENER_BUDGET_MS = 2_500;
/** Path of the Events API, interactivity and slash-command requests (Bolt's default). */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackReceiverOptions {
  mode: 'http' | 'socket';
  botToken: string;
  /** Required in HTTP mode. */
  signingSecret?: string;
  /** Required in Socket Mode (xapp-…). */
  appToken?: string;
  /** Web API base URL with its trailing slash; only tests set it. */
  slackApiUrl?: string;
  host: string;
  port: number;
  queues: LiniaQueues;
  log: Logger;
}

export interface SlackReceiver {
  /** Port of the HTTP endpoint, or null in Socket Mode. */
  port: number | null;
  stop(): Promise<void>;
}

class ListenerTimeoutError extends Error {
  override readonly name = 'ListenerTimeoutError';
}

function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const write = (method: 'debug' | 'info' | 'warn' | 'error') => (...parts: unknown[]) => {
    log[method](parts.map((part) => (typeof part === 'string' ? part : String(part))).join(' '));
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

async function withinBudget<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ListenerTimeoutError(`storing the Slack delivery took over ${LISTENER_BUDGET_MS} ms`)), LISTENER_BUDGET_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Creates the Bolt app with the receiver of `mode`. Its only listener stores each
 * delivery under its deduplication keys, queues a job and acknowledges. All
 * work happens in the slack-events worker. Requests with a missing, forged or
 * stale signature (over 5 minutes old) are answered 401 by Bolt's HTTPReceiver
 * before they reach the listener.
 */
export function createSlackApp(options: SlackReceiverOptions): { app: App; receiver: HTTPReceiver | SocketModeReceiver } {
  const logger = boltLogger(options.log);
  const clientOptions = options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {};
  const receiver =
    options.mode === 'http'
      ? new HTTPReceiver({
          signingSecret: options.signingSecret ?? '',
          endpoints: [SLACK_EVENTS_PATH],
          // The response waits until the delivery is stored and queued, so a store
          // outage answers 500 and Slack retries the event instead of losing it.
          processBeforeResponse: true,
          logger,
        })
      : new SocketModeReceiver({ appToken: options.appToken ?? '', logger, installerOptions: { clientOptions } });
  const app = new App({ token: options.botToken, receiver, logger, clientOptions });

  app.use(async (args) => {
    const body = args.body as unknown as Record<string, unknown>;
    const ack = 'ack' in args && typeof args.ack === 'function' ? (args.ack as (response?: unknown) => Promise<void>) : null;
    const classified = classifyDelivery(body, args.context.botUserId);
    if ('ignore' in classified) {
      options.log.debug({ reason: classified.ignore }, 'Slack delivery ignored');
      await ack?.();
      return;
    }
    const delivery = classified.store;
    if (delivery.kind === 'view') {
      const errors = validateNewTicketView(body);
      if (errors) {
        await ack?.({ response_action: 'errors', errors });
        return;
      }
    }
    const retryNum = args.context.retryNum ?? 0;
    const { id, stored } = await withinBudget(
      storeDelivery(delivery, retryNum).then(async (result) => {
        // Queued again for a repeat too: BullMQ ignores a known job id, and a repeat
        // after a failed enqueue gets its job this time.
        await enqueueDelivery(options.queues, result.id);
        return result;
      }),
    );
    options.log.info({ slackEventId: id, eventId: delivery.eventId, type: delivery.type, retryNum, duplicate: !stored }, 'Slack delivery queued');
    await ack?.();
  });

  app.error(async (error) => {
    options.log.error({ err: error }, 'Slack listener failed');
    // Re-thrown, so the HTTP receiver answers 500 and Slack retries the event.
    throw error;
  });
  return { app, receiver };
}

/** Creates the app and starts its receiver: an HTTP server on host:port, or a Socket Mode connection. */
export async function startSlackReceiver(options: SlackReceiverOptions): Promise<SlackReceiver> {
  const { app } = createSlackApp(options);
  if (options.mode === 'http') {
    const server = (await app.start({ port: options.port, host: options.host })) as Server;
    const port = (server.address() as AddressInfo).port;
    options.log.info({ host: options.host, port, path: SLACK_EVENTS_PATH }, 'Slack HTTP receiver listening');
    return { port, stop: () => app.stop() as Promise<void> };
  }
  await app.start();
  options.log.info('Slack Socket Mode connection open');
  return { port: null, stop: () => app.stop() as Promise<void> };
}
