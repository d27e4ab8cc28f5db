import { firstHeader, type HeaderMap } from './header-block.js';
import type { MailAddress } from './mail-fields.js';
import { parseMessageId } from './message-key.js';
import { foldText } from './text-normalize.js';

/**
 * Detection of mail that no person wrote: bounces, auto-replies, list and bulk mail,
 * system notifications and Linia's own mail coming back. Linia must not open tickets
 * for such mail or reply to it, or two robots end up mailing each other forever.
 *
 * Only headers and MIME structure decide. The subject alone never does, because a
 * person may well write "Out of office" in a subject. It only refines the kind of a
 * message that a header already marked.
 */

export type AutomaticKind = 'bounce' | 'auto-reply' | 'list' | 'bulk' | 'system' | 'loop';

export interface AutomaticVerdict {
  automatic: boolean;
  /** The first rule that matched, as a short phrase naming the header, e.g. `Auto-Submitted: auto-replied`. */
  reason: string | null;
  kind: AutomaticKind | null;
}

export interface ClassifyOptions {
  /** Linia's own Message-ID domains and mailbox addresses. A domain also covers its subdomains. */
  ownDomains?: readonly string[];
  /** Content types of the message's MIME parts, which tell the kind of a multipart/report without a report-type. */
  partContentTypes?: readonly string[];
}

type Rule = (input: RuleInput) => AutomaticVerdict | null;

interface RuleInput {
  headers: HeaderMap;
  from: MailAddress | null;
  returnPath: string | null;
  contentType: string;
  subject: string;
  own: OwnIdentity;
  partContentTypes: readonly string[];
}

interface OwnIdentity {
  domains: string[];
  addresses: string[];
}

/** Local parts of mailboxes that report delivery problems. A `+tag` or `-suffix` may follow. */
const BOUNCE_LOCAL_PART = /^(?:mailer[-_]?daemon|postmaster|bounces?)(?:[+\-_.].*)?$/i;

/**
 * Local parts of notification senders that do not accept replies. The word may stand
 * alone or be one part of a longer local part, as in `newsalerts-noreply`.
 */
const NO_REPLY_LOCAL_PART = /(?:^|[+\-_.])(?:no[-_.]?reply|do[-_.]?not[-_.]?reply)(?:$|[+\-_.])/i;

/**
 * Values of Microsoft's X-Auto-Response-Suppress that ask not to send auto-replies. DR,
 * NDR, RN and NRN only turn off delivery and read receipts, so they alone are not taken
 * as a sign of automatic mail.
 */
const SUPPRESS_AUTO_REPLY_VALUES = new Set(['all', 'oof', 'autoreply']);

/** Subject phrases of out-of-office and auto-reply messages, folded (lower case, no diacritics). */
const AUTO_REPLY_SUBJECT =
  /\b(?:odpowiedz automatyczna|automatyczna odpowiedz|nieobecnosc|out of (?:the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|autoresponse)\b/;

/** Maximum length of a header value quoted in a reason, in characters, so that a reason stays one short line. */
const MAX_REASON_VALUE_CHARS = 200;

function verdict(kind: AutomaticKind, reason: string): AutomaticVerdict {
  return { automatic: true, kind, reason };
}

/** Formats a reason that quotes a header, e.g. `Auto-Submitted: auto-replied`. */
function headerReason(name: string, value: string): string {
  const shown = value.length > MAX_REASON_VALUE_CHARS ? `${value.slice(0, MAX_REASON_VALUE_CHARS)}…` : value;
  return `${name}: ${shown}`;
}

function firstToken(value: string): string {
  return (value.split(/[\s;(]/)[0] ?? '').toLowerCase();
}

function localPart(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? address : address.slice(0, at);
}

function domainPart(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? '' : address.slice(at + 1).toLowerCase();
}

function ownIdentity(ownDomains: readonly string[]): OwnIdentity {
  const identity: OwnIdentity = { domains: [], addresses: [] };
  for (const entry of ownDomains) {
    const value = entry.trim().toLowerCase();
    if (value.includes('@') && !value.startsWith('@')) {
      identity.addresses.push(value);
    } else if (value !== '') {
      identity.domains.push(value.replace(/^[@.]+/, ''));
    }
  }
  return identity;
}

function isOwnDomain(domain: string, own: OwnIdentity): boolean {
  const normalized = domain.toLowerCase().replace(/\.$/, '');
  return normalized !== '' && own.domains.some((ownDomain) => normalized === ownDomain || normalized.endsWith(`.${ownDomain}`));
}

/** Tells whether a header value names one of Linia's own addresses or domains. */
function mentionsOwnIdentity(value: string, own: OwnIdentity): boolean {
  for (const token of value.toLowerCase().split(/[\s<>,;()"']+/)) {
    if (token === '') {
      continue;
    }
    if (token.includes('@')) {
      if (own.addresses.includes(token) || isOwnDomain(domainPart(token), own)) {
        return true;
      }
    } else if (isOwnDomain(token, own)) {
      return true;
    }
  }
  return false;
}

/** Returns the report-type parameter of a multipart/report Content-Type, lower-cased, or '' when absent. */
function reportType(contentType: string): string {
  return /report-type\s*=\s*"?([\w.-]+)"?/i.exec(contentType)?.[1]?.toLowerCase() ?? '';
}

/** Returns the verdict for one report type, or null for an unknown type. */
function reportVerdict(type: string, reason: string): AutomaticVerdict | null {
  switch (type) {
    case 'delivery-status':
      return verdict('bounce', reason);
    case 'disposition-notification':
      return verdict('system', `${reason} (read receipt)`);
    case 'feedback-report':
      return verdict('system', `${reason} (abuse report)`);
    default:
      return null;
  }
}

const loopRule: Rule = ({ headers, from, own }) => {
  if (own.domains.length === 0 && own.addresses.length === 0) {
    return null;
  }
  for (const value of headers.get('x-loop') ?? []) {
    if (mentionsOwnIdentity(value, own)) {
      return verdict('loop', headerReason('X-Loop', value));
    }
  }
  const messageId = parseMessageId(firstHeader(headers, 'message-id'));
  const messageIdDomain = messageId === null ? '' : domainPart(messageId);
  if (isOwnDomain(messageIdDomain, own)) {
    return verdict('loop', `Message-ID: domain ${messageIdDomain} is Linia's own`);
  }
  if (from && own.addresses.includes(from.address.toLowerCase())) {
    return verdict('loop', `From: ${from.address} is Linia's own address`);
  }
  return null;
};

const reportRule: Rule = ({ contentType, partContentTypes }) => {
  if (firstToken(contentType) !== 'multipart/report') {
    return null;
  }
  const type = reportType(contentType);
  const fromType = reportVerdict(type, `Content-Type: multipart/report; report-type=${type}`);
  if (fromType) {
    return fromType;
  }
  // Without a usable report-type the report part itself determines the kind. Parts are
  // only consulted here, because below another top-level type they may belong to a
  // forwarded message.
  for (const partType of partContentTypes) {
    const lower = partType.toLowerCase();
    if (!lower.startsWith('message/')) {
      continue;
    }
    const fromPart = reportVerdict(lower.slice('message/'.length), `Content-Type: multipart/report with a ${lower} part`);
    if (fromPart) {
      return fromPart;
    }
  }
  return verdict('system', 'Content-Type: multipart/report');
};

const bounceSenderRule: Rule = ({ from, returnPath }) => {
  if (from && BOUNCE_LOCAL_PART.test(localPart(from.address))) {
    return verdict('bounce', `From: ${from.address}`);
  }
  if (returnPath && /^mailer[-_]?daemon$/i.test(localPart(returnPath))) {
    return verdict('bounce', `Return-Path: <${returnPath}>`);
  }
  return null;
};

const autoSubmittedRule: Rule = ({ headers }) => {
  const value = firstHeader(headers, 'auto-submitted');
  if (value === null || value === '' || firstToken(value) === 'no') {
    return null;
  }
  return verdict(firstToken(value) === 'auto-replied' ? 'auto-reply' : 'system', headerReason('Auto-Submitted', value));
};

const autoReplyHeaderRule: Rule = ({ headers }) => {
  for (const name of ['X-Autoreply', 'X-Autorespond']) {
    const value = firstHeader(headers, name);
    if (value !== null && !['no', 'false', '0'].includes(firstToken(value))) {
      return verdict('auto-reply', headerReason(name, value));
    }
  }
  const suppress = firstHeader(headers, 'x-auto-response-suppress');
  if (suppress !== null) {
    const values = suppress.split(/[\s,;]+/).map((item) => item.toLowerCase());
    if (values.some((item) => SUPPRESS_AUTO_REPLY_VALUES.has(item))) {
      return verdict('auto-reply', headerReason('X-Auto-Response-Suppress', suppress));
    }
  }
  const precedence = firstHeader(headers, 'precedence');
  if (precedence !== null && firstToken(precedence) === 'auto_reply') {
    return verdict('auto-reply', headerReason('Precedence', precedence));
  }
  return null;
};

const nullSenderRule: Rule = ({ returnPath, subject }) => {
  if (returnPath !== '') {
    return null;
  }
  // RFC 3834 recommends that auto-responders also send from the null sender, so the
  // subject decides between the two kinds. The null sender alone makes the mail automatic.
  return verdict(looksLikeAutoReplySubject(subject) ? 'auto-reply' : 'bounce', 'Return-Path: <> (null sender)');
};

const noReplySenderRule: Rule = ({ from }) =>
  from && NO_REPLY_LOCAL_PART.test(localPart(from.address)) ? verdict('system', `From: ${from.address}`) : null;

const listRule: Rule = ({ headers }) => {
  for (const name of ['List-Id', 'List-Post', 'Mailing-List', 'X-Mailing-List']) {
    const value = firstHeader(headers, name);
    if (value !== null) {
      return verdict('list', headerReason(name, value));
    }
  }
  const listDelivery = (headers.get('delivered-to') ?? []).find((value) => /^mailing list\b/i.test(value));
  if (listDelivery !== undefined) {
    return verdict('list', headerReason('Delivered-To', listDelivery));
  }
  const unsubscribe = firstHeader(headers, 'list-unsubscribe');
  if (unsubscribe !== null) {
    return verdict('bulk', 'List-Unsubscribe header present');
  }
  return null;
};

const precedenceRule: Rule = ({ headers }) => {
  const value = firstHeader(headers, 'precedence');
  if (value === null) {
    return null;
  }
  const token = firstToken(value);
  if (token === 'bulk' || token === 'junk') {
    return verdict('bulk', headerReason('Precedence', value));
  }
  return token === 'list' ? verdict('list', headerReason('Precedence', value)) : null;
};

/**
 * Rules in order of precedence. The order picks the most telling kind when several
 * rules match: a bounce usually also carries Auto-Submitted and a null sender, and a
 * list message usually also carries Precedence: bulk.
 */
const RULES: readonly Rule[] = [
  loopRule,
  reportRule,
  bounceSenderRule,
  autoSubmittedRule,
  autoReplyHeaderRule,
  nullSenderRule,
  noReplySenderRule,
  listRule,
  precedenceRule,
];

/**
 * Classifies a message as automatic or written by a person. `headers` are the raw
 * top-level headers, `returnPath` is '' for the null sender `<>`, and `contentType` is
 * the raw top-level Content-Type value. Returns the first matching rule's verdict.
 */
export function classifyAutomatic(
  headers: HeaderMap,
  from: MailAddress | null,
  returnPath: string | null,
  contentType: string | null,
  subject: string,
  options: ClassifyOptions = {},
): AutomaticVerdict {
  const input: RuleInput = {
    headers,
    from,
    returnPath,
    contentType: contentType ?? '',
    subject,
    own: ownIdentity(options.ownDomains ?? []),
    partContentTypes: options.partContentTypes ?? [],
  };
  for (const rule of RULES) {
    const result = rule(input);
    if (result) {
      return result;
    }
  }
  return { automatic: false, reason: null, kind: null };
}

/**
 * Tells whether a subject reads like an out-of-office or auto-reply subject, in Polish
 * or English. This is a hint for rate limiting only: it never makes a message automatic.
 */
export function looksLikeAutoReplySubject(subject: string): boolean {
  return AUTO_REPLY_SUBJECT.test(foldText(subject));
}
