import { parseMail } from './parse-mail.js';
import type { ParsedMail, ParseOptions } from './mail-types.js';

/**
 * Linia's reading of one message, in the shape `linia mail inspect --json` prints. The
 * field names are a public interface because scripts read them, so they must not change.
 */
export interface MailInspection {
  subject: string;
  text: string;
  fullText: string;
  language: 'pl' | 'en' | 'und';
  automatic: boolean;
  automaticReason: string | null;
  threadKeys: {
    messageId: string | null;
    inReplyTo: string | null;
    references: string[];
    ticketTag: number | null;
  };
  normalizedSubject: string;
  attachments: Array<{ filename: string | null; contentType: string; size: number }>;
  /** Reason the message would be quarantined, or null when it is processed normally. */
  quarantineReason: string | null;
}

export interface InspectionResult {
  inspection: MailInspection;
  /** ParsedMail's warnings, plus the size flag; empty for a quarantined message. */
  warnings: string[];
}

/** Headers copied into the stand-in message that is parsed for the header fields of a quarantined message. */
const STAND_IN_HEADERS = ['from', 'sender', 'reply-to', 'to', 'cc', 'subject', 'date', 'message-id', 'in-reply-to', 'references', 'return-path', 'auto-submitted', 'precedence', 'list-id', 'x-auto-response-suppress'];

function fromParsed(mail: ParsedMail, quarantineReason: string | null): MailInspection {
  return {
    subject: mail.subject,
    text: quarantineReason === null ? mail.text : '',
    fullText: quarantineReason === null ? mail.fullText : '',
    language: mail.language.language,
    automatic: mail.automatic,
    automaticReason: mail.automaticReason,
    threadKeys: { messageId: mail.messageId, inReplyTo: mail.inReplyTo, references: mail.references, ticketTag: mail.ticketTag },
    normalizedSubject: mail.normalizedSubject,
    attachments: quarantineReason === null ? mail.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size })) : [],
    quarantineReason,
  };
}

function emptyInspection(quarantineReason: string): MailInspection {
  return {
    subject: '',
    text: '',
    fullText: '',
    language: 'und',
    automatic: false,
    automaticReason: null,
    threadKeys: { messageId: null, inReplyTo: null, references: [], ticketTag: null },
    normalizedSubject: '',
    attachments: [],
    quarantineReason,
  };
}

/**
 * Parses `raw` as the intake does and reports the result. For a message that would be
 * quarantined, the header fields come from a stand-in message made of the headers that
 * could be read, so the subject and thread keys still show. Its text and attachments stay empty.
 */
export async function inspectMail(raw: Buffer, options: ParseOptions): Promise<InspectionResult> {
  const result = await parseMail(raw, { ...options, attachmentSink: undefined });
  if (result.ok) {
    return { inspection: fromParsed(result.mail, null), warnings: result.mail.warnings };
  }

  const headerLines = STAND_IN_HEADERS.flatMap((name) => {
    const value = result.headers[name];
    return value === undefined ? [] : value.split('\n').map((line) => `${name}: ${line}`);
  });
  if (headerLines.length === 0) {
    return { inspection: emptyInspection(result.reason), warnings: [] };
  }
  const standIn = await parseMail(Buffer.from(`${headerLines.join('\r\n')}\r\n\r\n`, 'utf8'), { ...options, attachmentSink: undefined });
  const inspection = standIn.ok ? fromParsed(standIn.mail, result.reason) : emptyInspection(result.reason);
  return { inspection, warnings: [] };
}
