import { isUtf8 } from 'node:buffer';

import { decodeBytes } from './charset.js';

/**
 * Repair of headers sent with raw 8-bit bytes instead of encoded words. mailparser reads
 * header bytes as UTF-8, so a windows-1250 Subject becomes U+FFFD characters. The raw
 * bytes are read again here and decoded by a charset guess.
 */

/** Bytes of the message searched for the header block. */
const MAX_HEADER_BLOCK_BYTES = 1024 * 1024;

export interface RawHeaderGuess {
  /** The decoded value. */
  value: string;
  /** The charset the value was decoded with, e.g. `windows-1250`. */
  charset: string;
  /** The raw header value (unfolded, without the name) as Base64, kept because the decoding is a guess. */
  rawBase64: string;
}

/** Returns the unfolded raw bytes of the first header `name` of the top-level header block, or null. */
export function rawHeaderBytes(raw: Buffer, name: string): Buffer | null {
  // latin1 maps every byte to one character, so the string offsets are byte offsets.
  const head = raw.subarray(0, MAX_HEADER_BLOCK_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const block = end < 0 ? head : head.slice(0, end);
  const lines = block.split(/\r?\n/);
  const prefix = `${name.toLowerCase()}:`;
  for (let index = 0; index < lines.length; index += 1) {
    if (!(lines[index] ?? '').toLowerCase().startsWith(prefix)) {
      continue;
    }
    let value = (lines[index] ?? '').slice(prefix.length);
    for (let next = index + 1; next < lines.length && /^[ \t]/.test(lines[next] ?? ''); next += 1) {
      value += lines[next];
    }
    return Buffer.from(value.trim(), 'latin1');
  }
  return null;
}

/**
 * Decodes a header that carries 8-bit bytes which are not UTF-8 and no encoded word.
 * Returns null when the header is missing, is 7-bit or valid UTF-8, or uses encoded
 * words, because mailparser decodes those cases correctly.
 */
export function guessRawHeader(raw: Buffer, name: string): RawHeaderGuess | null {
  const bytes = rawHeaderBytes(raw, name);
  if (bytes === null || !bytes.some((byte) => byte > 0x7f) || isUtf8(bytes) || bytes.includes('=?')) {
    return null;
  }
  const decoded = decodeBytes(bytes, null);
  return { value: decoded.text.replace(/\s+/g, ' ').trim(), charset: decoded.charset, rawBase64: bytes.toString('base64') };
}
