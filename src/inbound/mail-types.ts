import type { AutomaticKind } from './automatic-mail.js';
import type { DetectedLanguage, LanguageGuess } from './language.js';
import type { MailAddress } from './mail-fields.js';

export type { AutomaticKind, DetectedLanguage, LanguageGuess, MailAddress };

export interface ParseOptions {
  /** Largest raw message accepted, in bytes. Larger messages are not parsed. */
  maxBytes: number;
  /** Maximum time the MIME parser may take, in milliseconds. */
  timeoutMs: number;
  /** Prefix of the ticket tag in subjects: '' (the default) gives `[#1234]`, `LIN` gives `[LIN#1234]`. */
  tagPrefix?: string;
  /** Linia's own Message-ID domains and mailbox addresses, to recognise its own mail coming back. */
  ownDomains?: string[];
}

export interface MailAttachment {
  filename: string | null;
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
}

export interface ParsedMail {
  /** The Message-ID without angle brackets, or null when the header is missing or blank. */
  messageId: string | null;
  /** Deduplication key: the Message-ID with a lower-cased domain, or `sha256:<hex>` of the raw bytes. */
  messageKey: string;
  inReplyTo: string | null;
  /** Message ids of the References header, without angle brackets, oldest first. */
  references: string[];
  from: MailAddress | null;
  to: MailAddress[];
  cc: MailAddress[];
  replyTo: MailAddress[];
  /** The envelope sender: '' for the null sender `<>`, null when the header is missing. */
  returnPath: string | null;
  /** The decoded subject, '' when missing. */
  subject: string;
  /** The subject without reply/forward prefixes and ticket tags. */
  normalizedSubject: string;
  /** The ticket number from the subject's tag, or null when the subject has none. */
  ticketTag: number | null;
  date: Date | null;
  /** The whole text body: the text part, or the HTML part converted to text when there is no text part. */
  fullText: string;
  /** The new text of the message, without quoted history and signature. */
  text: string;
  /** Language of the subject and new text, from `detectLanguage`. */
  language: LanguageGuess;
  automatic: boolean;
  automaticReason: string | null;
  automaticKind: AutomaticKind | null;
  attachments: MailAttachment[];
  /** Size of the raw message in bytes. */
  sizeBytes: number;
}

export type ParseResult =
  | { ok: true; mail: ParsedMail }
  | {
      ok: false;
      /** Human-readable cause of the failure, e.g. `parse timed out after 5000 ms`. */
      reason: string;
      messageKey: string;
      /** The raw header values that could be read, keyed by lower-case name, repeated headers joined with newlines. */
      headers: Record<string, string>;
    };
