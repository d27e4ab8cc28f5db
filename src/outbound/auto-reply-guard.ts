import { isDuplicateKeyError } from '../store/connection.js';
import { AutoReplyGuardModel } from '../store/auto-reply-guard.model.js';

/**
 * Takes the single automatic-reply slot of `address` for `windowMs`. Returns true
 * when the caller may send. The same `claimant` (an inbound message key) gets true
 * again, so a retried job still sends its reply. One atomic upsert decides, so two
 * workers racing for one address cannot both win.
 */
export async function claimAutoReplySlot(address: string, claimant: string, windowMs: number, now = new Date()): Promise<boolean> {
  const id = address.toLowerCase();
  const windowStart = new Date(now.getTime() - windowMs);
  try {
    await AutoReplyGuardModel.findOneAndUpdate(
      { _id: id, $or: [{ lastAt: { $lt: windowStart } }, { claimedBy: claimant }] },
      { $set: { lastAt: now, claimedBy: claimant } },
      { upsert: true },
    );
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return false;
    }
    throw error;
  }
}
