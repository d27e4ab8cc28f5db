import type { AddressObject, Headers } from 'mailparser';

import { getLogger } from '../logging/logger.js';
import { classifyAutomatic } from './automatic-mail.js';
import { firstHeader, headerMapFromLines, headersToRecord, readHeaderBlock, type HeaderMap } from './header-block.js';
import { HtmlTooDeepError, htmlToPlainText } from './html-to-text.js';
import { detectLanguage } from './language.js';
import { parseDateHeader, parseReturnPath, toAddressList } from './mail-fields.js';
import type { MailAttachment, ParsedMail, ParseOptions, ParseResult } from './mail-types.js';
import { messageKeyFor, parseMessageId, parseMessageIdList } from './message-key.js';
import { ParseTimeoutError, parseMime, type MimeParseResult } from './mime-parser.js';
import { extractNewText } from './quote-strip.js';
import { guessRawHeader } from './raw-header.js';
import { extractTicketTag, normalizeSubject } from './subject.js';

export type { ParsedMail, ParseOptions, ParseResult } from './mail-types.js';

const log = getLogger('inbound.parse-mail');

/** Bytes of the message searched for headers when the MIME parser is not used or fails; mailparser's own header limit. */
const MAX_HEADER_BYTES = 1024 * 1024;

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

/** Content types and file names of Outlook's TNEF container, which other clients cannot open. */
const TNEF_CONTENT_TYPES = new Set(['application/ms-tnef', 'application/vnd.ms-tnef']);
const TNEF_FILENAME = /^winmail\.dat$/i;

function validateOptions(options: ParseOptions): void {
  if (!Number.isFinite(options.maxBytes) || options.maxBytes <= 0) {
    throw new RangeError(`invalid maxBytes ${options.maxBytes}: expected a positive number of bytes`);
  }
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new RangeError(`invalid timeoutMs ${options.timeoutMs}: expected a positive number of milliseconds`);
  }
}

function failure(raw: Buffer, reason: string, headers: HeaderMap): ParseResult {
  const messageKey = messageKeyFor(firstHeader(headers, 'message-id'), raw);
  log.warn({ messageKey, sizeBytes: raw.length, reason }, 'inbound mail could not be parsed');
  return { ok: false, reason, messageKey, headers: headersToRecord(headers) };
}

/**
 * Returns the text body: the text parts, or the HTML converted to text when there is no
 * text. Throws HtmlTooDeepError for HTML nested too deep to convert.
 */
function bodyText(parsed: MimeParseResult, messageKey: string): string {
  const text = parsed.text.replace(/\r\n?/g, '\n').trim();
  if (text !== '' || parsed.html === null || parsed.html.trim() === '') {
    return text;
  }
  try {
    return htmlToPlainText(parsed.html);
  } catch (error) {
    if (error instanceof HtmlTooDeepError) {
      throw error;
    }
    log.warn({ messageKey, err: error }, 'HTML body could not be converted to text');
    return '';
  }
}

function headerText(headers: Headers, name: string): string {
  const value = headers.get(name);
  return typeof value === 'string' ? value : '';
}

function headerAddresses(headers: Headers, name: string): AddressObject | AddressObject[] | undefined {
  const value = headers.get(name) as AddressObject | AddressObject[] | undefined;
  return value !== undefined && typeof value === 'object' ? value : undefined;
}

function isTnef(contentType: string, filename: string | null): boolean {
  return TNEF_CONTENT_TYPES.has(contentType.toLowerCase()) || (filename !== null && TNEF_FILENAME.test(filename));
}

function buildAttachments(parsed: MimeParseResult, warnings: string[]): MailAttachment[] {
  return parsed.attachments.map((attachment) => {
    const tnef = isTnef(attachment.contentType, attachment.filename);
    if (tnef) {
      warnings.push(`TNEF attachment ${attachment.filename ?? '(unnamed)'} kept as a file, not unpacked: Outlook rich text and files inside it are not extracted`);
    }
    if (attachment.stored?.skippedReason) {
      warnings.push(`attachment ${attachment.filename ?? '(unnamed)'} not stored: ${attachment.stored.skippedReason}`);
    }
    return {
      filename: attachment.filename,
      contentType: attachment.contentType,
      size: attachment.size,
      storageRef: attachment.stored?.ref ?? null,
      tnef,
    };
  });
}

function buildParsedMail(raw: Buffer, parsed: MimeParseResult, headers: HeaderMap, options: ParseOptions): ParsedMail {
  const prefix = options.tagPrefix ?? '';
  const messageId = parseMessageId(firstHeader(headers, 'message-id'));
  const messageKey = messageKeyFor(messageId, raw);
  const subjectGuess = guessRawHeader(raw, 'subject');
  const subject = subjectGuess?.value ?? headerText(parsed.headers, 'subject').trim();
  const normalizedSubject = normalizeSubject(subject, prefix);
  const from = toAddressList(headerAddresses(parsed.headers, 'from'))[0] ?? null;
  const returnPath = parseReturnPath(headers);
  const warnings: string[] = [];
  const attachments = buildAttachments(parsed, warnings);
  const fullText = bodyText(parsed, messageKey);
  const text = extractNewText(fullText);
  const verdict = classifyAutomatic(headers, from, returnPath, firstHeader(headers, 'content-type'), subject, {
    ownDomains: options.ownDomains ?? [],
    partContentTypes: attachments.map((attachment) => attachment.contentType),
  });
  const exceedsSizeLimit = raw.length > options.maxBytes;
  if (exceedsSizeLimit) {
    warnings.push(`message of ${raw.length} bytes is over the limit of ${options.maxBytes} bytes: headers and text kept, attachments not stored`);
  }

  return {
    messageId,
    messageKey,
    inReplyTo: parseMessageId(firstHeader(headers, 'in-reply-to')),
    references: parseMessageIdList((headers.get('references') ?? []).join(' ')),
    from,
    to: toAddressList(headerAddresses(parsed.headers, 'to')),
    cc: toAddressList(headerAddresses(parsed.headers, 'cc')),
    replyTo: toAddressList(headerAddresses(parsed.headers, 'reply-to')),
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
    exceedsSizeLimit,
    subjectCharsetGuess: subjectGuess ? { charset: subjectGuess.charset, rawBase64: subjectGuess.rawBase64 } : null,
    warnings,
  };
}

function failureReason(error: unknown): string {
  if (error instanceof ParseTimeoutError) {
    return error.message;
  }
  return `unparseable: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Parses a raw RFC 5322 message into the fields ticketing needs, streaming attachments
 * to `options.attachmentSink`. Never rejects for a bad message: an unparseable, too
 * slow, too deeply nested or headerless message gives `{ ok: false }` with a reason, the
 * message key and the headers that could be read. A message over `maxBytes` is parsed
 * with `exceedsSizeLimit` set and its attachments counted but not stored. Throws a
 * RangeError only for invalid options.
 */
export async function parseMail(raw: Buffer, options: ParseOptions): Promise<ParseResult> {
  validateOptions(options);
  const exceedsSizeLimit = raw.length > options.maxBytes;

  let parsed: MimeParseResult;
  let headers: HeaderMap;
  try {
    parsed = await parseMime(raw, {
      timeoutMs: options.timeoutMs,
      sink: exceedsSizeLimit ? null : (options.attachmentSink ?? null),
      messageKeyOf: (topHeaders) => messageKeyFor(parseMessageId(headerText(topHeaders, 'message-id')), raw),
    });
    headers = headerMapFromLines(parsed.headerLines);
    if (!MESSAGE_HEADERS.some((name) => headers.has(name))) {
      return failure(raw, 'unparseable: no message headers found', headers);
    }
    return { ok: true, mail: buildParsedMail(raw, parsed, headers, options) };
  } catch (error) {
    // Any error here comes from one message (a timeout, a tree or HTML nested too deep, a
    // parser or sink failure), so the message is reported instead of stopping the caller.
    return failure(raw, failureReason(error), readHeaderBlock(raw, MAX_HEADER_BYTES));
  }
}
