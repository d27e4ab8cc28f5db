import { ImapFlow } from 'imapflow';
import { ConfigError } from '../../config/load-config.js';
import { assertWatchableMailbox } from '../../config/watched-mailbox.js';
import type { Logger } from 'pino';
import { imapMetrics, type ImapMetrics } from '../../metrics/imap-metrics.js';
import type { RawMessage } from '../../store/raw-message.model.js';
import { ImapCommandError, runImapCommand } from './imap-command.js';
import { fetchMessage } from './message-fetch.js';
import { advanceCheckpoint, loadCheckpoint, storeRawMessage } from './raw-store.js';
import { ReconnectBackoff } from './reconnect-backoff.js';

/** First and largest wait between reconnection attempts; each wait is jittered. */
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 60_000;
/** imapflow waits 15 s of inactivity before IDLE by default; new mail would arrive that much later. */
const AUTO_IDLE_DELAY_MS = 500;
/**
 * After a sync that found new mail, the watcher asks with NOOP every
 * `burstPollMs` for this long, because Dovecot, among other servers, announces new
 * mail to an IDLE connection only about 0.5 s after it arrives.
 */
const BURST_WINDOW_MS = 5_000;
const BURST_POLL_MS = 100;
/**
 * Maximum wait for one store or queue step of a sync (insert, enqueue,
 * checkpoint). The store gives up by itself after 10 s without a server, but a
 * Redis command waits for the connection without limit, and a sync that hangs
 * would hold back every later one.
 */
const STORE_STEP_TIMEOUT_MS = 90_000;

/** Names the likely fix when the server rejected the login, which imapflow reports only in a nested flag. */
function describeConnectFailure(error: unknown, fallback: string): string {
  const cause = error instanceof ImapCommandError ? error.cause : error;
  if ((cause as { authenticationFailed?: boolean } | undefined)?.authenticationFailed) {
    return 'IMAP login rejected; check IMAP_USER and IMAP_PASSWORD (retrying)';
  }
  return fallback;
}

/** A store or queue step that did not finish in time. The sync fails, and the connection stays open. */
export class SyncStepTimeoutError extends Error {
  constructor(step: string, timeoutMs: number) {
    super(`${step} timed out after ${timeoutMs} ms`);
    this.name = 'SyncStepTimeoutError';
  }
}

async function withStepTimeout<T>(step: string, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const pending = work();
  try {
    return await Promise.race([
      pending,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          // The step may still finish later; every step is idempotent, so that is harmless.
          pending.catch(() => undefined);
          reject(new SyncStepTimeoutError(step, timeoutMs));
        }, timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ImapWatcherOptions {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  maxMessageBytes: number;
  /** Interval of the UID search from the checkpoint, which finds mail that IDLE did not announce. */
  pollIntervalMs: number;
  /** Interval of the watchdog NOOP, which ends IDLE, checks that the server responds, and lets IDLE start again. */
  watchdogIntervalMs: number;
  /**
   * Interval of the NOOP that asks for new mail while mail keeps arriving (see
   * BURST_WINDOW_MS), 100 ms unless set; 0 leaves new mail to IDLE and the poll alone.
   */
  burstPollMs?: number;
  /** Time limit of each IMAP command. A FETCH of a large body gets more time (see message-fetch.ts). */
  commandTimeoutMs: number;
  /** Called for each stored message before the checkpoint moves past it. */
  enqueue: (message: RawMessage) => Promise<void>;
  log: Logger;
  /** Bounds of the jittered reconnection backoff, 1 s and 60 s unless set. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Time limit of each store or queue step of a sync, 90 s unless set. */
  storeStepTimeoutMs?: number;
}

export interface WatcherHealth {
  /** True while a connection is open and the mailbox is selected. */
  connected: boolean;
  /** Last time the server responded to the watchdog's NOOP. */
  lastAliveAt: Date | null;
  /** Last time the watchdog found the connection in IDLE and the server ended that IDLE cleanly. */
  lastIdleAt: Date | null;
  /** Last time a UID search from the checkpoint completed and every message it found was stored. */
  lastSyncAt: Date | null;
  /** Seconds since lastSyncAt, the maximum time a new message may have waited unseen, or null before the first sync. */
  lagSeconds: number | null;
  lastError: string | null;
  /** Connections opened again after one was lost. */
  reconnects: number;
  /** Message bodies fetched; a repeat fetch of one message happens only when a sync failed part-way. */
  messagesFetched: number;
}

/** Listener counts of the watcher's IMAP clients, for checking that reconnects do not pile them up. */
export interface ListenerCounts {
  /** Clients that still carry the watcher's listeners: 1 while connected, 0 otherwise. */
  clientsWithListeners: number;
  exists: number;
  close: number;
  error: number;
}

const WATCHED_EVENTS = ['exists', 'close', 'error'] as const;

/**
 * Watches one IMAP mailbox: on connect it catches up from the stored UID
 * checkpoint, then follows IDLE notifications, a periodic UID search from the
 * checkpoint and a watchdog NOOP. Each message is stored and queued before the
 * checkpoint passes it. The mailbox is opened read-only, so no message is ever
 * flagged, moved or deleted. A crash between these steps makes the next run
 * fetch the message again, and the store's unique keys drop the repeat.
 *
 * Every IMAP command has a time limit. A command that times out or fails closes
 * the connection, and the watcher reconnects with jittered backoff. A store or
 * queue failure leaves the connection open and the checkpoint in place, so the
 * next poll fetches the same messages again.
 */
export class ImapWatcher {
  private client: ImapFlow | null = null;
  private readonly clientsWithListeners = new Set<ImapFlow>();
  private stopped = true;
  private connecting = false;
  private everConnected = false;
  private readonly backoff: ReconnectBackoff;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private watchdogTimer: NodeJS.Timeout | null = null;
  private watchdogRunning = false;
  private burstTimer: NodeJS.Timeout | null = null;
  private burstUntil = 0;
  private burstRunning = false;
  private syncRunning: Promise<number> | null = null;
  private syncRequested = false;
  private readonly health: Omit<WatcherHealth, 'lagSeconds'> = {
    connected: false,
    lastAliveAt: null,
    lastIdleAt: null,
    lastSyncAt: null,
    lastError: null,
    reconnects: 0,
    messagesFetched: 0,
  };
  private readonly metrics: ImapMetrics;
  readonly mailboxKey: string;

  constructor(private readonly options: ImapWatcherOptions) {
    this.mailboxKey = `${options.user}@${options.host}:${options.port}/${options.mailbox}`;
    this.backoff = new ReconnectBackoff(options.reconnectMinMs ?? RECONNECT_MIN_MS, options.reconnectMaxMs ?? RECONNECT_MAX_MS);
    this.metrics = imapMetrics(this);
  }

  healthStatus(): WatcherHealth {
    const { lastSyncAt } = this.health;
    const lagSeconds = lastSyncAt ? Math.max(0, (Date.now() - lastSyncAt.getTime()) / 1000) : null;
    return { ...this.health, lagSeconds };
  }

  listenerCounts(): ListenerCounts {
    const client = this.client;
    const count = (event: string): number => (client ? client.listenerCount(event) : 0);
    return {
      clientsWithListeners: this.clientsWithListeners.size,
      exists: count('exists'),
      close: count('close'),
      error: count('error'),
    };
  }

  /**
   * Connects and starts watching. Resolves after the first catch-up; when the
   * first connection fails, it logs the error and keeps retrying with backoff.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.metrics.watch();
    this.options.log.info({ mailbox: this.mailboxKey }, 'IMAP watcher starting');
    this.pollTimer = setInterval(() => this.requestSync(), this.options.pollIntervalMs);
    this.watchdogTimer = setInterval(() => void this.runWatchdog(), this.options.watchdogIntervalMs);
    await this.connect().catch((error: unknown) => {
      if (error instanceof ConfigError) {
        // A Sent, Drafts or Trash folder stays one: retrying cannot help, so the worker does not start.
        void this.stop();
        throw error;
      }
      this.onConnectFailure(error, 'IMAP connection failed; retrying');
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of [this.pollTimer, this.watchdogTimer, this.burstTimer]) {
      if (timer) clearInterval(timer);
    }
    this.burstTimer = null;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.pollTimer = null;
    this.watchdogTimer = null;
    this.reconnectTimer = null;
    await this.syncRunning?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    this.health.connected = false;
    if (client) {
      this.detach(client);
      await runImapCommand(client, 'LOGOUT', this.options.commandTimeoutMs, () => client.logout()).catch(() => client.close());
    }
    this.metrics.unwatch();
    this.options.log.info({ mailbox: this.mailboxKey }, 'IMAP watcher stopped');
  }

  private command<T>(client: ImapFlow, name: string, call: () => Promise<T>): Promise<T> {
    return runImapCommand(client, name, this.options.commandTimeoutMs, call, () => this.metrics.commandTimedOut(name));
  }

  private async connect(): Promise<void> {
    if (this.connecting || this.client) {
      return;
    }
    this.connecting = true;
    try {
      await this.openConnection();
    } finally {
      this.connecting = false;
    }
  }

  private async openConnection(): Promise<void> {
    const { options } = this;
    const client = new ImapFlow({
      host: options.host,
      port: options.port,
      secure: options.secure,
      auth: { user: options.user, pass: options.password },
      logger: false,
      autoIdleDelay: AUTO_IDLE_DELAY_MS,
      connectionTimeout: options.commandTimeoutMs,
      greetingTimeout: options.commandTimeoutMs,
      // A backstop only: the watchdog NOOP keeps a healthy connection busier than this.
      socketTimeout: options.watchdogIntervalMs + options.commandTimeoutMs,
    });
    this.attach(client);

    try {
      await this.command(client, 'CONNECT', () => client.connect());
      await assertWatchableMailbox({ list: () => this.command(client, 'LIST', () => client.list()) }, options.mailbox);
      // Read-only (EXAMINE): fetching can never set \Seen or change any other flag.
      await this.command(client, 'EXAMINE', () => client.mailboxOpen(options.mailbox, { readOnly: true }));
    } catch (error) {
      this.detach(client);
      client.close();
      throw error;
    }
    if (this.stopped) {
      this.detach(client);
      await client.logout().catch(() => client.close());
      return;
    }
    this.client = client;
    this.health.connected = true;
    if (this.everConnected) {
      this.health.reconnects += 1;
      this.metrics.reconnected();
    }
    this.everConnected = true;
    options.log.info({ mailbox: this.mailboxKey, reconnects: this.health.reconnects }, 'IMAP watcher connected');
    await this.sync();
    // Reset only after a sync, so a server that accepts logins but fails every sync is not hammered.
    if (this.client === client) {
      this.backoff.reset();
    }
  }

  /** Adds the watcher's listeners to a new client; detach() removes them when the client is dropped. */
  private attach(client: ImapFlow): void {
    client.on('error', (error: Error) => {
      this.health.lastError = error.message;
      this.options.log.warn({ mailbox: this.mailboxKey, err: error }, 'IMAP connection error');
    });
    client.on('close', () => this.onClose(client));
    client.on('exists', () => this.requestSync());
    this.clientsWithListeners.add(client);
  }

  private detach(client: ImapFlow): void {
    for (const event of WATCHED_EVENTS) {
      client.removeAllListeners(event);
    }
    // imapflow may still emit an error while it shuts down, and an EventEmitter without an error listener throws.
    client.on('error', () => undefined);
    this.clientsWithListeners.delete(client);
  }

  private onClose(client: ImapFlow): void {
    this.detach(client);
    if (client !== this.client) {
      return;
    }
    this.client = null;
    this.health.connected = false;
    if (this.stopped) {
      return;
    }
    this.options.log.warn({ mailbox: this.mailboxKey }, 'IMAP connection closed; reconnecting');
    this.scheduleReconnect();
  }

  /** Closes a connection that failed a command or a check, and reconnects. */
  private dropConnection(client: ImapFlow, error: unknown): void {
    this.health.lastError = (error as Error).message;
    this.detach(client);
    client.close();
    if (client !== this.client) {
      return;
    }
    this.client = null;
    this.health.connected = false;
    if (!this.stopped) {
      this.options.log.warn({ mailbox: this.mailboxKey, err: error }, 'IMAP connection dropped; reconnecting');
      this.scheduleReconnect();
    }
  }

  private onConnectFailure(error: unknown, fallback: string): void {
    if (error instanceof ConfigError) {
      void this.stop();
      this.health.lastError = error.message;
      this.options.log.error({ mailbox: this.mailboxKey, err: error }, 'IMAP watcher stopped: the watched mailbox is not allowed');
      return;
    }
    const client = this.client;
    if (client && !(error instanceof ImapCommandError)) {
      // The connection is up and the first sync could not store mail; syncOnce logged it and the next poll retries.
      return;
    }
    this.health.lastError = (error as Error).message;
    this.options.log.warn(
      { mailbox: this.mailboxKey, attempt: this.backoff.attempts, err: error },
      describeConnectFailure(error, fallback),
    );
    if (client) {
      this.dropConnection(client, error);
    } else {
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) {
      return;
    }
    const delay = this.backoff.nextDelayMs();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stopped) {
        return;
      }
      this.connect().catch((error: unknown) => this.onConnectFailure(error, `IMAP reconnect failed; next attempt after a jittered backoff`));
    }, delay);
  }

  /**
   * Ends IDLE with a NOOP and checks that the server responds within the command
   * timeout. imapflow enters IDLE again once the connection is quiet. A NOOP
   * without a response means the socket is dead or stalled, so the connection is
   * dropped and opened again. The check is skipped while a sync runs, because
   * the NOOP would queue behind a long FETCH and time out although the server
   * is sending, and the sync's own commands have time limits.
   */
  private async runWatchdog(): Promise<void> {
    const client = this.client;
    if (this.stopped || !client || this.watchdogRunning || this.syncRunning) {
      return;
    }
    this.watchdogRunning = true;
    const wasIdling = client.idling;
    try {
      await this.command(client, 'NOOP', () => client.noop());
      const now = new Date();
      this.health.lastAliveAt = now;
      if (wasIdling) {
        this.health.lastIdleAt = now;
      }
    } catch (error) {
      this.options.log.warn({ mailbox: this.mailboxKey, err: error }, 'IMAP watchdog NOOP failed');
      this.dropConnection(client, error);
    } finally {
      this.watchdogRunning = false;
    }
  }

  /** Keeps asking for new mail with NOOP for BURST_WINDOW_MS after the last sync that found some. */
  private extendBurst(): void {
    const intervalMs = this.options.burstPollMs ?? BURST_POLL_MS;
    if (intervalMs <= 0 || this.stopped) {
      return;
    }
    this.burstUntil = Date.now() + BURST_WINDOW_MS;
    this.burstTimer ??= setInterval(() => void this.burstPoll(), intervalMs);
  }

  /**
   * One NOOP of a burst. The server answers it with EXISTS for mail that came
   * since the last command, and the exists listener starts a sync. Skipped while
   * a sync or the watchdog runs; a NOOP that fails drops the connection like the
   * watchdog's does.
   */
  private async burstPoll(): Promise<void> {
    if (this.stopped || Date.now() > this.burstUntil) {
      if (this.burstTimer) clearInterval(this.burstTimer);
      this.burstTimer = null;
      return;
    }
    const client = this.client;
    if (!client || this.syncRunning || this.watchdogRunning || this.burstRunning) {
      return;
    }
    this.burstRunning = true;
    try {
      await this.command(client, 'NOOP', () => client.noop());
    } catch (error) {
      this.options.log.warn({ mailbox: this.mailboxKey, err: error }, 'IMAP NOOP failed while mail kept arriving');
      this.dropConnection(client, error);
    } finally {
      this.burstRunning = false;
    }
  }

  private requestSync(): void {
    void this.sync().catch(() => undefined);
  }

  /**
   * Fetches every message above the checkpoint. Calls are serialised: a request
   * that comes while a sync runs makes that sync run once more at its end.
   * Returns the number of messages stored. A failed sync is logged and handled
   * here (an IMAP failure drops the connection), then rethrown to the caller.
   */
  async sync(): Promise<number> {
    if (this.syncRunning) {
      this.syncRequested = true;
      return this.syncRunning;
    }
    this.syncRunning = (async () => {
      let total = 0;
      do {
        this.syncRequested = false;
        total += await this.syncOnce();
      } while (this.syncRequested && !this.stopped);
      return total;
    })();
    try {
      return await this.syncRunning;
    } finally {
      this.syncRunning = null;
    }
  }

  private async syncOnce(): Promise<number> {
    const client = this.client;
    if (!client || !client.mailbox) {
      return 0;
    }
    try {
      return await this.syncClient(client);
    } catch (error) {
      this.health.lastError = (error as Error).message;
      if (error instanceof ImapCommandError) {
        this.options.log.error({ mailbox: this.mailboxKey, err: error }, 'IMAP sync failed; reconnecting');
        this.dropConnection(client, error);
      } else {
        // The store or the queue failed: the checkpoint did not move, so the next poll fetches the same messages again.
        this.options.log.error({ mailbox: this.mailboxKey, err: error }, 'IMAP sync could not store mail; retrying at the next poll');
      }
      throw error;
    }
  }

  private async syncClient(client: ImapFlow): Promise<number> {
    const storeStepTimeoutMs = this.options.storeStepTimeoutMs ?? STORE_STEP_TIMEOUT_MS;
    const mailbox = client.mailbox;
    if (!mailbox) {
      return 0;
    }
    const uidValidity = Number(mailbox.uidValidity);
    const checkpoint = await withStepTimeout('loading the checkpoint', storeStepTimeoutMs, () => loadCheckpoint(this.mailboxKey, uidValidity));
    if (checkpoint.rescan) {
      this.options.log.warn({ mailbox: this.mailboxKey, uidValidity }, 'UIDVALIDITY changed; reading the whole mailbox again');
    }

    // Always by UID from the checkpoint, never by date: INTERNALDATE can lie and clocks drift.
    const found = await this.command(client, 'UID SEARCH', () => client.search({ uid: `${checkpoint.lastUid + 1}:*` }, { uid: true }));
    if (!found) {
      throw new ImapCommandError('UID SEARCH', 'IMAP UID SEARCH failed');
    }
    // "n:*" always matches the highest UID, even below n, so that one is filtered out.
    const uids = found.filter((uid) => uid > checkpoint.lastUid).sort((a, b) => a - b);

    for (const uid of uids) {
      if (this.client !== client) {
        throw new ImapCommandError('UID FETCH', 'IMAP connection was replaced during the sync');
      }
      const message = await fetchMessage(client, uid, {
        mailboxKey: this.mailboxKey,
        uidValidity,
        maxMessageBytes: this.options.maxMessageBytes,
        commandTimeoutMs: this.options.commandTimeoutMs,
        onTimeout: (command) => this.metrics.commandTimedOut(command),
      });
      if (!message) {
        // Expunged between SEARCH and FETCH: nothing to store.
        continue;
      }
      this.health.messagesFetched += 1;
      this.metrics.messageFetched();
      const stored = await withStepTimeout(`storing UID ${uid}`, storeStepTimeoutMs, () => storeRawMessage(message));
      await withStepTimeout(`queueing UID ${uid}`, storeStepTimeoutMs, () => this.options.enqueue(stored));
      await withStepTimeout(`moving the checkpoint to UID ${uid}`, storeStepTimeoutMs, () =>
        advanceCheckpoint(this.mailboxKey, uidValidity, uid),
      );
    }

    this.health.lastSyncAt = new Date();
    if (uids.length > 0) {
      this.extendBurst();
      this.options.log.info({ mailbox: this.mailboxKey, count: uids.length, lastUid: uids[uids.length - 1] }, 'IMAP messages stored');
    }
    return uids.length;
  }
}
