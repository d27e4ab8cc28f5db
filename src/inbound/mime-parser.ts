import { PassThrough, Readable } from 'node:stream';

import { MailParser, type AttachmentStream, type Headers, type HeaderLines, type MailParserOptions, type MessageText } from 'mailparser';

import { GuessingDecoder, UTF8_OR_GUESS } from './charset.js';
import type { AttachmentSink, StoredAttachment } from './mail-types.js';

/**
 * Streaming MIME parse of one raw message. Attachments go to an attachment sink (or are
 * drained and counted) one at a time, so their decoded content is never all in memory.
 * The parse stops with a typed error when it takes too long or the MIME tree nests too deep.
 */

/** Size of the pieces the message is fed to the parser in, so the timeout can fire between them. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Deepest multipart nesting accepted. Clients nest a forwarded message with attachments
 * about five levels deep. mailsplit only limits the number of parts, not their depth.
 */
export const MAX_MIME_DEPTH = 32;

/** A parse that took longer than its time limit. */
export class ParseTimeoutError extends Error {
  override readonly name = 'ParseTimeoutError';

  constructor(readonly timeoutMs: number) {
    super(`parse timed out after ${timeoutMs} ms`);
  }
}

/** A MIME tree nested deeper than MAX_MIME_DEPTH. */
export class MimeTooDeepError extends Error {
  override readonly name = 'MimeTooDeepError';

  constructor(readonly maxDepth: number) {
    super(`MIME parts nested deeper than ${maxDepth} levels`);
  }
}

const PARSER_OPTIONS: MailParserOptions = {
  // html-to-text.ts converts HTML-only messages itself, without line wrapping.
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipTextLinks: true,
  // Report parts stay separate parts, so the classifier can see a message/delivery-status part.
  keepDeliveryStatus: true,
  checksumAlgo: false,
  // Every text part not declared UTF-8 is decoded by charset.ts, which checks for UTF-8 bytes first.
  Iconv: GuessingDecoder,
};

/** The node of mailparser's MIME tree, as far as the subclass below reads it. */
interface TreeNode {
  parent?: TreeNode;
  contentType?: string;
  charset?: string;
}

/**
 * mailparser with two additions in its `createNode` step. That step is internal to
 * mailparser 3.14, so a mailparser upgrade must keep the charset tests passing. Text
 * parts labelled UTF-8 or not labelled get a label that routes them through charset.ts,
 * because mailparser does not decode them at all. The tree depth is checked for each new part.
 */
class CheckedMailParser extends MailParser {
  constructor(private readonly onTooDeep: () => void) {
    super(PARSER_OPTIONS);
  }

  createNode(node: unknown): TreeNode {
    const created = (MailParser.prototype as unknown as { createNode(node: unknown): TreeNode }).createNode.call(this, node);
    // The root part of a message without Content-Type has no content type yet; mailparser reads it as text/plain.
    const contentType = typeof created.contentType === 'string' ? created.contentType.toLowerCase() : 'text/plain';
    const charset = typeof created.charset === 'string' ? created.charset.trim() : '';
    if (contentType.startsWith('text/') && (charset === '' || /^utf-?8$/i.test(charset))) {
      created.charset = UTF8_OR_GUESS;
    }
    let depth = 0;
    for (let ancestor = created.parent; ancestor !== undefined; ancestor = ancestor.parent) {
      depth += 1;
    }
    if (depth > MAX_MIME_DEPTH) {
      this.onTooDeep();
    }
    return created;
  }
}

export interface MimeAttachment {
  filename: string | null;
  contentType: string;
  contentDisposition: string | null;
  /** Decoded size in bytes, counted while streaming. */
  size: number;
  stored: StoredAttachment | null;
}

export interface MimeParseResult {
  headers: Headers;
  headerLines: HeaderLines;
  text: string;
  html: string | null;
  attachments: MimeAttachment[];
}

export interface MimeParseOptions {
  timeoutMs: number;
  /** Receives each attachment's content; without it attachments are only counted. */
  sink: AttachmentSink | null;
  /** Called once the top-level headers are known, to name the message for the sink. */
  messageKeyOf: (headers: Headers) => string;
}

function chunksOf(raw: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < raw.length; offset += CHUNK_BYTES) {
    chunks.push(raw.subarray(offset, offset + CHUNK_BYTES));
  }
  return chunks;
}

/** Counts the bytes of an attachment on their way to the sink, or drains them when there is no sink. */
async function consumeAttachment(
  attachment: AttachmentStream,
  index: number,
  messageKey: string,
  sink: AttachmentSink | null,
): Promise<MimeAttachment> {
  let size = 0;
  const counted = new PassThrough();
  attachment.content.on('data', (chunk: Buffer) => {
    size += chunk.length;
  });
  attachment.content.on('error', (error) => counted.destroy(error));
  attachment.content.pipe(counted);

  const filename = typeof attachment.filename === 'string' ? attachment.filename : null;
  // mailparser leaves the content type false for a part whose Content-Type header is broken.
  const contentType = typeof attachment.contentType === 'string' && attachment.contentType !== '' ? attachment.contentType : 'application/octet-stream';
  let stored: StoredAttachment | null = null;
  if (sink) {
    stored = await sink.store({ messageKey, index, filename, contentType }, counted);
  } else {
    counted.resume();
    await new Promise<void>((resolve, reject) => {
      counted.once('end', resolve);
      counted.once('error', reject);
    });
  }
  const disposition = typeof attachment.contentDisposition === 'string' ? attachment.contentDisposition : null;
  return { filename, contentType, contentDisposition: disposition, size, stored };
}

/**
 * Parses `raw` with mailparser, streaming attachments one at a time. Rejects with
 * ParseTimeoutError, MimeTooDeepError or mailparser's own error; attachments already
 * stored by the sink are removed again on failure.
 */
export function parseMime(raw: Buffer, options: MimeParseOptions): Promise<MimeParseResult> {
  return new Promise<MimeParseResult>((resolve, reject) => {
    const source = Readable.from(chunksOf(raw));
    const attachments: MimeAttachment[] = [];
    let headers: Headers = new Map();
    let headerLines: HeaderLines = [];
    let messageText: MessageText | null = null;
    let messageKey = '';
    let settled = false;
    let current: AttachmentStream | null = null;

    const fail = (error: unknown): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      source.unpipe();
      source.destroy();
      parser.destroy();
      // An attachment on its way to the sink must end, so the sink closes its file or upload.
      current?.content.destroy(error instanceof Error ? error : new Error(String(error)));
      void removeStored(attachments, options.sink).finally(() => reject(error));
    };

    const parser = new CheckedMailParser(() => fail(new MimeTooDeepError(MAX_MIME_DEPTH)));
    const timer = setTimeout(() => fail(new ParseTimeoutError(options.timeoutMs)), options.timeoutMs);

    parser.on('headers', (parsed: Headers) => {
      headers = parsed;
      headerLines = parser.headerLines || [];
      messageKey = options.messageKeyOf(parsed);
    });
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        messageText = data;
        return;
      }
      current = data;
      consumeAttachment(data, attachments.length, messageKey, options.sink)
        .then((attachment) => {
          current = null;
          attachments.push(attachment);
          if (settled) {
            // The parse failed while this attachment was being stored.
            void removeStored([attachment], options.sink);
            return;
          }
          data.release?.();
        })
        .catch(fail);
    });
    parser.on('error', fail);
    parser.on('end', () => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      const text = messageText as MessageText | null;
      resolve({
        headers,
        headerLines,
        text: text?.text ?? '',
        html: typeof text?.html === 'string' ? text.html : null,
        attachments,
      });
    });
    source.on('error', fail);
    source.pipe(parser);
  });
}

async function removeStored(attachments: readonly MimeAttachment[], sink: AttachmentSink | null): Promise<void> {
  if (!sink) {
    return;
  }
  for (const attachment of attachments) {
    if (attachment.stored?.ref) {
      await sink.remove(attachment.stored.ref).catch(() => undefined);
    }
  }
}
