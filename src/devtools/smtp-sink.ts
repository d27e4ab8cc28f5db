import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ImapFlow } from 'imapflow';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerDataStream,
  type SMTPServerError,
  type SMTPServerSession,
} from 'smtp-server';
import { getLogger } from '../logging/logger.js';

/** Message size limit in bytes when none is given: 25 MiB, a common provider limit. */
const DEFAULT_MAX_BYTES = 25 * 1024 * 1024;
/** Milliseconds that waitFor() waits by default. */
const DEFAULT_WAIT_MS = 5_000;
/** Milliseconds that close() gives open client connections before cutting them. */
const CLOSE_TIMEOUT_MS = 1_000;

/** One message that the sink accepted. */
export interface SinkMessage {
  envelope: { from: string; to: string[] };
  /** The message exactly as the client sent it after DATA, without the final dot line. */
  raw: Buffer;
  receivedAt: Date;
  /** The id returned in the 250 reply ("OK: queued as <queueId>"). */
  queueId: string;
}

export interface SmtpSinkOptions {
  /** TCP port, or 0 (the default) for a free one. */
  port?: number;
  /** Listen address, which must be loopback. */
  host?: '127.0.0.1';
  /** Largest message in bytes. A larger one is rejected with 552. */
  maxBytes?: number;
}

/** An IMAP folder where the sink files a copy of each accepted message, as hosted relays file sent mail. */
export interface SentCopyFolder {
  host: string;
  port: number;
  user: string;
  password: string;
  mailbox: string;
}

interface PlannedFailure {
  code: number;
  message: string;
  remaining: number;
}

function smtpError(code: number, message: string): SMTPServerError {
  const error: SMTPServerError = new Error(message);
  error.responseCode = code;
  return error;
}

function checkReplyCode(code: number): void {
  if (!Number.isInteger(code) || code < 400 || code > 599) {
    throw new RangeError(`SMTP failure code must be an integer from 400 to 599, got ${code}`);
  }
}

/** Replaces the value of the top-level Message-ID header, or adds the header when there is none. */
function replaceMessageId(raw: Buffer, messageId: string): Buffer {
  const text = raw.toString('latin1');
  const headerEnd = text.search(/\r?\n\r?\n/);
  const head = headerEnd < 0 ? text : text.slice(0, headerEnd);
  const body = headerEnd < 0 ? '' : text.slice(headerEnd);
  const header = /^message-id:[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/im;
  const newHead = header.test(head) ? head.replace(header, `Message-ID: <${messageId}>`) : `Message-ID: <${messageId}>\r\n${head}`;
  return Buffer.from(newHead + body, 'latin1');
}

/**
 * An in-process SMTP server for tests and the demo: it accepts every message
 * without authentication and keeps it in memory. Faults can be planned with
 * failNext() and rejectRecipient(), and rewriteMessageIds() imitates a rewriting relay.
 */
export class SmtpSink extends EventEmitter<{ message: [SinkMessage] }> {
  private readonly stored: SinkMessage[] = [];
  private readonly failures: PlannedFailure[] = [];
  private readonly rejectedRecipients = new Map<string, number>();
  private rewriteDomain: string | null = null;
  private copyFolder: SentCopyFolder | null = null;
  private copyClient: Promise<ImapFlow> | null = null;
  private readonly log = getLogger('smtp-sink');
  private server: SMTPServer | undefined;
  private listenPort = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  /** The TCP port the sink listens on. */
  get port(): number {
    return this.listenPort;
  }

  /** Starts listening. startSmtpSink() calls it. */
  async listen(port: number, host: string): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      size: this.maxBytes,
      closeTimeout: CLOSE_TIMEOUT_MS,
      onRcptTo: (address, session, callback) => this.checkRecipient(address, session, callback),
      onData: (stream, session, callback) => this.receive(stream, session, callback),
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.log.warn({ err: error }, 'SMTP sink server error'));
    this.server = server;
    this.listenPort = (server.server.address() as AddressInfo).port;
    this.log.debug({ port: this.listenPort }, 'SMTP sink listening');
  }

  /** Returns a copy of the list of accepted messages, oldest first. */
  messages(): SinkMessage[] {
    return [...this.stored];
  }

  /** Drops every stored message but keeps planned faults. */
  clear(): void {
    this.stored.length = 0;
  }

  /**
   * Waits for a message that matches `predicate`, checking the messages already
   * stored first. Rejects when none arrives within `timeoutMs`.
   */
  waitFor(predicate: (message: SinkMessage) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<SinkMessage> {
    const existing = this.stored.find(predicate);
    if (existing) {
      return Promise.resolve(existing);
    }
    return new Promise<SinkMessage>((resolve, reject) => {
      const onMessage = (message: SinkMessage): void => {
        if (predicate(message)) {
          clearTimeout(timer);
          this.off('message', onMessage);
          resolve(message);
        }
      };
      const timer = setTimeout(() => {
        this.off('message', onMessage);
        reject(new Error(`No matching message reached the SMTP sink within ${timeoutMs} ms (${this.stored.length} stored)`));
      }, timeoutMs);
      this.on('message', onMessage);
    });
  }

  /**
   * Rejects the next `count` messages after DATA with `code` and `message`,
   * without storing them. 4xx is a temporary failure, 5xx a permanent one.
   */
  failNext(code: number, message = 'Requested action aborted: local error in processing', count = 1): void {
    checkReplyCode(code);
    if (!Number.isInteger(count) || count < 1) {
      throw new RangeError(`count must be a positive integer, got ${count}`);
    }
    this.failures.push({ code, message, remaining: count });
  }

  /** Rejects RCPT TO for `address` (compared without case) with `code` until resetFaults(). */
  rejectRecipient(address: string, code = 550): void {
    checkReplyCode(code);
    this.rejectedRecipients.set(address.toLowerCase(), code);
  }

  /**
   * Acts like a relay that rewrites Message-IDs: each later message is stored with
   * `Message-ID: <relay.QUEUEID@domain>` in place of the client's, and the 250 reply
   * names that id. Pass null to stop rewriting.
   */
  rewriteMessageIds(domain: string | null): void {
    this.rewriteDomain = domain;
  }

  /**
   * Acts like a relay that files a copy of each accepted message in the sender's
   * Sent folder over IMAP (created when missing), before it answers 250. When the
   * copy cannot be filed, the message is rejected with 451 and not stored. Pass
   * null to stop filing copies. Resolves once the folder exists.
   */
  async fileCopiesIn(folder: SentCopyFolder | null): Promise<void> {
    this.copyFolder = folder;
    this.dropCopyClient();
    if (folder) {
      await this.connectCopyClient(folder);
    }
  }

  /** Cancels every fault planned with failNext() and rejectRecipient(). */
  resetFaults(): void {
    this.failures.length = 0;
    this.rejectedRecipients.clear();
  }

  /** Stops listening; open client connections are cut after a short grace period. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const client = await this.copyClient?.catch(() => null);
    this.copyClient = null;
    await client?.logout().catch(() => client.close());
  }

  private dropCopyClient(): void {
    const pending = this.copyClient;
    this.copyClient = null;
    void pending?.then((client) => client.close()).catch(() => undefined);
  }

  private connectCopyClient(folder: SentCopyFolder): Promise<ImapFlow> {
    this.copyClient ??= (async () => {
      const client = new ImapFlow({
        host: folder.host,
        port: folder.port,
        secure: false,
        doSTARTTLS: false,
        auth: { user: folder.user, pass: folder.password },
        logger: false,
      });
      client.on('error', () => undefined);
      client.on('close', () => {
        if (this.copyClient === current) this.copyClient = null;
      });
      await client.connect();
      const existing = await client.list();
      if (!existing.some((entry) => entry.path === folder.mailbox)) {
        await client.mailboxCreate(folder.mailbox).catch(() => undefined);
      }
      return client;
    })();
    const current = this.copyClient;
    current.catch(() => {
      if (this.copyClient === current) this.copyClient = null;
    });
    return current;
  }

  /** Files the copy when a Sent folder is set; false when that failed. */
  private async fileCopy(raw: Buffer): Promise<boolean> {
    const folder = this.copyFolder;
    if (!folder) {
      return true;
    }
    try {
      const client = await this.connectCopyClient(folder);
      const result = await client.append(folder.mailbox, raw, ['\\Seen']);
      return result !== false;
    } catch (error) {
      this.log.debug({ err: error }, 'SMTP sink could not file the sent copy');
      this.dropCopyClient();
      return false;
    }
  }

  private checkRecipient(address: SMTPServerAddress, _session: SMTPServerSession, callback: (error?: Error | null) => void): void {
    const code = this.rejectedRecipients.get(address.address.toLowerCase());
    if (code === undefined) {
      callback();
    } else if (code >= 500) {
      callback(smtpError(code, `5.1.1 <${address.address}>: Recipient address rejected`));
    } else {
      callback(smtpError(code, `4.2.1 <${address.address}>: Mailbox temporarily unavailable, try again later`));
    }
  }

  private receive(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (error?: Error | null, reply?: string) => void): void {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', (error) => callback(error));
    stream.on('end', () => void this.accept(chunks, stream, session, callback));
  }

  private async accept(
    chunks: Buffer[],
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (error?: Error | null, reply?: string) => void,
  ): Promise<void> {
    if (stream.sizeExceeded) {
      callback(smtpError(552, `5.3.4 Message exceeds the fixed maximum message size of ${this.maxBytes} bytes`));
      return;
    }
    const failure = this.failures[0];
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) {
        this.failures.shift();
      }
      callback(smtpError(failure.code, failure.message));
      return;
    }

    const mailFrom = session.envelope.mailFrom;
    const queueId = randomBytes(6).toString('hex').toUpperCase();
    const rewrittenId = this.rewriteDomain === null ? null : `relay.${queueId}@${this.rewriteDomain}`;
    const received = Buffer.concat(chunks);
    const stored = rewrittenId === null ? received : replaceMessageId(received, rewrittenId);
    if (!(await this.fileCopy(stored))) {
      callback(smtpError(451, '4.3.0 Could not file the sent copy; try again later'));
      return;
    }
    const message: SinkMessage = {
      envelope: {
        from: mailFrom === false ? '' : mailFrom.address,
        to: session.envelope.rcptTo.map((recipient) => recipient.address),
      },
      raw: stored,
      receivedAt: new Date(),
      queueId,
    };
    this.stored.push(message);
    this.log.debug({ queueId: message.queueId, recipients: message.envelope.to.length, bytes: message.raw.length }, 'SMTP sink stored a message');
    callback(null, rewrittenId === null ? `OK: queued as ${queueId}` : `OK: queued as ${queueId} <${rewrittenId}>`);
    this.emit('message', message);
  }
}

/** Starts an SMTP sink on 127.0.0.1 (a free port unless `port` is given). */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) {
    throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  }
  const sink = new SmtpSink(maxBytes);
  await sink.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return sink;
}
