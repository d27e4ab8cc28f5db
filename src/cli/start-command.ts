import { loadProcessConfig, message, type CliLanguage, type Requirement } from '../config/index.js';
import { getLogger } from '../logging/logger.js';
import { openRuntime } from '../runtime/runtime.js';
import { createKbAnswerer } from '../triage/kb-answerer.js';
import { collectProcessMetrics } from '../metrics/registry.js';
import { observeQueues } from '../metrics/queue-metrics.js';
import { slackQueue } from '../channels/slack/slack-jobs.js';
import { observeSlaMetrics } from '../metrics/sla-metrics.js';
import { startOpsServer, type OpsServer } from '../ops/ops-server.js';
import { redisCheck, slackCheck, storeCheck, type ReadinessCheck } from '../ops/readiness.js';
import type { Runtime } from '../runtime/runtime.js';
import type { WorkerHandle } from '../../workers/worker-handle.js';
import { startWorkers, stopWorkers, WORKER_NAMES, workersFor, type WorkerName } from './run-workers.js';

/** Port of the operations endpoints for `linia start` when LINIA_OPS_PORT is unset. */
export const DEFAULT_OPS_PORT = 9464;

function requirementsFor(names: readonly WorkerName[]): Requirement[] {
  const requirements: Requirement[] = [];
  if (names.includes('imap-watcher')) requirements.push('imap');
  if (names.includes('outbound-mail')) requirements.push('smtp');
  if (names.includes('slack-receiver')) requirements.push('slack-receiver');
  if (names.includes('slack-events')) requirements.push('slack');
  return requirements;
}

function readinessChecks(runtime: Runtime, handles: WorkerHandle[], isStopping: () => boolean): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [
    { name: 'process', run: async () => (isStopping() ? { ok: false, detail: 'shutting down' } : { ok: true }) },
    storeCheck(),
    redisCheck(runtime.queues.connection),
  ];
  if (runtime.slack) {
    checks.push(slackCheck(runtime.slack));
  }
  for (const handle of handles) {
    const ready = handle.ready?.bind(handle);
    if (ready) {
      checks.push({ name: handle.name, run: async () => ready() });
    }
  }
  return checks;
}

async function startOps(runtime: Runtime, handles: WorkerHandle[], port: number, isStopping: () => boolean): Promise<OpsServer> {
  const { env } = runtime.config;
  const queues = [runtime.queues.inboundMail, runtime.queues.outboundMail, runtime.queues.escalation, slackQueue(runtime.queues)];
  collectProcessMetrics();
  observeQueues(queues);
  observeSlaMetrics({ policy: runtime.config.policy });
  return startOpsServer({
    host: env.LINIA_OPS_HOST,
    port,
    checks: readinessChecks(runtime, handles, isStopping),
    dashboard:
      env.LINIA_DASHBOARD_USER && env.LINIA_DASHBOARD_PASSWORD
        ? { user: env.LINIA_DASHBOARD_USER, password: env.LINIA_DASHBOARD_PASSWORD, queues }
        : undefined,
  });
}

async function run(names: WorkerName[] | null, language: CliLanguage): Promise<void> {
  const probe = loadProcessConfig();
  const selected = names ?? workersFor(probe);
  const config = loadProcessConfig(requirementsFor(selected));
  const log = getLogger('cli');
  const shutdownTimeoutMs = config.env.LINIA_SHUTDOWN_TIMEOUT_MS;

  // Signals are taken from the start, so one that arrives while the workers start
  // still shuts down cleanly (after the start) instead of killing jobs half done.
  let stopping = false;
  let started: { runtime: Runtime; handles: WorkerHandle[]; ops: OpsServer | null } | null = null;
  const stop = (): void => {
    if (!started) {
      return;
    }
    const { runtime, handles, ops } = started;
    const timer = setTimeout(() => {
      log.error({ timeoutMs: shutdownTimeoutMs }, 'shutdown timed out; exiting');
      process.exit(1);
    }, shutdownTimeoutMs);
    timer.unref();
    void stopWorkers(handles)
      .then(() => runtime.close())
      .then(() => ops?.close())
      .then(() => log.info('Linia stopped'))
      .catch((error: unknown) => {
        log.error({ err: error }, 'error during shutdown');
        process.exitCode = 1;
      });
  };
  const onSignal = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stderr.write(`${message('stopping', language)}\n`);
    log.info({ signal }, 'shutting down');
    stop();
  };
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  process.once('SIGINT', () => onSignal('SIGINT'));

  const runtime = await openRuntime(config);
  let handles: WorkerHandle[];
  try {
    handles = await startWorkers(runtime, selected, createKbAnswerer(config));
  } catch (error) {
    // Close what did open, so the process exits with the error instead of idling.
    await runtime.close().catch(() => undefined);
    throw error;
  }
  // `linia start` always serves the operations endpoints; a single `linia worker` only when a port is set.
  const opsPort = config.env.LINIA_OPS_PORT ?? (names === null ? DEFAULT_OPS_PORT : null);
  const ops = opsPort === null ? null : await startOps(runtime, handles, opsPort, () => stopping);
  started = { runtime, handles, ops };
  log.info({ workers: selected, opsPort: ops?.port ?? null }, 'Linia started');
  if (stopping) {
    stop();
    return;
  }
  process.stderr.write(`${message('started', language)}\n`);
}

/** `linia start`: every worker the configuration enables, in one process. */
export function runStart(language: CliLanguage): Promise<void> {
  return run(null, language);
}

/** `linia worker NAME`: one worker in this process. */
export async function runSingleWorker(name: string, language: CliLanguage): Promise<void> {
  if (!(WORKER_NAMES as readonly string[]).includes(name)) {
    throw new Error(`${message('unknownWorker', language)} "${name}"; use one of ${WORKER_NAMES.join(', ')}`);
  }
  return run([name as WorkerName], language);
}
