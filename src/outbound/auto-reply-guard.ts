import { AutoReplyGuardModel } from '../store/auto-reply-guard.model.js';
import { withLock, type LockOwner } from '../tickets/redis-lock.js';

/**
 * Takes the single automatic-reply slot of `address` for `windowMs`. Returns true
 * when the caller may send. The same `claimant` (an inbound message key) gets true
 * again, so a retried job still sends its reply. The check and the write run under
 * a per-address lock, so two workers racing for one address cannot both win.
 */
export async function claimAutoReplySlot(
  lock: LockOwner,
  address: string,
  claimant: string,
  windowMs: number,
  now = new Date(),
): Promise<boolean> {
  const id = address.toLowerCase();
  return withLock(lock, `auto-reply:${id}`, async () => {
    const guard = await AutoReplyGuardModel.findById(id).lean();
    const windowStart = now.getTime() - windowMs;
    if (guard && guard.claimedBy !== claimant && guard.lastAt.getTime() >= windowStart) {
      return false;
    }
    await AutoReplyGuardModel.updateOne({ _id: id }, { $set: { lastAt: now, claimedBy: claimant } }, { upsert: true });
    return true;
  });
}
