import { normalizeMessageId } from '../../inbound/message-key.js';
import { isDuplicateKeyError } from '../../store/connection.js';
import { withoutNul } from '../../store/storable.js';
import { MailboxStateModel } from '../../store/mailbox-state.model.js';
import { MAX_INLINE_RAW_BYTES, uploadRawMail } from '../../store/raw-mail-bucket.js';
import { RawMessageModel, type RawMessage } from '../../store/raw-message.model.js';

export interface FetchedMessage {
  mailbox: string;
  uidValidity: number;
  uid: number;
  size: number;
  /** Null when the message is larger than the fetch cap and only its header was fetched. */
  raw: Buffer | null;
  headerText: string;
}

/** Largest header block searched for the Message-ID; longer headers are hostile or broken. */
const MAX_HEADER_SCAN_BYTES = 256 * 1024;

/**
 * Returns the normalised Message-ID of a message from its header block, or null.
 * Stored with the raw message, so a reply processed early can see that its
 * parent was fetched and is still waiting to be processed.
 */
export function headerMessageKey(message: Pick<FetchedMessage, 'raw' | 'headerText'>): string | null {
  let header = message.headerText;
  if (message.raw) {
    const scanned = message.raw.subarray(0, MAX_HEADER_SCAN_BYTES);
    const end = scanned.indexOf('\r\n\r\n');
    const endLf = scanned.indexOf('\n\n');
    const cut = [end, endLf].filter((index) => index >= 0);
    header = scanned.subarray(0, cut.length > 0 ? Math.min(...cut) : scanned.length).toString('latin1');
  }
  const match = /^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)/im.exec(header);
  return match ? normalizeMessageId(match[1]) : null;
}

/** Source key of a fetched message, also the id of its GridFS file when it is stored there. */
export function rawSourceKey(message: Pick<FetchedMessage, 'mailbox' | 'uidValidity' | 'uid'>): string {
  return `imap:${message.mailbox}:${message.uidValidity}:${message.uid}`;
}

/**
 * Stores a fetched message unless this mailbox, UIDVALIDITY and UID are already
 * stored, and returns the stored document either way. Bytes larger than
 * MAX_INLINE_RAW_BYTES go to the GridFS bucket `raw_mail` under the source key, and
 * the document keeps the file id. The document is inserted after the upload, so a
 * stored document means its file is complete.
 */
export async function storeRawMessage(message: FetchedMessage): Promise<RawMessage> {
  const filter = { mailbox: message.mailbox, uidValidity: message.uidValidity, uid: message.uid };
  let raw = message.raw;
  let rawFileId: string | null = null;
  if (raw && raw.length > MAX_INLINE_RAW_BYTES) {
    // Checked first, so a message fetched again is not uploaded again.
    const earlier = await RawMessageModel.findOne(filter).lean<RawMessage>();
    if (earlier) {
      return earlier;
    }
    rawFileId = rawSourceKey(message);
    await uploadRawMail(rawFileId, raw, { ...filter, size: message.size });
    raw = null;
  }
  try {
    // An insert, not an upsert: on FerretDB an upsert that finds the document rewrites it whole.
    // A concurrent fetch of the same message uploaded to the same file id, so a lost insert leaves nothing behind.
    await RawMessageModel.create({
      ...message,
      raw,
      rawFileId,
      headerText: withoutNul(message.headerText),
      messageKey: headerMessageKey(message),
      status: 'pending',
    });
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  const stored = await RawMessageModel.findOne(filter).lean<RawMessage>();
  if (!stored) {
    throw new Error(`raw message ${message.mailbox}:${message.uidValidity}:${message.uid} vanished after insert`);
  }
  return stored;
}

export interface Checkpoint {
  uidValidity: number;
  lastUid: number;
  /** True when the server's UIDVALIDITY differs from the stored one and the mailbox is read again from UID 1. */
  rescan: boolean;
}

/** Loads the checkpoint of a mailbox, resetting it when UIDVALIDITY changed. */
export async function loadCheckpoint(mailboxKey: string, uidValidity: number): Promise<Checkpoint> {
  const state = await MailboxStateModel.findById(mailboxKey).lean();
  if (state && state.uidValidity === uidValidity) {
    return { uidValidity, lastUid: state.lastUid, rescan: false };
  }
  await MailboxStateModel.updateOne(
    { _id: mailboxKey },
    { $set: { uidValidity, lastUid: 0 } },
    { upsert: true },
  );
  return { uidValidity, lastUid: 0, rescan: state !== null };
}

/** Moves the checkpoint forward to `uid`; never backwards, even when two watchers overlap. */
export async function advanceCheckpoint(mailboxKey: string, uidValidity: number, uid: number): Promise<void> {
  await MailboxStateModel.updateOne({ _id: mailboxKey, uidValidity }, { $max: { lastUid: uid } });
}
