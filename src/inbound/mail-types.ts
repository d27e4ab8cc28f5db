import type { Readable } from 'node:stream';

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
  /**
   * Receives the content of each attachment while the message is parsed, so attachments
   * are stored out of memory. Without it attachment content is only counted. It is not
   * used for a message over `maxBytes`.
   */
  attachmentSink?: AttachmentSink;
}

/** Names one attachment for an attachment sink. */
export interface AttachmentDescriptor {
  messageKey: string;
  /** Position of the attachment in the message, from 0. */
  index: number;
  filename: string | null;
  contentType: string;
}

/** Outcome of storing one attachment in an attachment sink. */
export interface StoredAttachment {
  /** Location of the stored content (a file path or a GridFS id), or null when it was not stored. */
  ref: string | null;
  /** Reason the content was not stored, e.g. `over the attachment limit of 10485760 bytes`, or null when it was stored. */
  skippedReason: string | null;
}

/** Storage for attachment content outside memory, such as a folder or GridFS. */
export interface AttachmentSink {
  /** Reads `content` to its end and stores it, or drains it when it may not be stored. */
  store(attachment: AttachmentDescriptor, content: Readable): Promise<StoredAttachment>;
  /** Deletes a stored attachment; used when the parse of its message fails. */
  remove(ref: string): Promise<void>;
}

export interface MailAttachment {
  filename: string | null;
  contentType: string;
  /** Decoded size in bytes. */
  size: number;
  /** Location where the attachment sink stored the content, or null when it was not stored. */
  storageRef: string | null;
  /** True for an Outlook TNEF container (winmail.dat), which is kept as a file and not unpacked. */
  tnef: boolean;
}

/** The charset guessed for a Subject sent as raw 8-bit bytes without an encoded word. */
export interface SubjectCharsetGuess {
  charset: string;
  /** The raw Subject value as Base64, kept because the decoding is a guess. */
  rawBase64: string;
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
  /**
   * True when the raw message is larger than `maxBytes`. Headers and text are kept but no
   * attachment is stored, and the requester should get one notice about the size.
   */
  exceedsSizeLimit: boolean;
  /** Set when the Subject was raw 8-bit text in a guessed charset; null for a normal subject. */
  subjectCharsetGuess: SubjectCharsetGuess | null;
  /** Problems that did not stop the parse, for operators, e.g. a TNEF attachment that was not unpacked. */
  warnings: string[];
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
