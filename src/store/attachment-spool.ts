import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

import mongoose from 'mongoose';

import type { AttachmentDescriptor, AttachmentSink, StoredAttachment } from '../inbound/mail-types.js';
import { getLogger } from '../logging/logger.js';

/**
 * Attachment content stored outside memory while a message is parsed: in a folder
 * (LINIA_ATTACHMENT_DIR) or, without one, in a GridFS bucket of the store. An
 * attachment larger than the spool's limit is read to its end but not kept.
 */

const log = getLogger('store.attachment-spool');

/** Name of the GridFS bucket, so its collections are `attachments.files` and `attachments.chunks`. */
export const ATTACHMENT_BUCKET = 'attachments';

/** Maximum length of the file name part kept on disk, in characters. The index and a hash keep names unique. */
const MAX_FILE_NAME_CHARS = 100;

function validateLimit(limitBytes: number): void {
  if (!Number.isSafeInteger(limitBytes) || limitBytes <= 0) {
    throw new RangeError(`invalid attachment limit ${limitBytes}: expected a positive number of bytes`);
  }
}

/**
 * Copies `content` into `target` until more than `limitBytes` have come, then calls
 * `abort` and reads the rest of `content` without keeping it, because the MIME parser
 * waits until each attachment has been read. Returns the reason when the attachment was
 * over the limit, or null when all of it was written.
 */
async function copyWithLimit(content: Readable, target: Writable, limitBytes: number, abort: () => Promise<void>): Promise<string | null> {
  let seen = 0;
  let skippedReason: string | null = null;
  for await (const chunk of content as AsyncIterable<Buffer>) {
    if (skippedReason !== null) {
      continue;
    }
    seen += chunk.length;
    if (seen > limitBytes) {
      skippedReason = `over the attachment limit of ${limitBytes} bytes`;
      await abort();
      continue;
    }
    if (!target.write(chunk)) {
      await once(target, 'drain');
    }
  }
  if (skippedReason === null) {
    target.end();
    await finished(target);
  }
  return skippedReason;
}

/**
 * Keeps an error of `content` that comes before the copy starts reading (while the
 * folder is created, for example) from crashing the process as an unhandled 'error'
 * event. The copy still fails with it, because a destroyed stream's iterator rethrows it.
 */
function holdEarlyErrors(content: Readable): void {
  content.on('error', () => undefined);
}

/** File name safe on every file system: letters, digits, dot, dash and underscore. */
function safeFileName(filename: string | null): string {
  const base = (filename ?? 'attachment').normalize('NFKD').replace(/[^\w.-]+/g, '_').replace(/^\.+/, '');
  return (base === '' ? 'attachment' : base).slice(0, MAX_FILE_NAME_CHARS);
}

/** Stores attachments as files below one folder, one subfolder per message, a new file for every store call. */
export class DiskAttachmentSpool implements AttachmentSink {
  constructor(private readonly dir: string, private readonly limitBytes: number) {
    validateLimit(limitBytes);
  }

  async store(attachment: AttachmentDescriptor, content: Readable): Promise<StoredAttachment> {
    holdEarlyErrors(content);
    const folder = path.join(this.dir, createHash('sha256').update(attachment.messageKey).digest('hex').slice(0, 32));
    // A random part makes each store call write its own file, so a retried parse never
    // overwrites or removes the file that an earlier attempt's record points to.
    const file = path.join(folder, `${attachment.index}-${randomBytes(4).toString('hex')}-${safeFileName(attachment.filename)}`);
    await mkdir(folder, { recursive: true });
    const target = createWriteStream(file);
    // Writes still pending when the copy stops at the limit fail with ERR_STREAM_DESTROYED;
    // that must not become an unhandled 'error' event. Real write errors still reach the
    // copy, through once('drain') and finished(), which listen for 'error' themselves.
    target.on('error', () => undefined);
    const discard = async (): Promise<void> => {
      target.destroy();
      await rm(file, { force: true });
    };
    let skippedReason: string | null;
    try {
      skippedReason = await copyWithLimit(content, target, this.limitBytes, discard);
    } catch (error) {
      // The content failed midway, e.g. the parse timed out: no partial file stays behind.
      await discard();
      throw error;
    }
    if (skippedReason !== null) {
      log.info({ messageKey: attachment.messageKey, index: attachment.index, reason: skippedReason }, 'attachment not stored');
      return { ref: null, skippedReason };
    }
    return { ref: file, skippedReason: null };
  }

  async remove(ref: string): Promise<void> {
    if (path.relative(this.dir, ref).startsWith('..')) {
      throw new Error(`cannot remove ${ref}: the path is outside the attachment folder ${this.dir}`);
    }
    await rm(ref, { force: true });
  }
}

/** Stores attachments in a GridFS bucket of a MongoDB database. */
export class GridFsAttachmentSpool implements AttachmentSink {
  private readonly bucket: mongoose.mongo.GridFSBucket;

  constructor(db: mongoose.mongo.Db, private readonly limitBytes: number, bucketName = ATTACHMENT_BUCKET) {
    validateLimit(limitBytes);
    this.bucket = new mongoose.mongo.GridFSBucket(db, { bucketName });
  }

  async store(attachment: AttachmentDescriptor, content: Readable): Promise<StoredAttachment> {
    holdEarlyErrors(content);
    const upload = this.bucket.openUploadStream(attachment.filename ?? 'attachment', {
      metadata: { messageKey: attachment.messageKey, index: attachment.index, contentType: attachment.contentType },
    });
    // abort() deletes the chunks already written.
    let skippedReason: string | null;
    try {
      skippedReason = await copyWithLimit(content, upload, this.limitBytes, () => upload.abort());
    } catch (error) {
      // The content failed midway, e.g. the parse timed out: no partial upload stays behind.
      await upload.abort().catch(() => undefined);
      throw error;
    }
    if (skippedReason !== null) {
      log.info({ messageKey: attachment.messageKey, index: attachment.index, reason: skippedReason }, 'attachment not stored');
      return { ref: null, skippedReason };
    }
    return { ref: upload.id.toString(), skippedReason: null };
  }

  async remove(ref: string): Promise<void> {
    await this.bucket.delete(new mongoose.mongo.ObjectId(ref));
  }
}

/** Creates the configured spool: the folder when one is set, otherwise GridFS in the connected store. */
export function createAttachmentSpool(options: { dir: string | undefined; limitBytes: number; db?: mongoose.mongo.Db }): AttachmentSink {
  if (options.dir) {
    return new DiskAttachmentSpool(path.resolve(options.dir), options.limitBytes);
  }
  const db = options.db ?? mongoose.connection.db;
  if (!db) {
    throw new Error('the store is not connected; connect it or set LINIA_ATTACHMENT_DIR to store attachments in a folder');
  }
  return new GridFsAttachmentSpool(db, options.limitBytes);
}
