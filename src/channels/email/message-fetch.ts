import type { ImapFlow } from 'imapflow';
import { ImapCommandError, runImapCommand } from './imap-command.js';
import type { FetchedMessage } from './raw-store.js';

/**
 * Slowest transfer rate a large FETCH is allowed before it counts as stalled,
 * in bytes per second. A 25 MiB message gets about 100 s on top of the command
 * timeout, and one at the default fetch cap of 100 MiB about 400 s. NOTE: a guess for a slow remote link, not a measured figure.
 */
const MIN_FETCH_BYTES_PER_SECOND = 256 * 1024;

export interface FetchLimits {
  mailboxKey: string;
  uidValidity: number;
  /**
   * Hard cap of the fetch (LINIA_MAX_FETCH_BYTES): a larger message is fetched
   * header-only. Smaller ones are fetched whole, even above LINIA_MAX_MESSAGE_BYTES,
   * so intake can keep their headers and text.
   */
  maxMessageBytes: number;
  commandTimeoutMs: number;
  onTimeout: (command: string) => void;
}

/**
 * Fetches one message by UID: its size first, then the whole source, or only
 * the header block when the message is larger than the fetch cap `maxMessageBytes`. Every
 * FETCH has its own timeout, which grows with the size of the body. The
 * mailbox is open read-only, so fetching never sets \Seen. Returns null when
 * the message was expunged in the meantime.
 */
export async function fetchMessage(client: ImapFlow, uid: number, limits: FetchLimits): Promise<FetchedMessage | null> {
  const { commandTimeoutMs, onTimeout } = limits;
  const meta = await runImapCommand(
    client,
    'UID FETCH RFC822.SIZE',
    commandTimeoutMs,
    () => client.fetchOne(String(uid), { uid: true, size: true }, { uid: true }),
    () => onTimeout('UID FETCH RFC822.SIZE'),
  );
  if (!meta) {
    return null;
  }
  const size = meta.size ?? 0;
  const base = { mailbox: limits.mailboxKey, uidValidity: limits.uidValidity, uid, size };

  if (size > limits.maxMessageBytes) {
    const headerOnly = await runImapCommand(
      client,
      'UID FETCH BODY.PEEK[HEADER]',
      commandTimeoutMs,
      () => client.fetchOne(String(uid), { headers: true }, { uid: true }),
      () => onTimeout('UID FETCH BODY.PEEK[HEADER]'),
    );
    return { ...base, raw: null, headerText: headerOnly && headerOnly.headers ? headerOnly.headers.toString('utf8') : '' };
  }

  const sourceTimeoutMs = commandTimeoutMs + Math.ceil((size / MIN_FETCH_BYTES_PER_SECOND) * 1000);
  const full = await runImapCommand(
    client,
    'UID FETCH BODY.PEEK[]',
    sourceTimeoutMs,
    () => client.fetchOne(String(uid), { source: true }, { uid: true }),
    () => onTimeout('UID FETCH BODY.PEEK[]'),
  );
  if (!full) {
    return null;
  }
  if (!full.source) {
    throw new ImapCommandError('UID FETCH BODY.PEEK[]', `IMAP server returned no body for UID ${uid}`);
  }
  return { ...base, raw: full.source, headerText: '' };
}
