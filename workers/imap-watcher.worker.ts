import { getLogger } from '../src/logging/logger.js';
import { ImapWatcher } from '../src/channels/email/imap-watcher.js';
import { inboundJobId } from '../src/queues/job-ids.js';
import type { Runtime } from '../src/runtime/runtime.js';
import type { WorkerHandle } from './worker-handle.js';

export interface ImapWorkerHandle extends WorkerHandle {
  watcher: ImapWatcher;
}

/** Watches the support mailbox and queues every new message for intake. */
export async function startImapWatcherWorker(runtime: Runtime): Promise<ImapWorkerHandle> {
  const { env } = runtime.config;
  if (!env.IMAP_HOST || !env.IMAP_USER || !env.IMAP_PASSWORD) {
    throw new Error('the IMAP watcher needs IMAP_HOST, IMAP_USER and IMAP_PASSWORD');
  }
  const log = getLogger('imap-watcher');
  const watcher = new ImapWatcher({
    host: env.IMAP_HOST,
    port: env.IMAP_PORT,
    secure: env.IMAP_SECURE,
    user: env.IMAP_USER,
    password: env.IMAP_PASSWORD,
    mailbox: env.IMAP_MAILBOX,
    maxMessageBytes: env.LINIA_MAX_MESSAGE_BYTES,
    pollIntervalMs: env.LINIA_IMAP_POLL_SECONDS * 1000,
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
  };
}
