/**
 * Runs Linia's e-mail pipeline in the test process against the real local
 * servers: FerretDB (fresh database), Redis (fresh key prefix), Dovecot (fresh
 * mailbox), an in-process SMTP sink and the Slack Web API fake.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startSlackFake, DEFAULT_FAKE_TOKEN, type SlackFake } from '../../src/devtools/slack-fake.js';
import { startSmtpSink, type SmtpSink } from '../../src/devtools/smtp-sink.js';
import { importKbFolders } from '../../src/kb/kb-store.js';
import { setRootLogger } from '../../src/logging/logger.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { deleteQueueKeys } from '../../src/queues/queues.js';
import { resetStore } from '../../src/store/connection.js';
import { RawMessageModel, type RawMessage } from '../../src/store/raw-message.model.js';
import { createKbAnswerer } from '../../src/triage/kb-answerer.js';
import { startWorkers, stopWorkers, type WorkerName } from '../../src/cli/run-workers.js';
import type { WorkerHandle } from '../../workers/worker-handle.js';
import type { ImapWorkerHandle } from '../../workers/imap-watcher.worker.js';
import { appendMessage, createTestMailbox, deleteMailbox } from './imap-mailbox.js';
import { testServers, uniqueName } from './servers.js';

export const L2_CHANNEL = 'C0TESTL2';
export const L3_CHANNEL = 'C0TESTL3';
export const SUPPORT_ADDRESS = 'support@linia.test';
export const EXAMPLES_KB = path.resolve(__dirname, '..', '..', 'examples', 'kb');

export interface HarnessOptions {
  toL2After?: number;
  toL3After?: number;
  perSenderWindow?: number;
  maxMessageBytes?: number;
  workers?: WorkerName[];
}

export interface PipelineHarness {
  config: Config;
  runtime: Runtime;
  smtp: SmtpSink;
  slack: SlackFake;
  mailbox: string;
  /** Appends a message to the watched mailbox and returns its UID. */
  deliver(raw: Buffer | string): Promise<number>;
  /** Waits until the message with this UID has been processed and returns its stored record. */
  processed(uid: number, timeoutMs?: number): Promise<RawMessage>;
  startWorkers(names?: WorkerName[]): Promise<void>;
  stopWorkers(): Promise<void>;
  imapWatcher(): ImapWorkerHandle | undefined;
  close(): Promise<void>;
}

/**
 * Polls `check` until it returns a value other than undefined or the time runs out.
 * A check that throws (e.g. while a test has cut the store off) counts as not yet;
 * the last error is reported when the time runs out.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(100);
  }
}

export async function startPipeline(options: HarnessOptions = {}): Promise<PipelineHarness> {
  setRootLogger(pino({ level: process.env.LINIA_TEST_LOG_LEVEL ?? 'silent' }));
  const servers = testServers();
  const smtp = await startSmtpSink();
  const slack = await startSlackFake({ channels: { [L2_CHANNEL]: { name: 'l2' }, [L3_CHANNEL]: { name: 'l3' } } });
  const mailbox = uniqueName('Test');
  await createTestMailbox(mailbox);
  const config = loadConfig(
    {
      MONGODB_URI: `${servers.mongoBaseUri}/${uniqueName('linia_test')}`,
      REDIS_URL: servers.redisUrl,
      LINIA_QUEUE_PREFIX: uniqueName('q'),
      IMAP_HOST: servers.imap.host,
      IMAP_PORT: String(servers.imap.port),
      IMAP_SECURE: 'false',
      IMAP_USER: servers.imap.user,
      IMAP_PASSWORD: servers.imap.password,
      IMAP_MAILBOX: mailbox,
      LINIA_IMAP_POLL_SECONDS: '1',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: `Linia IT Support <${SUPPORT_ADDRESS}>`,
      MESSAGE_ID_DOMAIN: 'test.linia.test',
      SLACK_BOT_TOKEN: DEFAULT_FAKE_TOKEN,
      SLACK_API_URL: slack.url,
      LOG_LEVEL: process.env.LINIA_TEST_LOG_LEVEL ?? 'silent',
      // Tuning settings pass through, so a benchmark can compare them.
      LINIA_INBOUND_CONCURRENCY: process.env.LINIA_INBOUND_CONCURRENCY,
      LINIA_IMAP_BURST_POLL_MS: process.env.LINIA_IMAP_BURST_POLL_MS,
    },
    ['imap', 'smtp', 'slack'],
  );
  config.policy.escalation = { toL2After: options.toL2After ?? 3_600_000, toL3After: options.toL3After ?? 3_600_000 };
  config.policy.autoReply = { perSenderWindow: options.perSenderWindow ?? 3_600_000 };
  if (options.maxMessageBytes) {
    config.env.LINIA_MAX_MESSAGE_BYTES = options.maxMessageBytes;
  }
  config.policy.lines = {
    L2: { slackChannel: L2_CHANNEL, email: ['l2-agents@linia.test'] },
    L3: { slackChannel: L3_CHANNEL, email: ['l3-specialists@linia.test'] },
  };

  const runtime = await openRuntime(config);
  await resetStore();
  await importKbFolders([EXAMPLES_KB]);
  let handles: WorkerHandle[] = [];

  const harness: PipelineHarness = {
    config,
    runtime,
    smtp,
    slack,
    mailbox,
    deliver: (raw) => appendMessage(mailbox, Buffer.isBuffer(raw) ? raw : Buffer.from(raw)),
    processed: (uid, timeoutMs = 20_000) =>
      eventually(
        async () => {
          const raw = await RawMessageModel.findOne({ uid, status: 'done' }).lean<RawMessage>();
          return raw ?? undefined;
        },
        timeoutMs,
        `message UID ${uid} to be processed`,
      ),
    async startWorkers(names = options.workers ?? ['escalation', 'outbound-mail', 'inbound-mail', 'imap-watcher']) {
      handles = await startWorkers(runtime, names, createKbAnswerer(config));
    },
    async stopWorkers() {
      await stopWorkers(handles);
      handles = [];
    },
    imapWatcher: () => handles.find((handle) => handle.name === 'imap-watcher') as ImapWorkerHandle | undefined,
    async close() {
      await stopWorkers(handles);
      await deleteQueueKeys(runtime.queues);
      await mongoose.connection.dropDatabase().catch(() => undefined);
      await runtime.close();
      await deleteMailbox(mailbox).catch(() => undefined);
      await smtp.close();
      await slack.close();
    },
  };
  await harness.startWorkers();
  return harness;
}
