import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';

/** How long a lock lives if its holder dies; longer than any locked step (one Slack call or a few store writes). */
const LOCK_TTL_MS = 30_000;
/** How long a caller waits for a busy lock before its job fails and is retried. */
const LOCK_WAIT_MS = 20_000;
const RETRY_MIN_MS = 20;
const RETRY_MAX_MS = 80;

/** Deletes the key only if it still holds our token, so an expired lock taken by another holder survives. */
const RELEASE_SCRIPT = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';

  constructor(readonly key: string, readonly waitedMs: number) {
    super(`lock ${key} still busy after ${waitedMs} ms`);
  }
}

export interface LockOwner {
  connection: Redis;
  /** Prefix of lock keys, the queue prefix, so one Redis serves several installations. */
  prefix: string;
}

/**
 * Runs `work` while holding a Redis lock on `name` (SET NX PX with a random
 * token). Serialises read-then-write updates of one record across processes, on
 * MongoDB and on FerretDB alike.
 */
export async function withLock<T>(owner: LockOwner, name: string, work: () => Promise<T>): Promise<T> {
  const key = `${owner.prefix}:lock:${name}`;
  const token = randomUUID();
  const started = Date.now();
  for (;;) {
    const acquired = await owner.connection.set(key, token, 'PX', LOCK_TTL_MS, 'NX');
    if (acquired === 'OK') {
      break;
    }
    if (Date.now() - started > LOCK_WAIT_MS) {
      throw new LockTimeoutError(key, Date.now() - started);
    }
    await sleep(RETRY_MIN_MS + Math.random() * (RETRY_MAX_MS - RETRY_MIN_MS));
  }
  try {
    return await work();
  } finally {
    await owner.connection.eval(RELEASE_SCRIPT, 1, key, token);
  }
}
