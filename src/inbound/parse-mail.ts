import { Readable } from 'node:stream';

import { simpleParser, type ParsedMail as MailparserMail, type SimpleParserOptions } from 'mailparser';

import { getLogger } from '../logging/logger.js';
import { classifyAutomatic } from './automatic-mail.js';
import { firstHeader, headerMapFromLines, headersToRecord, readHeaderBlock, type HeaderMap } from './header-block.js';
import { htmlToPlainText } from './html-to-text.js';
import { detectLanguage } from './language.js';
import { parseDateHeader, parseReturnPath, toAddressList } from './mail-fields.js';
import type { ParsedMail, ParseOptions, ParseResult } from './mail-types.js';
import { messageKeyFor, parseMessageId, parseMessageIdList } from './message-key.js';
import { extractNewText } from './quote-strip.js';
import { extractTicketTag, normalizeSubject } from './subject.js';

export type { ParsedMail, ParseOptions, ParseResult } from './mail-types.js';

const log = getLogger('inbound.parse-mail');

/** Bytes of the message searched for headers when the MIME parser is not used or fails; mailparser's own header limit. */
const MAX_HEADER_BYTES = 1024 * 1024;

/** Size of the pieces the message is fed to the parser in, so the timeout can fire between them. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Headers of which a message must have at least one to be taken as mail. Text that is
 * not a message at all may still contain a line that looks like a header.
 */
const MESSAGE_HEADERS = [
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'in-reply-to',
  'references',
  'return-path',
  'received',
  'delivered-to',
  'mime-version',
  'content-type',
];

const PARSER_OPTIONS: SimpleParserOptions = {
  // html-to-text.ts converts HTML-only messages itself, without line wrapping.
  skipHtmlToText: true,
  skipTextToHtml: true,
  keepCidLinks: true,
  // Report parts stay separate parts, so the classifier can see a message/delivery-status part.
  keepDeliveryStatus: true,
  checksumAlgo: false,
};

class ParseTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`parse timed out after ${timeoutMs} ms`);
    this.name = 'ParseTimeoutError';
  }
}

function validateOptions(options: ParseOptions): void {
  if (!Number.isFinite(options.maxBytes) || options.maxBytes <= 0) {
    throw new RangeError(`invalid maxBytes ${options.maxBytes}: expected a positive number of bytes`);
  }
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new RangeError(`invalid timeoutMs ${options.timeoutMs}: expected a positive number of milliseconds`);
  }
}

function chunksOf(raw: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < raw.length; offset += CHUNK_BYTES) {
    chunks.push(raw.subarray(offset, offset + CHUNK_BYTES));
  }
  return chunks;
}

/**
 * Runs mailparser with a time limit. On timeout the input stream is destroyed with an
 * error, which makes mailparser stop and release the parser.
 */
async function parseWithTimeout(raw: Buffer, timeoutMs: number): Promise<MailparserMail> {
  const source = Readable.from(chunksOf(raw));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new ParseTimeoutError(timeoutMs);
      reject(error);
      source.destroy(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([simpleParser(source, PARSER_OPTIONS), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function failure(raw: Buffer, reason: string, headers: HeaderMap): ParseResult {
  const messageKey = messageKeyFor(firstHeader(headers, 'message-id'), raw);
  log.warn({ messageKey, sizeBytes: raw.length, reason }, 'inbound mail could not be parsed');
  return { ok: false, reason, messageKey, headers: headersToRecord(headers) };
}

function bodyText(mail: MailparserMail, messageKey: string): string {
  const text = (mail.text ?? '').replace(/\r\n?/g, '\n').trim();
  if (text !== '' || typeof mail.html !== 'string' || mail.html.trim() === '') {
    return text;
  }
  try {
    return htmlToPlainText(mail.html);
  } catch (error) {
    log.warn({ messageKey, err: error }, 'HTML body could not be converted to text');
    return '';
  }
}

function buildParsedMail(raw: Buffer, mail: MailparserMail, headers: HeaderMap, options: ParseOptions): ParsedMail {
  const prefix = options.tagPrefix ?? '';
  const messageId = parseMessageId(firstHeader(headers, 'message-id'));
  const messageKey = messageKeyFor(messageId, raw);
  const subject = (mail.subject ?? '').trim();
  const normalizedSubject = normalizeSubject(subject, prefix);
  const from = toAddressList(mail.from)[0] ?? null;
  const returnPath = parseReturnPath(headers);
  const attachments = mail.attachments.map((attachment) => ({
    filename: attachment.filename ?? null,
    contentType: attachment.contentType,
    size: attachment.size,
  }));
  const fullText = bodyText(mail, messageKey);
  const text = extractNewText(fullText);
  const verdict = classifyAutomatic(headers, from, returnPath, firstHeader(headers, 'content-type'), subject, {
    ownDomains: options.ownDomains ?? [],
    partContentTypes: attachments.map((attachment) => attachment.contentType),
  });

  return {
    messageId,
    messageKey,
    inReplyTo: parseMessageId(firstHeader(headers, 'in-reply-to')),
    references: parseMessageIdList((headers.get('references') ?? []).join(' ')),
    from,
    to: toAddressList(mail.to),
    cc: toAddressList(mail.cc),
    replyTo: toAddressList(mail.replyTo),
    returnPath,
    subject,
    normalizedSubject,
    ticketTag: extractTicketTag(subject, prefix),
    date: parseDateHeader(firstHeader(headers, 'date')),
    fullText,
    text,
    language: detectLanguage(`${normalizedSubject}\n${text}`),
    automatic: verdict.automatic,
    automaticReason: verdict.reason,
    automaticKind: verdict.kind,
    attachments,
    sizeBytes: raw.length,
  };
}

/**
 * Parses a raw RFC 5322 message into the fields ticketing needs. Never rejects for a bad
 * message: an oversized, unparseable, too slow or headerless message gives
 * `{ ok: false }` with a reason, the message key and the headers that could be read.
 * Throws a RangeError only for invalid options.
 */
export async function parseMail(raw: Buffer, options: ParseOptions): Promise<ParseResult> {
  validateOptions(options);
  if (raw.length > options.maxBytes) {
    return failure(raw, `oversized: ${raw.length} bytes over limit ${options.maxBytes}`, readHeaderBlock(raw, MAX_HEADER_BYTES));
  }

  let mail: MailparserMail;
  try {
    mail = await parseWithTimeout(raw, options.timeoutMs);
  } catch (error) {
    const reason = error instanceof ParseTimeoutError ? error.message : `unparseable: ${error instanceof Error ? error.message : String(error)}`;
    return failure(raw, reason, readHeaderBlock(raw, MAX_HEADER_BYTES));
  }

  const headers = headerMapFromLines(mail.headerLines ?? []);
  if (!MESSAGE_HEADERS.some((name) => headers.has(name))) {
    return failure(raw, 'unparseable: no message headers found', headers);
  }
  return { ok: true, mail: buildParsedMail(raw, mail, headers, options) };
}
