/**
 * `npm run test:faults`: drives a seeded stream of mail through Linia's workers,
 * each a separate `linia worker` process, while servers and workers are killed
 * and restarted, then checks from the store, the SMTP sink and the Slack fake
 * that nothing was lost or doubled. Prints the seed and the counts; exits 1 on
 * any loss or duplicate.
 *
 * FAULT_SEED (default: random, printed), FAULT_MESSAGES (default 1000).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import mongoose from 'mongoose';
import pino from 'pino';
import { startSlackFake, DEFAULT_FAKE_TOKEN, type SlackFake } from '../../src/devtools/slack-fake.js';
import { startSmtpSink, type SmtpSink } from '../../src/devtools/smtp-sink.js';
import { importKbFolders } from '../../src/kb/kb-store.js';
import { setRootLogger } from '../../src/logging/logger.js';
import { connectStore, disconnectStore } from '../../src/store/connection.js';
import { startFaultStack, type FaultStack } from './fault-stack.js';
import { buildStream, REJECTED_DOMAIN, seededRandom, type StreamMessage } from './mail-stream.js';
import { WorkerPool } from './worker-pool.js';
import { buildSlackStream, deliverSlackEvent, type SlackStreamMessage } from './slack-stream.js';
import { TEST_SIGNING_SECRET } from '../support/slack-requests.js';
import { SLACK_EVENTS_PATH } from '../../src/channels/slack/slack-app.js';
import { freePort } from './fault-stack.js';
import { checkOutcome, type FaultCounts } from './fault-checks.js';

const ROOT = path.resolve(__dirname, '..', '..', '..');
export const L2_CHANNEL = 'C0FAULTL2';
export const L3_CHANNEL = 'C0FAULTL3';
export const L2_GROUP = 'l2-agents@linia.test';
const WORKERS = ['imap-watcher', 'inbound-mail', 'outbound-mail', 'escalation', 'slack-receiver', 'slack-events'] as const;
/** Share of the stream that arrives as Slack direct messages instead of mail. */
const SLACK_SHARE = 0.2;
/** Folder of the fault Dovecot where the SMTP sink files copies of accepted mail. */
const SENT_FOLDER = 'Sent';
/** Stream rate: messages appended to the mailbox per second. */
const RATE = 12;
/** Escalation timer of the run, short enough that many tickets reach L2 during it. */
const TO_L2_SECONDS = 25;

function setting(name: string, fallback: number): number {
  const text = process.env[name];
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${text}"`);
  return value;
}

function say(text: string): void {
  process.stdout.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

/** Appends with one connection, reconnecting (and retrying the message) when Dovecot restarts. */
class Appender {
  private client: ImapFlow | null = null;
  retries = 0;

  constructor(private readonly imap: FaultStack['imap']) {}

  private async connect(): Promise<ImapFlow> {
    const client = new ImapFlow({
      host: this.imap.host,
      port: this.imap.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: this.imap.user, pass: this.imap.password },
      logger: false,
    });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async append(raw: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.client ??= await this.connect();
        await this.client.append('INBOX', Buffer.from(raw));
        return;
      } catch (error) {
        this.client?.close();
        this.client = null;
        this.retries++;
        if (attempt > 100) throw error;
        await sleep(200);
      }
    }
  }

  async close(): Promise<void> {
    await this.client?.logout().catch(() => undefined);
  }
}

function writePolicy(dir: string): string {
  const file = path.join(dir, 'policy.yml');
  writeFileSync(
    file,
    [
      'kb:',
      `  folders: [${JSON.stringify(path.join(ROOT, 'examples', 'kb'))}]`,
      'escalation:',
      `  toL2After: ${TO_L2_SECONDS}s`,
      '  toL3After: 2h',
      'lines:',
      '  L2:',
      `    slackChannel: ${L2_CHANNEL}`,
      `    email: [${L2_GROUP}]`,
      '  L3:',
      `    slackChannel: ${L3_CHANNEL}`,
      '    email: [l3-specialists@linia.test]',
      'autoReply:',
      '  perSenderWindow: 1h',
      '',
    ].join('\n'),
  );
  return file;
}

interface FaultPlan {
  at: number;
  name: string;
  run: () => Promise<void> | void;
}

function planFaults(random: () => number, durationMs: number, stack: FaultStack, smtp: SmtpSink, slack: SlackFake, pool: WorkerPool, rejected: string[]): FaultPlan[] {
  const plan: FaultPlan[] = [];
  const reject = () => rejected.forEach((address) => smtp.rejectRecipient(address, 550));
  // At least 60 SIGKILLs spread over the stream, each worker kind in turn at a random point.
  const kills = 64;
  for (let index = 0; index < kills; index++) {
    const name = WORKERS[index % WORKERS.length] as string;
    const at = Math.floor(((index + random()) / kills) * durationMs);
    plan.push({ at, name: `kill -9 ${name}`, run: () => void pool.kill(name, 200 + Math.floor(random() * 1500)) });
  }
  plan.push({ at: Math.floor(durationMs * 0.2), name: 'SMTP answers 451', run: () => smtp.failNext(451, 'Requested action aborted: try again later', 1_000_000) });
  plan.push({ at: Math.floor(durationMs * 0.3), name: 'SMTP recovers', run: () => { smtp.resetFaults(); reject(); } });
  plan.push({ at: Math.floor(durationMs * 0.35), name: 'restart Redis', run: () => stack.restartRedis() });
  plan.push({ at: Math.floor(durationMs * 0.5), name: 'restart the store', run: () => stack.restartStore() });
  plan.push({ at: Math.floor(durationMs * 0.6), name: 'SMTP answers 421', run: () => smtp.failNext(421, 'Service not available, closing channel', 1_000_000) });
  plan.push({ at: Math.floor(durationMs * 0.66), name: 'SMTP recovers', run: () => { smtp.resetFaults(); reject(); } });
  plan.push({ at: Math.floor(durationMs * 0.75), name: 'restart Dovecot', run: () => stack.restartImap() });
  for (let index = 0; index < 6; index++) {
    plan.push({ at: Math.floor(random() * durationMs), name: 'Slack answers 429', run: () => slack.rateLimitNext(3, 1) });
    plan.push({ at: Math.floor(random() * durationMs), name: 'Slack answers 500', run: () => slack.failNext(2, 500) });
  }
  return plan.sort((a, b) => a.at - b.at);
}

async function main(): Promise<void> {
  setRootLogger(pino({ level: 'silent' }));
  const seed = process.env.FAULT_SEED ? setting('FAULT_SEED', 0) : Math.floor(Math.random() * 2 ** 31);
  const count = setting('FAULT_MESSAGES', 1000);
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  say(`seed ${seed}, ${count} messages (repeat with FAULT_SEED=${seed})`);

  const slackCount = Math.round(count * SLACK_SHARE);
  const stream: StreamMessage[] = buildStream(seed, count - slackCount, runId);
  const random = seededRandom(seed ^ 0x5eed);
  const stack = await startFaultStack(runId);
  const smtp = await startSmtpSink();
  const slack = await startSlackFake({ channels: { [L2_CHANNEL]: { name: 'l2' }, [L3_CHANNEL]: { name: 'l3' } } });
  const slackStream: SlackStreamMessage[] = await buildSlackStream(seed, slackCount, slack);
  const slackPort = await freePort();
  const slackUrl = `http://127.0.0.1:${slackPort}${SLACK_EVENTS_PATH}`;
  let slackRetries = 0;
  const workDir = path.join(tmpdir(), `linia-faults-${runId}`);
  (await import('node:fs')).mkdirSync(workDir, { recursive: true });
  const logFile = path.join(workDir, 'workers.log');
  let pool: WorkerPool | null = null;
  let counts: FaultCounts | null = null;
  try {
    const rejected = stream.filter((message) => message.from.endsWith(`@${REJECTED_DOMAIN}`)).map((message) => message.from);
    rejected.forEach((address) => smtp.rejectRecipient(address, 550));
    // Like a hosted relay, the sink files each accepted mail in the Sent folder, where a retried send looks first.
    await smtp.fileCopiesIn({ ...stack.imap, mailbox: SENT_FOLDER });

    await connectStore(stack.mongoUri);
    await importKbFolders([path.join(ROOT, 'examples', 'kb')]);
    await disconnectStore();

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      MONGODB_URI: stack.mongoUri,
      REDIS_URL: stack.redisUrl,
      LINIA_QUEUE_PREFIX: 'faults',
      LINIA_POLICY_FILE: writePolicy(workDir),
      IMAP_HOST: stack.imap.host,
      IMAP_PORT: String(stack.imap.port),
      IMAP_SECURE: 'false',
      IMAP_USER: stack.imap.user,
      IMAP_PASSWORD: stack.imap.password,
      LINIA_IMAP_POLL_SECONDS: '2',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_SENT_MAILBOX: SENT_FOLDER,
      MAIL_FROM: 'Linia IT Support <support@linia.test>',
      MESSAGE_ID_DOMAIN: 'faults.linia.test',
      SLACK_BOT_TOKEN: DEFAULT_FAKE_TOKEN,
      SLACK_API_URL: slack.url,
      SLACK_MODE: 'http',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_HOST: '127.0.0.1',
      SLACK_PORT: String(slackPort),
      LOG_LEVEL: 'info',
      LINIA_SHUTDOWN_TIMEOUT_MS: '30000',
    };
    pool = WorkerPool.create(WORKERS, env, logFile);
    pool.startAll();
    say(`workers started (logs: ${logFile})`);

    const durationMs = Math.ceil((stream.length / RATE) * 1000);
    const plan = planFaults(random, durationMs, stack, smtp, slack, pool, rejected);
    const appender = new Appender(stack.imap);
    const started = Date.now();
    let next = 0;
    const faultsDone: string[] = [];
    const faultRunner = (async () => {
      for (const fault of plan) {
        const wait = started + fault.at - Date.now();
        if (wait > 0) await sleep(wait);
        await fault.run();
        if (!fault.name.startsWith('kill')) say(fault.name);
        faultsDone.push(fault.name);
      }
    })();
    const slackSender = (async () => {
      let sent = 0;
      for (const message of slackStream) {
        const wait = started + (sent++ * durationMs) / Math.max(1, slackStream.length) - Date.now();
        if (wait > 0) await sleep(wait);
        slackRetries += await deliverSlackEvent(slackUrl, message);
      }
    })();
    // Awaited below; until then a failure must not end the process before the finally block stops the workers.
    faultRunner.catch(() => undefined);
    slackSender.catch(() => undefined);
    for (const message of stream) {
      const wait = started + (next++ * 1000) / RATE - Date.now();
      if (wait > 0) await sleep(wait);
      await appender.append(message.raw);
    }
    await appender.close();
    await slackSender;
    await faultRunner;
    smtp.resetFaults();
    rejected.forEach((address) => smtp.rejectRecipient(address, 550));
    say(`stream sent in ${((Date.now() - started) / 1000).toFixed(0)} s: ${stream.length} mails, ${slackStream.length} Slack events; ${pool.totalKills()} worker kills; ${appender.retries} IMAP append and ${slackRetries} Slack event retries`);

    await connectStore(stack.mongoUri);
    counts = await checkOutcome({ stream, slackStream, smtp, slack, settleTimeoutMs: 8 * 60_000, toL2Seconds: TO_L2_SECONDS, say });
    counts.kills = pool.totalKills();
    counts.unexpectedExits = pool.unexpectedExits.length;
  } finally {
    await pool?.stopAll();
    await disconnectStore().catch(() => undefined);
    await smtp.close();
    await slack.close();
    await stack.close();
  }

  say(`seed ${seed}`);
  for (const [name, value] of Object.entries(counts ?? {})) {
    process.stdout.write(`  ${name.padEnd(40)} ${value}\n`);
  }
  const failures = counts ? Object.entries(counts).filter(([name, value]) => name.startsWith('bad:') && value !== 0) : [['no counts', 1]];
  if (failures.length > 0) {
    say(`FAILED: ${failures.map(([name, value]) => `${name}=${value}`).join(', ')}; worker logs in ${logFile}`);
    process.exitCode = 1;
  } else {
    say('passed: nothing lost, nothing doubled');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`fault suite failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
void mongoose;
