import mongoose from 'mongoose';

/**
 * Raw bytes of large inbound messages in the GridFS bucket `raw_mail`
 * (collections `raw_mail.files` and `raw_mail.chunks`), because a MongoDB document
 * can be at most 16 MiB. GridFS is plain collections, so it works on FerretDB too.
 * Each file's `_id` is the message's source key, so a second fetch of one message
 * finds the first upload instead of storing the bytes twice.
 */

export const RAW_MAIL_BUCKET = 'raw_mail';

/**
 * Largest message whose bytes are stored inside its `raw_messages` document. Larger
 * ones go to GridFS. Half of MongoDB's 16 MiB document limit leaves room for the
 * header text and the BSON overhead of the other fields.
 */
export const MAX_INLINE_RAW_BYTES = 8 * 1024 * 1024;

interface RawMailFile {
  _id: string;
  length: number;
}

function connectedDb(): mongoose.mongo.Db {
  const db = mongoose.connection.db;
  if (!db) {
    throw new Error('the store is not connected; connect it before storing or reading raw mail');
  }
  return db;
}

function bucket(): mongoose.mongo.GridFSBucket {
  return new mongoose.mongo.GridFSBucket(connectedDb(), { bucketName: RAW_MAIL_BUCKET });
}

/** GridFS ids are typed as ObjectId, but the server and the driver accept any BSON value. */
function gridFsId(fileId: string): mongoose.mongo.ObjectId {
  return fileId as unknown as mongoose.mongo.ObjectId;
}

async function findFile(fileId: string): Promise<RawMailFile | null> {
  const file = await connectedDb().collection<{ _id: string; length: number }>(`${RAW_MAIL_BUCKET}.files`).findOne({ _id: fileId });
  return file ? { _id: file._id, length: file.length } : null;
}

/**
 * Stores `bytes` as the GridFS file `fileId`, unless a complete file of that id and
 * length is already there. GridFS writes the files document after the last chunk,
 * so chunks without one are a partial upload of a crashed attempt. They are deleted
 * before the upload starts again. NOTE: two processes uploading one id at the same
 * time can delete each other's chunks. Linia runs one IMAP watcher per mailbox, and
 * reading such a file back fails loudly (`readRawMail` checks the length).
 */
export async function uploadRawMail(fileId: string, bytes: Buffer, metadata: Record<string, unknown>): Promise<void> {
  const existing = await findFile(fileId);
  if (existing && existing.length === bytes.length) {
    return;
  }
  if (existing) {
    // Same source key but other bytes: a broken earlier upload, replaced below.
    await bucket().delete(gridFsId(fileId));
  }
  await connectedDb().collection(`${RAW_MAIL_BUCKET}.chunks`).deleteMany({ files_id: fileId });

  const upload = bucket().openUploadStreamWithId(gridFsId(fileId), fileId, { metadata });
  await new Promise<void>((resolve, reject) => {
    upload.once('error', reject);
    upload.once('finish', resolve);
    upload.end(bytes);
  });
}

/** Reads the GridFS file `fileId` into one buffer; rejects when it is missing or shorter than stored. */
export async function readRawMail(fileId: string): Promise<Buffer> {
  const file = await findFile(fileId);
  if (!file) {
    throw new Error(`raw mail ${fileId} not found in the GridFS bucket ${RAW_MAIL_BUCKET}`);
  }
  const parts: Buffer[] = [];
  let received = 0;
  for await (const part of bucket().openDownloadStream(gridFsId(fileId)) as AsyncIterable<Buffer>) {
    parts.push(part);
    received += part.length;
  }
  if (received !== file.length) {
    throw new Error(`raw mail ${fileId} is incomplete: read ${received} of ${file.length} bytes`);
  }
  return Buffer.concat(parts, received);
}
