import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';

import iconv from 'iconv-lite';

/**
 * Charset decoding for text bodies and raw headers, with the repairs that Polish mail
 * needs: UTF-8 bytes sent under a single-byte label, single-byte bytes sent under a
 * UTF-8 label or none, and 8-bit headers without an encoded word. Such text is decoded
 * by a guess between windows-1250 and ISO-8859-2, the two charsets Polish mail uses.
 */

/** Charset label that parse-mail gives text parts declared as UTF-8 or without a charset, so their bytes get checked. */
export const UTF8_OR_GUESS = 'x-linia-utf8-or-guess';

/** Largest text part decoded, in bytes. A longer text part is cut, because all of it is held in memory. */
export const MAX_TEXT_PART_BYTES = 8 * 1024 * 1024;

/** Charset names that iconv-lite 0.7 does not resolve, with the charset they stand for. */
const EXTRA_ALIASES: Readonly<Record<string, string>> = {
  xcp1250: 'windows-1250',
  xcp1252: 'windows-1252',
  xwindows1250: 'windows-1250',
  win1250: 'windows-1250',
  xlatin2: 'iso-8859-2',
};

/** Bytes that encode a Polish letter in one of the two charsets and something else in the other. */
const POLISH_LETTERS = /[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/g;

/** Returns the iconv-lite name of a charset label, or null when iconv-lite does not know it. */
export function resolveCharset(label: string): string | null {
  const compact = label.toLowerCase().replace(/[^a-z0-9]/g, '');
  const candidate = EXTRA_ALIASES[compact] ?? label.trim();
  return candidate !== '' && iconv.encodingExists(candidate) ? candidate : null;
}

/** Counts Polish letters in a string. */
function polishLetterCount(text: string): number {
  return text.match(POLISH_LETTERS)?.length ?? 0;
}

/**
 * Guesses the single-byte charset of bytes that are not UTF-8: windows-1250 when a byte
 * from 0x80 to 0x9F occurs (control codes in ISO-8859-2), otherwise the one of the two
 * that yields more Polish letters, and windows-1250 on a tie.
 */
export function guessLegacyCharset(bytes: Buffer): 'windows-1250' | 'iso-8859-2' {
  if (bytes.some((byte) => byte >= 0x80 && byte <= 0x9f)) {
    return 'windows-1250';
  }
  const iso = polishLetterCount(iconv.decode(bytes, 'iso-8859-2'));
  const windows = polishLetterCount(iconv.decode(bytes, 'windows-1250'));
  return iso > windows ? 'iso-8859-2' : 'windows-1250';
}

/** True when the bytes are valid UTF-8 and contain at least one byte above 0x7F. */
function isMultibyteUtf8(bytes: Buffer): boolean {
  return bytes.some((byte) => byte > 0x7f) && isUtf8(bytes);
}

export interface DecodedText {
  text: string;
  /** The charset the bytes were decoded with. */
  charset: string;
  /** True when the charset was guessed instead of taken from the label. */
  guessed: boolean;
}

/**
 * Decodes bytes labelled with `label`. Valid UTF-8 with 8-bit bytes is read as UTF-8
 * whatever the label says, because text that happens to be valid UTF-8 in a single-byte
 * charset is very unlikely. Bytes under a UTF-8 label, no label or an unknown label that
 * are not valid UTF-8 are decoded by `guessLegacyCharset`.
 */
export function decodeBytes(bytes: Buffer, label: string | null): DecodedText {
  if (isMultibyteUtf8(bytes)) {
    return { text: bytes.toString('utf8'), charset: 'utf-8', guessed: label === null || resolveCharset(label) !== 'utf-8' };
  }
  const resolved = label === null || label === UTF8_OR_GUESS ? null : resolveCharset(label);
  const isUtf8Label = resolved !== null && /^utf-?8$/i.test(resolved);
  if (resolved !== null && !isUtf8Label) {
    return { text: iconv.decode(bytes, resolved), charset: resolved, guessed: false };
  }
  if (!bytes.some((byte) => byte > 0x7f)) {
    return { text: bytes.toString('utf8'), charset: 'utf-8', guessed: false };
  }
  const charset = guessLegacyCharset(bytes);
  return { text: iconv.decode(bytes, charset), charset, guessed: true };
}

/**
 * A decoder with the interface of node-iconv's `Iconv` class, given to mailparser as its
 * `Iconv` option. It collects a text part (up to MAX_TEXT_PART_BYTES) and decodes it with
 * `decodeBytes` at the end, because the choice of charset needs all the bytes.
 */
export class GuessingDecoder extends Transform {
  private readonly chunks: Buffer[] = [];
  private length = 0;

  constructor(private readonly label: string, _toCharset?: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.length < MAX_TEXT_PART_BYTES) {
      const room = MAX_TEXT_PART_BYTES - this.length;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      this.chunks.push(kept);
      this.length += kept.length;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    const decoded = decodeBytes(Buffer.concat(this.chunks, this.length), this.label);
    done(null, Buffer.from(decoded.text, 'utf8'));
  }
}
