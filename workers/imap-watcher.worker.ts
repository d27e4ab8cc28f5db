import { getLogger } from '../src/logging/logger.js';
import { ImapWatcher, type WatcherHealth } from '../src/channels/email/imap-watcher.js';
import type { CheckResult } from '../src/ops/readiness.js';
import { inboundJobId } from '../src/queues/job-ids.js';
import type { Runtime } from '../src/runtime/runtime.js';
import type { WorkerHandle } from './worker-handle.js';

export interface ImapWorkerHandle extends WorkerHandle {
  watcher: ImapWatcher;
}

/**
 * Readiness of the watcher: connected, and the last UID search from the
 * checkpoint is at most two poll intervals plus one command timeout old, which
 * is the maximum time a healthy watcher goes between two completed searches.
 */
export function watcherReadiness(health: WatcherHealth, pollIntervalMs: number, commandTimeoutMs: number): CheckResult {
  if (!health.connected) {
    return { ok: false, detail: `IMAP not connected${health.lastError ? `: ${health.lastError}` : ''}` };
  }
  const maxLagSeconds = (2 * pollIntervalMs + commandTimeoutMs) / 1000;
  if (health.lagSeconds === null || health.lagSeconds > maxLagSeconds) {
    const lag = health.lagSeconds === null ? 'no sync yet' : `last sync ${Math.round(health.lagSeconds)} s ago`;
    return { ok: false, detail: `IMAP mailbox not checked recently (${lag}, limit ${maxLagSeconds} s)` };
  }
  return { ok: true };
}

/** Watches the support mailbox and queues every new message for intake. */
export async function startImapWatcherWorker(runtime: Runtime): Promise<ImapWorkerHandle> {
  const { env } = runtime.config;
  if (!env.IMAP_HOST || !env.IMAP_USER || !env.IMAP_PASSWORD) {
    throw new Error('the IMAP watcher needs IMAP_HOST, IMAP_USER and IMAP_PASSWORD');
  }
  const log = getLogger('imap-watcher');
  const pollIntervalMs = env.LINIA_IMAP_POLL_SECONDS * 1000;
  const commandTimeoutMs = env.LINIA_IMAP_COMMAND_TIMEOUT_MS;
  const watcher = new ImapWatcher({
    host: env.IMAP_HOST,
    port: env.IMAP_PORT,
    secure: env.IMAP_SECURE,
    user: env.IMAP_USER,
    password: env.IMAP_PASSWORD,
    mailbox: env.IMAP_MAILBOX,
    maxMessageBytes: env.LINIA_MAX_FETCH_BYTES,
    pollIntervalMs,
    watchdogIntervalMs: env.LINIA_IMAP_WATCHDOG_SECONDS * 1000,
    burstPollMs: env.LINIA_IMAP_BURST_POLL_MS,
    commandTimeoutMs,
    log,
    enqueue: async (message) => {
      const rawMessageId = message._id.toHexString();
      await runtime.queues.inboundMail.add(
        'process',
        { rawMessageId, sourceKey: `imap:${message.mailbox}:${message.uidValidity}:${message.uid}` },
        { jobId: inboundJobId(rawMessageId) },
      );
    },
  });
  await watcher.start();
  return {
    name: 'imap-watcher',
    watcher,
    close: () => watcher.stop(),
    ready: () => watcherReadiness(watcher.healthStatus(), pollIntervalMs, commandTimeoutMs),
  };
}
