import mongoose from 'mongoose';
import { getLogger } from '../logging/logger.js';
import { addFerretDbPushdownIndexes } from './ferretdb-indexes.js';
import { backfillTicketQueryFields } from './ticket-backfill.js';

const log = getLogger('store');

let generation = 0;

/**
 * Returns a number that changes whenever the store is connected or emptied, so
 * caches of store contents (such as the highest ticket number) know to reload.
 */
export function storeGeneration(): string {
  return `${generation}:${mongoose.connection.name}`;
}

/** How long to wait for the server before giving up, so a missing store fails fast and clearly. */
const SERVER_SELECTION_TIMEOUT_MS = 10_000;
/** Maximum wait for one reply of the server, so a stalled query fails and its job is retried instead of hanging. */
const SOCKET_TIMEOUT_MS = 60_000;

export interface StoreOptions {
  /** PostgreSQL database behind a FerretDB store, where the pushdown indexes are added (src/store/ferretdb-indexes.ts). */
  ferretdbPostgresUrl?: string;
}

/**
 * Connects mongoose to the store, creates every model's indexes, adds the FerretDB
 * pushdown indexes when `ferretdbPostgresUrl` is given, and backfills the tickets'
 * derived query fields. Unique indexes carry the idempotency of ingestion, so the
 * process must not start without them.
 */
export async function connectStore(uri: string, options: StoreOptions = {}): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  mongoose.set('bufferTimeoutMS', SERVER_SELECTION_TIMEOUT_MS);
  await mongoose.connect(uri, {
    serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS,
    socketTimeoutMS: SOCKET_TIMEOUT_MS,
    autoIndex: false,
  });
  await Promise.all(Object.values(mongoose.models).map((model) => model.createIndexes()));
  // Before the backfill, so that its updates by _id read an index on FerretDB.
  if (options.ferretdbPostgresUrl) {
    await addFerretDbPushdownIndexes(options.ferretdbPostgresUrl, mongoose.connection.name, log);
  }
  await backfillTicketQueryFields(log);
  generation += 1;
  log.info({ database: mongoose.connection.name }, 'store connected');
  return mongoose;
}

/** Closes the store connection; safe to call when not connected. */
export async function disconnectStore(): Promise<void> {
  await mongoose.disconnect();
}

/** True for MongoDB's duplicate-key error, which unique indexes raise on a repeated natural key. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Drops the connected database and recreates every index; for the demo and tests only. */
export async function resetStore(): Promise<void> {
  await mongoose.connection.dropDatabase();
  generation += 1;
  await Promise.all(Object.values(mongoose.models).map((model) => model.createIndexes()));
}
