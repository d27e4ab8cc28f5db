import type { Config } from '../config/index.js';
import type { Runtime } from '../runtime/runtime.js';
import type { FirstLineAnswerer } from '../tickets/first-line-reply.js';
import { startEscalationWorker } from '../../workers/escalation.worker.js';
import { startImapWatcherWorker } from '../../workers/imap-watcher.worker.js';
import { startInboundMailWorker } from '../../workers/inbound-mail.worker.js';
import { startOutboundMailWorker } from '../../workers/outbound-mail.worker.js';
import { startSlackEventsWorker, startSlackReceiverWorker } from '../../workers/slack-events.js';
import type { WorkerHandle } from '../../workers/worker-handle.js';

export const WORKER_NAMES = ['imap-watcher', 'inbound-mail', 'outbound-mail', 'escalation', 'slack-receiver', 'slack-events'] as const;
export type WorkerName = (typeof WORKER_NAMES)[number];

/** Workers `linia start` runs for a configuration: the mail ones only when their server is configured. */
export function workersFor(config: Config): WorkerName[] {
  const names: WorkerName[] = [];
  if (config.env.IMAP_HOST) names.push('imap-watcher');
  names.push('inbound-mail');
  if (config.env.SMTP_HOST) names.push('outbound-mail');
  names.push('escalation');
  if (config.env.SLACK_BOT_TOKEN) names.push('slack-events');
  // The receiver needs the secret of its mode; without one Slack is used for escalation posts only.
  if (config.env.SLACK_BOT_TOKEN && (config.env.SLACK_SIGNING_SECRET || config.env.SLACK_APP_TOKEN)) names.push('slack-receiver');
  return names;
}

/** Starts the named workers in this process, consumers before the IMAP watcher that feeds them. */
export async function startWorkers(runtime: Runtime, names: readonly WorkerName[], answerer: FirstLineAnswerer): Promise<WorkerHandle[]> {
  const handles: WorkerHandle[] = [];
  const ordered = [...names].sort((a, b) => WORKER_NAMES.indexOf(b) - WORKER_NAMES.indexOf(a));
  try {
    for (const name of ordered) {
      await startWorker(runtime, name, answerer, handles);
    }
  } catch (error) {
    // A worker that cannot start (e.g. the watched folder is Sent) stops the ones already running.
    await stopWorkers(handles).catch(() => undefined);
    throw error;
  }
  return handles;
}

async function startWorker(runtime: Runtime, name: WorkerName, answerer: FirstLineAnswerer, handles: WorkerHandle[]): Promise<void> {
  {
    switch (name) {
      case 'slack-receiver':
        handles.push(await startSlackReceiverWorker(runtime));
        break;
      case 'slack-events':
        handles.push(await startSlackEventsWorker(runtime, answerer));
        break;
      case 'escalation':
        handles.push(await startEscalationWorker(runtime));
        break;
      case 'outbound-mail':
        handles.push(await startOutboundMailWorker(runtime));
        break;
      case 'inbound-mail':
        handles.push(await startInboundMailWorker(runtime, answerer));
        break;
      case 'imap-watcher':
        handles.push(await startImapWatcherWorker(runtime));
        break;
    }
  }
}

/** Stops workers in reverse start order: the watcher first, so no new work arrives while queues drain. */
export async function stopWorkers(handles: WorkerHandle[]): Promise<void> {
  for (const handle of [...handles].reverse()) {
    await handle.close();
  }
}
