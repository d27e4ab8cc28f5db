import { ConfigError } from './load-config.js';

/**
 * Special-use folders (RFC 6154) that must never be the watched mailbox: Linia
 * would read its own sent replies, unsent drafts or deleted mail as new requests.
 */
const FORBIDDEN_SPECIAL_USE = new Set(['\\Sent', '\\Drafts', '\\Trash']);

/** One folder as an IMAP LIST reply describes it (imapflow's `ListResponse` has these fields). */
export interface ListedMailbox {
  path: string;
  specialUse?: string;
}

/** The part of an IMAP client this check needs; imapflow's `ImapFlow` has it. */
export interface MailboxLister {
  list(): Promise<ListedMailbox[]>;
}

/**
 * Rejects a watched mailbox that the server marks as Sent, Drafts or Trash. The
 * mark is the folder's special-use flag, or, on a server without the SPECIAL-USE
 * extension, what imapflow infers from a well-known folder name. Throws
 * `ConfigError` naming IMAP_MAILBOX. Call it before the watcher opens the folder;
 * retrying does not help, so the watcher should stop.
 */
export async function assertWatchableMailbox(client: MailboxLister, mailbox: string): Promise<void> {
  const folders = await client.list();
  // Folder names are case-sensitive, except INBOX (RFC 3501).
  const wanted = mailbox.toUpperCase() === 'INBOX' ? 'INBOX' : mailbox;
  const folder = folders.find((entry) => entry.path === wanted);
  const specialUse = folder?.specialUse;
  if (specialUse !== undefined && FORBIDDEN_SPECIAL_USE.has(specialUse)) {
    throw new ConfigError([
      `IMAP_MAILBOX: "${mailbox}" is the ${specialUse} special-use folder, so Linia would take the mail in it for new requests; set IMAP_MAILBOX to the folder where support mail arrives, usually INBOX`,
    ]);
  }
}
