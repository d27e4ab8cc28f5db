import { ImapFlow } from 'imapflow';
import type { Logger } from 'pino';
import type { RawMessage } from '../../store/raw-message.model.js';
import { advanceCheckpoint, loadCheckpoint, storeRawMessage } from './raw-store.js';

/** First and largest wait between reconnection attempts; each wait is jittered. */
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 60_000;
/** Limits of one IMAP connection, so a silent server fails the call instead of hanging it. */
const CONNECTION_TIMEOUT_MS = 30_000;
const SOCKET_TIMEOUT_MS = 5 * 60_000;
/** imapflow waits 15 s of inactivity before IDLE by default; new mail would arrive that much later. */
const AUTO_IDLE_DELAY_MS = 500;

/** Names the likely fix when the server rejected the login, which imapflow reports only in a nested flag. */
function describeConnectFailure(error: unknown, fallback: string): string {
  if ((error as { authenticationFailed?: boolean }).authenticationFailed) {
    return 'IMAP login rejected; check IMAP_USER and IMAP_PASSWORD (retrying)';
  }
  return fallback;
}

export interface ImapWatcherOptions {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  maxMessageBytes: number;
  /** Backstop sync interval in case IDLE notifications stop arriving. */
  pollIntervalMs: number;
  /** Called for each stored message before the checkpoint moves past it. */
  enqueue: (message: RawMessage) => Promise<void>;
  log: Logger;
}

export interface WatcherHealth {
  connected: boolean;
  lastSyncAt: Date | null;
  lastError: string | null;
}

/**
 * Watches one IMAP mailbox: on connect it catches up from the stored UID
 * checkpoint, then follows IDLE notifications and a periodic poll. Each message is
 * stored and queued before the checkpoint passes it, and it is never flagged,
 * moved or deleted. A crash between these steps makes the next run fetch the
 * message again, and the store's unique keys drop the repeat.
 */
export class ImapWatcher {
  private client: ImapFlow | null = null;
  private stopped = true;
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private syncRunning: Promise<number> | null = null;
  private syncRequested = false;
  private readonly health: WatcherHealth = { connected: false, lastSyncAt: null, lastError: null };
  readonly mailboxKey: string;

  constructor(private readonly options: ImapWatcherOptions) {
    this.mailboxKey = `${options.user}@${options.host}:${options.port}/${options.mailbox}`;
  }

  healthStatus(): WatcherHealth {
    return { ...this.health };
  }

  /**
   * Connects and starts watching. Resolves after the first catch-up; when the
   * first connection fails, it logs the error and keeps retrying with backoff.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.options.log.info({ mailbox: this.mailboxKey }, 'IMAP watcher starting');
    await this.connect().catch((error: unknown) => {
      this.health.lastError = (error as Error).message;
      this.options.log.error({ mailbox: this.mailboxKey, err: error }, describeConnectFailure(error, 'IMAP connection failed; retrying'));
      this.client?.close();
      this.client = null;
      this.scheduleReconnect();
    });
    this.pollTimer = setInterval(() => {
      void this.sync().catch((error: unknown) => this.onSyncError(error));
    }, this.options.pollIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.pollTimer = null;
    this.reconnectTimer = null;
    await this.syncRunning?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    if (client) {
      await client.logout().catch(() => client.close());
    }
    this.options.log.info({ mailbox: this.mailboxKey }, 'IMAP watcher stopped');
  }

  private async connect(): Promise<void> {
    const { options } = this;
    const client = new ImapFlow({
      host: options.host,
      port: options.port,
      secure: options.secure,
      auth: { user: options.user, pass: options.password },
      logger: false,
      autoIdleDelay: AUTO_IDLE_DELAY_MS,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    } as ConstructorParameters<typeof ImapFlow>[0]);
    client.on('error', (error: Error) => {
      this.health.lastError = error.message;
      options.log.warn({ mailbox: this.mailboxKey, err: error }, 'IMAP connection error');
    });
    client.on('close', () => this.onClose(client));
    client.on('exists', () => {
      void this.sync().catch((error: unknown) => this.onSyncError(error));
    });

    try {
      await client.connect();
      await client.mailboxOpen(options.mailbox);
    } catch (error) {
      client.close();
      throw error;
    }
    if (this.stopped) {
      await client.logout().catch(() => client.close());
      return;
    }
    this.client = client;
    this.health.connected = true;
    this.reconnectAttempt = 0;
    options.log.info({ mailbox: this.mailboxKey }, 'IMAP watcher connected');
    await this.sync();
  }

  private onClose(client: ImapFlow): void {
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

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) {
      return;
    }
    const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.reconnectAttempt);
    const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
    this.reconnectAttempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.stopped) {
        return;
      }
      this.connect().catch((error: unknown) => {
        this.health.lastError = (error as Error).message;
        this.options.log.warn(
          { mailbox: this.mailboxKey, attempt: this.reconnectAttempt, retryInMs: delay, err: error },
          describeConnectFailure(error, 'IMAP reconnect failed'),
        );
        this.client?.close();
        this.client = null;
        this.scheduleReconnect();
      });
    }, delay);
  }

  private onSyncError(error: unknown): void {
    this.health.lastError = (error as Error).message;
    this.options.log.error({ mailbox: this.mailboxKey, err: error }, 'IMAP sync failed');
    // A failed sync leaves the checkpoint where it was; dropping the connection makes the next one catch up.
    const client = this.client;
    if (client) {
      client.close();
    } else {
      this.scheduleReconnect();
    }
  }

  /**
   * Fetches every message above the checkpoint. Calls are serialised: a request
   * that comes while a sync runs makes that sync run once more at its end.
   * Returns the number of messages stored.
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
    const uidValidity = Number(client.mailbox.uidValidity);
    const checkpoint = await loadCheckpoint(this.mailboxKey, uidValidity);
    if (checkpoint.rescan) {
      this.options.log.warn({ mailbox: this.mailboxKey, uidValidity }, 'UIDVALIDITY changed; reading the whole mailbox again');
    }
    if (client.mailbox.exists === 0) {
      this.health.lastSyncAt = new Date();
      return 0;
    }
    const found = await client.search({ uid: `${checkpoint.lastUid + 1}:*` }, { uid: true });
    const uids = (found || []).filter((uid) => uid > checkpoint.lastUid).sort((a, b) => a - b);
    for (const uid of uids) {
      const message = await this.fetchMessage(client, uid, uidValidity);
      if (!message) {
        continue;
      }
      const stored = await storeRawMessage(message);
      await this.options.enqueue(stored);
      await advanceCheckpoint(this.mailboxKey, uidValidity, uid);
    }
    this.health.lastSyncAt = new Date();
    if (uids.length > 0) {
      this.options.log.info({ mailbox: this.mailboxKey, count: uids.length, lastUid: uids[uids.length - 1] }, 'IMAP messages stored');
    }
    return uids.length;
  }

  private async fetchMessage(client: ImapFlow, uid: number, uidValidity: number) {
    const meta = await client.fetchOne(String(uid), { uid: true, size: true }, { uid: true });
    if (!meta) {
      // Expunged between SEARCH and FETCH: nothing to store.
      return null;
    }
    const size = meta.size ?? 0;
    const base = { mailbox: this.mailboxKey, uidValidity, uid, size };
    if (size > this.options.maxMessageBytes) {
      const headerOnly = await client.fetchOne(String(uid), { headers: true }, { uid: true });
      return { ...base, raw: null, headerText: headerOnly && headerOnly.headers ? headerOnly.headers.toString('utf8') : '' };
    }
    const full = await client.fetchOne(String(uid), { source: true }, { uid: true });
    if (!full || !full.source) {
      return null;
    }
    return { ...base, raw: full.source, headerText: '' };
  }
}
