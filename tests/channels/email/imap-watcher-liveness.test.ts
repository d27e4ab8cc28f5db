/**
 * The IMAP watcher against the real Dovecot, reached through a loopback proxy
 * that drops, stalls and black-holes its connections. The store is a fresh
 * FerretDB database, and "queued" means that the watcher's enqueue callback ran.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose from 'mongoose';
import pino from 'pino';
import { ImapWatcher, type ImapWatcherOptions } from '../../../src/channels/email/imap-watcher.js';
import { ReconnectBackoff } from '../../../src/channels/email/reconnect-backoff.js';
import { metricsRegistry } from '../../../src/metrics/registry.js';
import { connectStore, disconnectStore } from '../../../src/store/connection.js';
import { RawMessageModel, type RawMessage } from '../../../src/store/raw-message.model.js';
import { appendMessage, createTestMailbox, deleteMailbox } from '../../support/imap-mailbox.js';
import { buildMail } from '../../support/mail-builder.js';
import { eventually } from '../../support/pipeline-harness.js';
import { requireServers, uniqueName, type TestServers } from '../../support/servers.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';

const WATCHDOG_MS = 1_000;
const COMMAND_TIMEOUT_MS = 1_500;

interface RunningWatcher {
  watcher: ImapWatcher;
  queued: RawMessage[];
}

function mail(subject: string): Buffer {
  return Buffer.from(buildMail({ from: 'jan.kowalski@firma.example', subject, body: `${subject}: details.` }));
}

describe('IMAP watcher liveness', () => {
  let servers: TestServers;
  let proxy: TcpProxy;
  let mailbox: string;
  const running: ImapWatcher[] = [];

  beforeAll(async () => {
    servers = await requireServers('imap', 'mongodb');
    await connectStore(`${servers.mongoBaseUri}/${uniqueName('imap_live')}`);
  });

  afterAll(async () => {
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await disconnectStore();
  });

  beforeEach(async () => {
    mailbox = await createTestMailbox(uniqueName('Live'));
    proxy = await startTcpProxy(servers.imap.port, servers.imap.host);
  });

  afterEach(async () => {
    for (const watcher of running.splice(0)) await watcher.stop();
    await proxy.close();
    await deleteMailbox(mailbox).catch(() => undefined);
  });

  async function startWatcher(overrides: Partial<ImapWatcherOptions> = {}): Promise<RunningWatcher> {
    const queued: RawMessage[] = [];
    const watcher = new ImapWatcher({
      host: proxy.host,
      port: proxy.port,
      secure: false,
      user: servers.imap.user,
      password: servers.imap.password,
      mailbox,
      maxMessageBytes: 10 * 1024 * 1024,
      pollIntervalMs: 60_000,
      watchdogIntervalMs: WATCHDOG_MS,
      commandTimeoutMs: COMMAND_TIMEOUT_MS,
      reconnectMinMs: 100,
      reconnectMaxMs: 1_000,
      log: pino({ level: process.env.LINIA_TEST_LOG_LEVEL ?? 'silent' }),
      enqueue: async (message) => {
        queued.push(message);
      },
      ...overrides,
    });
    running.push(watcher);
    await watcher.start();
    return { watcher, queued };
  }

  function queuedUid(run: RunningWatcher, uid: number, timeoutMs = 10_000): Promise<RawMessage> {
    return eventually(async () => run.queued.find((message) => message.uid === uid), timeoutMs, `UID ${uid} to be queued`);
  }

  it('delivers new mail through IDLE without waiting for a poll', async () => {
    const run = await startWatcher();
    expect(run.watcher.healthStatus().connected).toBe(true);
    const started = Date.now();
    const uid = await appendMessage(mailbox, mail('Drukarka nie drukuje'));
    await queuedUid(run, uid, 5_000);
    // The poll interval is 60 s, so only IDLE can explain a delivery this fast.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports IDLE, NOOP and lag in health and metrics', async () => {
    const run = await startWatcher();
    const health = await eventually(async () => {
      const status = run.watcher.healthStatus();
      return status.lastIdleAt && status.lastAliveAt ? status : undefined;
    }, 5_000, 'a watchdog NOOP that ended an IDLE');
    expect(health.connected).toBe(true);
    expect(health.lagSeconds).not.toBeNull();
    expect(health.lagSeconds!).toBeLessThan(5);

    const text = await metricsRegistry.metrics();
    const label = `mailbox="${run.watcher.mailboxKey}"`;
    expect(text).toMatch(new RegExp(`linia_imap_connected\\{[^}]*${escapeRegExp(label)}[^}]*\\} 1`));
    expect(text).toMatch(new RegExp(`linia_imap_last_alive_timestamp_seconds\\{[^}]*${escapeRegExp(label)}[^}]*\\} \\d{10}`));
    expect(text).toMatch(new RegExp(`linia_imap_last_idle_timestamp_seconds\\{[^}]*${escapeRegExp(label)}[^}]*\\} \\d{10}`));
    expect(text).toMatch(new RegExp(`linia_imap_lag_seconds\\{[^}]*${escapeRegExp(label)}[^}]*\\} \\d`));
  });

  it('reconnects a stalled connection within one watchdog cycle', async () => {
    const run = await startWatcher();
    proxy.stall();
    const stalledAt = Date.now();
    const uid = await appendMessage(mailbox, mail('VPN nie łączy'));
    await queuedUid(run, uid, 10_000);
    const health = run.watcher.healthStatus();
    expect(health.reconnects).toBe(1);
    expect(health.lastError).toMatch(/timed out after 1500 ms/);
    // Watchdog interval + NOOP timeout + at most 1 s of backoff, with slack for a loaded machine.
    expect(Date.now() - stalledAt).toBeLessThan(WATCHDOG_MS + COMMAND_TIMEOUT_MS + 1_000 + 3_000);
  });

  it('waits out a black-holed server and catches up after it returns', async () => {
    const run = await startWatcher();
    proxy.blackHole();
    proxy.dropAll();
    const uid = await appendMessage(mailbox, mail('Monitor miga'));
    await eventually(async () => (run.watcher.healthStatus().connected ? undefined : true), 3_000, 'the watcher to notice');
    await sleep(3 * COMMAND_TIMEOUT_MS);
    expect(run.queued).toHaveLength(0);
    expect(run.watcher.healthStatus().connected).toBe(false);
    expect(run.watcher.healthStatus().lastError).toMatch(/timed out|connection/i);

    proxy.resume();
    await queuedUid(run, uid, 10_000);
    expect(run.watcher.healthStatus().connected).toBe(true);
  });

  it('keeps one set of listeners and one fetch per message across reconnects', async () => {
    const run = await startWatcher();
    for (let drop = 1; drop <= 3; drop += 1) {
      proxy.dropAll();
      await eventually(
        async () => (run.watcher.healthStatus().reconnects === drop && run.watcher.healthStatus().connected ? true : undefined),
        10_000,
        `reconnect ${drop}`,
      );
    }
    expect(run.watcher.listenerCounts()).toEqual({ clientsWithListeners: 1, exists: 1, close: 1, error: 1 });

    const fetchedBefore = run.watcher.healthStatus().messagesFetched;
    const uids = [await appendMessage(mailbox, mail('Pierwsza')), await appendMessage(mailbox, mail('Druga'))];
    for (const uid of uids) await queuedUid(run, uid);
    await sleep(2 * WATCHDOG_MS);
    expect(run.watcher.healthStatus().messagesFetched - fetchedBefore).toBe(2);
    expect(run.queued.map((message) => message.uid).sort()).toEqual(uids);
  });

  it('fetches each message once when polls overlap IDLE', async () => {
    const run = await startWatcher({ pollIntervalMs: 150, watchdogIntervalMs: 250 });
    const uids = [];
    for (let index = 1; index <= 6; index += 1) uids.push(await appendMessage(mailbox, mail(`Zgłoszenie ${index}`)));
    for (const uid of uids) await queuedUid(run, uid);
    await sleep(1_000);
    expect(run.watcher.healthStatus().messagesFetched).toBe(6);
    expect(run.queued.map((message) => message.uid)).toEqual(uids);
  });

  it('retries a FETCH cut off by a dropped connection', async () => {
    const run = await startWatcher();
    const big = mail(`Logi ${'x'.repeat(10)}`);
    const attachment = Buffer.from(`\r\n${'A'.repeat(76)}\r\n`.repeat(40_000));
    const raw = Buffer.concat([big, attachment]);
    proxy.dropAfterBytes(1_000_000);
    const uid = await appendMessage(mailbox, raw);
    const stored = await queuedUid(run, uid, 15_000);
    expect(stored.size).toBe(raw.length);
    const copy = await RawMessageModel.findById(stored._id).lean();
    expect(Buffer.from(copy!.raw!.buffer ?? copy!.raw!).equals(raw)).toBe(true);
    expect(run.watcher.healthStatus().reconnects).toBeGreaterThanOrEqual(1);
    expect(run.watcher.healthStatus().messagesFetched).toBe(1);
    expect(await RawMessageModel.countDocuments({ mailbox: run.watcher.mailboxKey, uid })).toBe(1);
  });

  // Two limits can end a stalled FETCH: the command's own time limit, and imapflow's socket
  // inactivity timeout (watchdog interval + command timeout), whichever passes first.
  it.each([
    { limit: 'the command time limit', watchdogIntervalMs: 60_000, error: /^IMAP UID FETCH BODY\.PEEK\[\] timed out after \d+ ms/ },
    { limit: 'the socket inactivity timeout', watchdogIntervalMs: WATCHDOG_MS, error: /^IMAP UID FETCH BODY\.PEEK\[\] failed: / },
  ])('fails a stalled FETCH by $limit and fetches again', async ({ watchdogIntervalMs, error }) => {
    const run = await startWatcher({ watchdogIntervalMs });
    const raw = Buffer.concat([mail('Zrzut ekranu'), Buffer.from(`\r\n${'B'.repeat(76)}\r\n`.repeat(20_000))]);
    proxy.stallAfterBytes(300_000);
    const uid = await appendMessage(mailbox, raw);
    const stored = await queuedUid(run, uid, 20_000);
    expect(stored.size).toBe(raw.length);
    expect(run.watcher.healthStatus().lastError).toMatch(error);
    expect(run.watcher.healthStatus().reconnects).toBe(1);
    expect(run.queued.filter((message) => message.uid === uid)).toHaveLength(1);
  });
});

describe('reconnect backoff', () => {
  it('doubles up to the maximum with jitter in the upper half', () => {
    const low = new ReconnectBackoff(1_000, 8_000, () => 0);
    expect([1, 2, 3, 4, 5].map(() => low.nextDelayMs())).toEqual([500, 1_000, 2_000, 4_000, 4_000]);
    const high = new ReconnectBackoff(1_000, 8_000, () => 1);
    expect([1, 2, 3, 4, 5].map(() => high.nextDelayMs())).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  it('starts again from the minimum after a reset', () => {
    const backoff = new ReconnectBackoff(1_000, 60_000, () => 1);
    backoff.nextDelayMs();
    backoff.nextDelayMs();
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(1_000);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
