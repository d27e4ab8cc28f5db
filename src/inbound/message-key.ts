import { createHash } from 'node:crypto';

/**
 * Message-ID handling. The message key is what ingestion deduplicates on: the same
 * mail fetched twice, or delivered to two mailboxes, must get the same key.
 */

/** Prefix of keys derived from the raw bytes of a message that has no usable Message-ID. */
export const RAW_KEY_PREFIX = 'sha256:';

/** Removes RFC 5322 comments, such as `(added by postmaster)`, that some servers append to ids. */
function stripComments(value: string): string {
  return value.replace(/\([^()]*\)/g, ' ');
}

/**
 * Extracts the message ids from a References or In-Reply-To value, without angle
 * brackets and in order of appearance, dropping duplicates. Ids in angle brackets are
 * taken as they are. A value without any angle brackets is split on whitespace and
 * commas, because some clients write bare or comma-separated ids.
 */
export function parseMessageIdList(value: string | null | undefined): string[] {
  if (!value) {
    return [];
  }
  const bracketed = [...value.matchAll(/<([^<>]*)>/g)].map((match) => (match[1] ?? '').replace(/\s+/g, ''));
  const candidates = bracketed.length > 0 ? bracketed : stripComments(value).split(/[\s,;]+/);
  const ids: string[] = [];
  for (const candidate of candidates) {
    const id = candidate.trim();
    if (id !== '' && !ids.includes(id)) {
      ids.push(id);
    }
  }
  return ids;
}

/** Returns the first message id of a Message-ID or In-Reply-To value without angle brackets, or null when it is blank. */
export function parseMessageId(value: string | null | undefined): string | null {
  return parseMessageIdList(value)[0] ?? null;
}

/**
 * Normalises a message id (with or without angle brackets) for use as a key. The domain
 * part after the last `@` is lower-cased, because domains are case-insensitive and local
 * parts may be case-sensitive. Returns null for a blank id, and for an id that starts
 * with `sha256:`, so a sender cannot forge the raw-bytes key of another message.
 */
export function normalizeMessageId(messageId: string | null | undefined): string | null {
  const id = parseMessageId(messageId);
  if (id === null || id.toLowerCase().startsWith(RAW_KEY_PREFIX)) {
    return null;
  }
  const at = id.lastIndexOf('@');
  return at < 0 ? id : id.slice(0, at + 1) + id.slice(at + 1).toLowerCase();
}

/** Returns `sha256:<hex>` of the raw message bytes. */
export function rawBytesKey(raw: Buffer): string {
  return RAW_KEY_PREFIX + createHash('sha256').update(raw).digest('hex');
}

/** Returns the normalised Message-ID, or the raw-bytes key when the message has no usable Message-ID. */
export function messageKeyFor(messageId: string | null | undefined, raw: Buffer): string {
  return normalizeMessageId(messageId) ?? rawBytesKey(raw);
}
