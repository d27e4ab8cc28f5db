import { isDuplicateKeyError } from '../store/connection.js';
import { SuppressionModel, type SuppressionRecord } from '../store/suppression.model.js';

export interface SuppressionInput {
  address: string;
  reason: string;
  sourceMessageKey: string | null;
  status: string | null;
  ticketNumber: number | null;
}

/**
 * Adds an address to the suppression list. Returns true when this call added it,
 * false when it was already listed, so a repeated bounce records one entry.
 */
export async function suppressAddress(input: SuppressionInput, now = new Date()): Promise<boolean> {
  try {
    // An insert, not an upsert: the unique _id decides between concurrent writers on FerretDB.
    await SuppressionModel.create({
      _id: input.address.toLowerCase(),
      reason: input.reason,
      sourceMessageKey: input.sourceMessageKey,
      status: input.status,
      ticketNumber: input.ticketNumber,
      createdAt: now,
    });
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return false;
    }
    throw error;
  }
}

/** Returns the suppression entries of those `addresses` that are listed, keyed by lower-cased address. */
export async function findSuppressed(addresses: readonly string[]): Promise<Map<string, SuppressionRecord>> {
  const ids = [...new Set(addresses.map((address) => address.toLowerCase()))];
  if (ids.length === 0) {
    return new Map();
  }
  const records = await SuppressionModel.find({ _id: { $in: ids } }).lean<SuppressionRecord[]>();
  return new Map(records.map((record) => [String(record._id), record]));
}

