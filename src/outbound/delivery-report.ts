import { simpleParser } from 'mailparser';
import { ownMessageIdPattern } from './outbound-mail.js';

/**
 * Reading of delivery status notifications (RFC 3464 bounces) about mail Linia
 * sent: which recipients failed for good, and which of our messages came back.
 */

/** One recipient block of a `message/delivery-status` part. */
export interface RecipientStatus {
  /** The reported address, lower-cased, from Final-Recipient (or Original-Recipient when that is missing). */
  address: string;
  /** The Original-Recipient address, lower-cased, when given: the address the sender used before forwarding. */
  originalAddress: string | null;
  /** The Action field, lower-cased: failed, delayed, delivered, relayed or expanded. */
  action: string;
  /** The Status field's code, e.g. `5.1.1`, or null when absent. */
  status: string | null;
}

export interface DeliveryReport {
  recipients: RecipientStatus[];
  /** Message-IDs of the returned message, from its quoted headers or the report's text. */
  originalMessageIds: string[];
  /** Subject of the returned message, from its quoted headers, or null. */
  originalSubject: string | null;
}

/** Maximum time for reading the report parts. The whole message was already parsed once within its own limit. */
const REPORT_PARSE_TIMEOUT_MS = 5_000;

/** Joins folded header lines (a line starting with white space continues the previous one). */
function unfold(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\n[ \t]+/g, ' ');
}

/** Splits `Name: value` lines of one block into a lower-cased name → value map; the first occurrence wins. */
function fieldsOf(block: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of block.split('\n')) {
    const match = /^([A-Za-z0-9-]+)\s*:\s*(.*)$/.exec(line);
    if (match && !fields.has(match[1].toLowerCase())) {
      fields.set(match[1].toLowerCase(), match[2].trim());
    }
  }
  return fields;
}

/** Takes the address out of an `rfc822; someone@example.com` recipient field. */
function recipientAddress(value: string | undefined): string | null {
  if (!value) {
    return null;
  }
  const address = value.includes(';') ? value.slice(value.indexOf(';') + 1) : value;
  const cleaned = address.trim().replace(/^<|>$/g, '').toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(cleaned) ? cleaned : null;
}

/** Reads the per-recipient blocks of a `message/delivery-status` body. */
export function parseDeliveryStatus(body: string): RecipientStatus[] {
  const blocks = unfold(body).split(/\n\s*\n/);
  const recipients: RecipientStatus[] = [];
  // The first block describes the message as a whole; recipient blocks follow it.
  for (const block of blocks) {
    const fields = fieldsOf(block);
    const originalAddress = recipientAddress(fields.get('original-recipient'));
    const address = recipientAddress(fields.get('final-recipient')) ?? originalAddress;
    if (!address) {
      continue;
    }
    const status = /\d\.\d{1,3}\.\d{1,3}/.exec(fields.get('status') ?? '')?.[0] ?? null;
    recipients.push({ address, originalAddress, action: (fields.get('action') ?? '').split(/\s/)[0].toLowerCase(), status });
  }
  return recipients;
}

/** True when the recipient failed for good: Action `failed`, or no Action with a 5.x.x status. */
export function isPermanentFailure(recipient: RecipientStatus): boolean {
  if (recipient.action !== '') {
    return recipient.action === 'failed';
  }
  return recipient.status?.startsWith('5.') ?? false;
}

function quotedHeaders(content: string): Map<string, string> {
  const text = content.replace(/\r\n?/g, '\n');
  const end = text.indexOf('\n\n');
  return fieldsOf(unfold(end < 0 ? text : text.slice(0, end)));
}

function messageIdsIn(text: string): string[] {
  return [...text.matchAll(/<([^<>\s@]+@[^<>\s@]+)>/g)].map((match) => match[1]);
}

async function parseWithTimeout(raw: Buffer): Promise<Awaited<ReturnType<typeof simpleParser>>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`delivery report parse timed out after ${REPORT_PARSE_TIMEOUT_MS} ms`)), REPORT_PARSE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([simpleParser(raw, { keepDeliveryStatus: true, skipHtmlToText: true, skipTextToHtml: true }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads a bounce: the recipient blocks of its `message/delivery-status` part and
 * the Message-ID and Subject of the returned message (a `message/rfc822` or
 * `text/rfc822-headers` part). Message-IDs that Linia generated under
 * `messageIdDomain` are also taken from the report's text, for a bounce that
 * returns no headers part.
 */
export async function readDeliveryReport(raw: Buffer, messageIdDomain: string): Promise<DeliveryReport> {
  const mail = await parseWithTimeout(raw);
  const report: DeliveryReport = { recipients: [], originalMessageIds: [], originalSubject: null };
  for (const part of mail.attachments) {
    const type = part.contentType.toLowerCase();
    const content = part.content.toString('utf8');
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') {
      report.recipients.push(...parseDeliveryStatus(content));
    } else if (type === 'message/rfc822' || type === 'text/rfc822-headers' || type === 'message/global-headers' || type === 'message/global') {
      const headers = quotedHeaders(content);
      report.originalMessageIds.push(...messageIdsIn(headers.get('message-id') ?? ''));
      report.originalSubject ??= headers.get('subject') ?? null;
    }
  }
  for (const match of (mail.text ?? '').matchAll(ownMessageIdPattern(messageIdDomain))) {
    report.originalMessageIds.push(match[0]);
  }
  report.originalMessageIds = [...new Set(report.originalMessageIds)];
  return report;
}
