/**
 * Raw header access. The automatic-mail classifier and the failure path of `parseMail`
 * need header values exactly as sent (unfolded, not decoded), including headers that
 * mailparser merges or drops, and they need them even when mailparser cannot parse the
 * message at all.
 */

/** Header values keyed by lower-case header name, in order of appearance, unfolded and trimmed. */
export type HeaderMap = ReadonlyMap<string, readonly string[]>;

/** A header name as RFC 5322 allows it: printable ASCII except the colon. */
const HEADER_NAME = /^[\x21-\x39\x3b-\x7e]+$/;

/** Most header names kept in the failure record, so a garbage header block cannot grow it without bound. */
const MAX_RECORD_HEADERS = 100;

/** Maximum length of a header value in the failure record, in characters. */
const MAX_RECORD_VALUE_CHARS = 2000;

function addHeaderLine(headers: Map<string, string[]>, line: string): void {
  const colon = line.indexOf(':');
  if (colon <= 0) {
    return;
  }
  const name = line.slice(0, colon).trim().toLowerCase();
  if (!HEADER_NAME.test(name)) {
    return;
  }
  const value = line
    .slice(colon + 1)
    .replace(/\r?\n|\r/g, '')
    .trim();
  const values = headers.get(name);
  if (values) {
    values.push(value);
  } else {
    headers.set(name, [value]);
  }
}

/** Builds a header map from mailparser's `headerLines`, which keep each header with its folding. */
export function headerMapFromLines(lines: ReadonlyArray<{ key: string; line: string }>): HeaderMap {
  const headers = new Map<string, string[]>();
  for (const { line } of lines) {
    addHeaderLine(headers, line);
  }
  return headers;
}

/**
 * Reads the header section at the start of `raw` (at most `maxBytes` of it) without a
 * MIME parser. Handles CRLF, LF and CR-only line endings and skips an mbox `From ` line.
 * Bytes are decoded as UTF-8, so 8-bit header bytes in another charset become U+FFFD.
 */
export function readHeaderBlock(raw: Buffer, maxBytes: number): HeaderMap {
  const head = raw.subarray(0, Math.max(0, maxBytes)).toString('utf8');
  const end = head.search(/\r?\n\r?\n|\r\r/);
  const block = end < 0 ? head : head.slice(0, end);
  const headers = new Map<string, string[]>();
  let current: string | null = null;
  for (const line of block.split(/\r\n|\n|\r/)) {
    if (/^[ \t]/.test(line) && current !== null) {
      current += line;
      continue;
    }
    if (current !== null) {
      addHeaderLine(headers, current);
    }
    current = line.startsWith('From ') ? null : line;
  }
  if (current !== null) {
    addHeaderLine(headers, current);
  }
  return headers;
}

/** Returns the first value of a header, or null when the message does not have it. */
export function firstHeader(headers: HeaderMap, name: string): string | null {
  return headers.get(name.toLowerCase())?.[0] ?? null;
}

/**
 * Flattens a header map into one value per name for a failure report. Repeated headers
 * are joined with newlines, and names and values are capped in number and length.
 */
export function headersToRecord(headers: HeaderMap): Record<string, string> {
  // A null prototype, because a header named `__proto__` must stay an ordinary key.
  const record = Object.create(null) as Record<string, string>;
  let count = 0;
  for (const [name, values] of headers) {
    if (count >= MAX_RECORD_HEADERS) {
      break;
    }
    const joined = values.join('\n');
    record[name] = joined.length > MAX_RECORD_VALUE_CHARS ? `${joined.slice(0, MAX_RECORD_VALUE_CHARS)}…` : joined;
    count += 1;
  }
  return record;
}
