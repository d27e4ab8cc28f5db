import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, message, readServicesEnv, type CliLanguage, type Config } from '../config/index.js';
import { startSlackFake, DEFAULT_FAKE_TOKEN, type SlackFake } from '../devtools/slack-fake.js';
import { startSmtpSink, type SmtpSink } from '../devtools/smtp-sink.js';
import { storeRawMessage } from '../channels/email/raw-store.js';
import { importKbFolders } from '../kb/kb-store.js';
import { inboundJobId } from '../queues/job-ids.js';
import { deleteQueueKeys } from '../queues/queues.js';
import { openRuntime, type Runtime } from '../runtime/runtime.js';
import { resetStore } from '../store/connection.js';
import { EscalationModel } from '../store/escalation.model.js';
import { MessageModel } from '../store/message.model.js';
import { RawMessageModel } from '../store/raw-message.model.js';
import { TicketModel } from '../store/ticket.model.js';
import { createKbAnswerer } from '../triage/kb-answerer.js';
import { INTAKE_ACTIONS, type IntakeAction } from '../tickets/intake-result.js';
import { appendFiles, deleteMailbox, findEmlFiles, type ImapAccount } from './demo-mailbox.js';
import { startWorkers, stopWorkers } from './run-workers.js';

export interface DemoOptions {
  emails: string;
  kb: string[];
  json: boolean;
  /** Escalation timers of the demo, much shorter than a real policy's. */
  toL2After: number;
  toL3After: number;
  /** Maximum wait for the pipeline to settle, in milliseconds. */
  timeoutMs: number;
  language: CliLanguage;
  /** Database the demo empties and fills; `linia_demo` by default. */
  database?: string;
  /** Stops waiting (Ctrl+C); the demo then cleans up and reports what it has. */
  signal?: AbortSignal;
}

export interface DemoRow {
  file: string;
  ticket: number | null;
  action: IntakeAction;
  reason: string | null;
  article: string | null;
}

export interface DemoEscalation {
  ticket: number;
  line: string;
  slackChannel: string | null;
  posted: boolean;
  at: Date;
}

export interface DemoReport {
  rows: DemoRow[];
  escalations: DemoEscalation[];
  summary: Record<IntakeAction, number>;
  repliesSent: number;
  database: string;
}

const DEMO_L2_CHANNEL = 'C0DEMOL2';
const DEMO_L3_CHANNEL = 'C0DEMOL3';
/** How often the demo checks whether the pipeline has settled. */
const POLL_MS = 250;

function demoDatabaseUri(uri: string, database: string): string {
  const url = new URL(uri);
  url.pathname = `/${database}`;
  return url.toString();
}

function demoConfig(smtp: SmtpSink, slack: SlackFake, mailbox: string, runId: string, options: DemoOptions): Config {
  const services = readServicesEnv();
  const base = { ...process.env, ...services };
  const config = loadConfig(
    {
      ...base,
      MONGODB_URI: demoDatabaseUri(base.MONGODB_URI || 'mongodb://127.0.0.1:27017/linia', options.database ?? 'linia_demo'),
      LINIA_QUEUE_PREFIX: `linia-demo-${runId}`,
      LINIA_POLICY_FILE: '',
      IMAP_MAILBOX: mailbox,
      IMAP_SECURE: base.IMAP_SECURE ?? 'false',
      LINIA_IMAP_POLL_SECONDS: '2',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_SECURE: 'false',
      SMTP_USER: '',
      SMTP_PASSWORD: '',
      MAIL_FROM: 'Linia IT Support <support@linia.test>',
      MESSAGE_ID_DOMAIN: 'demo.linia.test',
      SLACK_BOT_TOKEN: DEFAULT_FAKE_TOKEN,
      SLACK_API_URL: slack.url,
      LOG_LEVEL: base.LOG_LEVEL || 'warn',
    },
    ['imap', 'smtp', 'slack'],
  );
  config.policy.escalation = { toL2After: options.toL2After, toL3After: options.toL3After };
  config.policy.lines = {
    L2: { slackChannel: DEMO_L2_CHANNEL, email: ['l2-agents@linia.test'] },
    L3: { slackChannel: DEMO_L3_CHANNEL, email: ['l3-specialists@linia.test'] },
  };
  return config;
}

function imapAccount(config: Config): ImapAccount {
  const { env } = config;
  return { host: env.IMAP_HOST!, port: env.IMAP_PORT, secure: env.IMAP_SECURE, user: env.IMAP_USER!, password: env.IMAP_PASSWORD! };
}

async function waitUntil(check: () => Promise<boolean>, deadline: number, signal?: AbortSignal): Promise<boolean> {
  while (Date.now() < deadline && !signal?.aborted) {
    if (await check()) {
      return true;
    }
    await sleep(POLL_MS);
  }
  return check();
}

/**
 * Stores the messages the IMAP server refused straight into the raw store, under a
 * `file:` mailbox, so they still go through intake and are accounted for.
 */
async function ingestRefused(runtime: Runtime, refused: { file: string; index: number }[], mailbox: string): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  for (const { file, index } of refused) {
    const bytes = await readFile(file);
    const stored = await storeRawMessage({
      mailbox: `file:${mailbox}`,
      uidValidity: 1,
      uid: index + 1,
      size: bytes.length,
      raw: bytes.length > runtime.config.env.LINIA_MAX_MESSAGE_BYTES ? null : bytes,
      headerText: bytes.subarray(0, 8_000).toString('latin1').split(/\r?\n\r?\n/)[0] ?? '',
    });
    const rawMessageId = stored._id.toHexString();
    await runtime.queues.inboundMail.add(
      'process',
      { rawMessageId, sourceKey: `file:${mailbox}:1:${index + 1}` },
      { jobId: inboundJobId(rawMessageId) },
    );
  }
}

/**
 * Runs the whole pipeline on a folder of e-mails: a fresh demo database, a fresh
 * IMAP mailbox, an in-process SMTP sink and Slack fake, short escalation timers.
 * Returns what happened to each mail and which escalations fired.
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const files = await findEmlFiles(options.emails);
  if (files.length === 0) {
    throw new Error(`${message('demoNoMail', options.language)} ${options.emails}`);
  }
  const smtp = await startSmtpSink();
  const slack = await startSlackFake({
    channels: { [DEMO_L2_CHANNEL]: { name: 'it-support-l2' }, [DEMO_L3_CHANNEL]: { name: 'it-support-l3' } },
  });
  const runId = `${new Date().toISOString().replace(/[^0-9]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
  const mailbox = `Demo-${runId}`;
  const config = demoConfig(smtp, slack, mailbox, runId, options);
  const account = imapAccount(config);
  const runtime = await openRuntime(config);
  const database = runtime.config.env.MONGODB_URI;
  const runLock = `linia-demo:running:${new URL(database).host}${new URL(database).pathname}`;
  let workers: Awaited<ReturnType<typeof startWorkers>> = [];
  let locked = false;
  try {
    // Two demos on one database would empty and read each other's data.
    locked = (await runtime.queues.connection.set(runLock, runId, 'PX', options.timeoutMs + 120_000, 'NX')) === 'OK';
    if (!locked) {
      throw new Error(`another demo is running on ${new URL(database).pathname.slice(1)}; wait for it to finish`);
    }
    await resetStore();
    await importKbFolders(options.kb);
    const appended = await appendFiles(account, mailbox, files);
    const refused = appended.flatMap((outcome, index) => (outcome.uid === null ? [{ file: outcome.file, index }] : []));
    workers = await startWorkers(runtime, ['escalation', 'outbound-mail', 'inbound-mail', 'imap-watcher'], createKbAnswerer(config));
    await ingestRefused(runtime, refused, mailbox);

    const deadline = Date.now() + options.timeoutMs;
    const { signal } = options;
    await waitUntil(async () => (await RawMessageModel.countDocuments({ status: 'done' })) >= files.length, deadline, signal);
    const lastTicket = await TicketModel.findOne({}, { createdAt: 1 }).sort({ createdAt: -1 }).lean();
    const lastCreated = (lastTicket as { createdAt?: Date } | null)?.createdAt?.getTime() ?? Date.now();
    const escalationsDue = lastCreated + options.toL2After + options.toL3After;
    if (escalationsDue < deadline) {
      await waitUntil(async () => Date.now() > escalationsDue && (await pipelineIdle()), Math.min(deadline, escalationsDue + 30_000), signal);
    } else {
      // The timers outlast the demo: wait only for the replies to go out.
      await waitUntil(async () => (await pendingMail()) === 0, deadline, signal);
    }

    return await collectReport(appended, options, runtime, smtp);
  } finally {
    await stopWorkers(workers);
    await deleteQueueKeys(runtime.queues).catch(() => undefined);
    if (locked) {
      await runtime.queues.connection.del(runLock).catch(() => undefined);
    }
    await runtime.close();
    await deleteMailbox(account, mailbox).catch(() => undefined);
    await smtp.close();
    await slack.close();
  }
}

/** True when no outbound mail is pending and every open ticket has reached L3 with its post made. */
async function pipelineIdle(): Promise<boolean> {
  const openBelowL3 = await TicketModel.countDocuments({ status: { $nin: ['resolved', 'closed'] }, line: { $ne: 'L3' } });
  return openBelowL3 === 0 && (await pendingMail()) === 0;
}

function pendingMail(): Promise<number> {
  return MessageModel.countDocuments({ direction: 'out', status: 'pending' });
}

async function collectReport(
  appended: { file: string; uid: number | null }[],
  options: DemoOptions,
  runtime: Runtime,
  smtp: SmtpSink,
): Promise<DemoReport> {
  const raws = await RawMessageModel.find({}, { mailbox: 1, uid: 1, result: 1, status: 1 }).lean();
  const byKey = new Map(raws.map((raw) => [`${raw.mailbox.startsWith('file:') ? 'file' : 'imap'}:${raw.uid}`, raw]));
  const summary = Object.fromEntries(INTAKE_ACTIONS.map((action) => [action, 0])) as Record<IntakeAction, number>;
  const rows: DemoRow[] = appended.map((outcome, index) => {
    const raw = outcome.uid !== null ? byKey.get(`imap:${outcome.uid}`) : byKey.get(`file:${index + 1}`);
    const file = path.relative(options.emails, outcome.file).split(path.sep).join('/');
    if (!raw || raw.status !== 'done' || !raw.result?.action) {
      return { file, ticket: null, action: 'quarantined', article: null, reason: 'not processed before the demo timed out' };
    }
    const action = raw.result.action as IntakeAction;
    return { file, ticket: raw.result.ticketNumber ?? null, action, reason: raw.result.reason ?? null, article: raw.result.articleId ?? null };
  });
  for (const row of rows) {
    summary[row.action] += 1;
  }
  const escalationRecords = await EscalationModel.find({}).sort({ createdAt: 1 }).lean();
  const escalations = escalationRecords.map((record) => ({
    ticket: record.ticketNumber,
    line: record.line,
    slackChannel: record.slack?.channel ?? null,
    posted: Boolean(record.slack?.ts),
    at: (record as { createdAt?: Date }).createdAt ?? new Date(),
  }));
  return { rows, escalations, summary, repliesSent: smtp.messages().length, database: new URL(runtime.config.env.MONGODB_URI).pathname.slice(1) };
}
