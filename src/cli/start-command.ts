import { loadProcessConfig, message, type CliLanguage, type Requirement } from '../config/index.js';
import { getLogger } from '../logging/logger.js';
import { openRuntime } from '../runtime/runtime.js';
import { createKbAnswerer } from '../triage/kb-answerer.js';
import { startWorkers, stopWorkers, WORKER_NAMES, workersFor, type WorkerName } from './run-workers.js';

/** Maximum wait for workers to finish their jobs after SIGTERM or SIGINT. */
const SHUTDOWN_TIMEOUT_MS = 30_000;

function requirementsFor(names: readonly WorkerName[]): Requirement[] {
  const requirements: Requirement[] = [];
  if (names.includes('imap-watcher')) requirements.push('imap');
  if (names.includes('outbound-mail')) requirements.push('smtp');
  return requirements;
}

async function run(names: WorkerName[] | null, language: CliLanguage): Promise<void> {
  const probe = loadProcessConfig();
  const selected = names ?? workersFor(probe);
  const config = loadProcessConfig(requirementsFor(selected));
  const log = getLogger('cli');
  const runtime = await openRuntime(config);
  const handles = await startWorkers(runtime, selected, createKbAnswerer(config));
  log.info({ workers: selected }, 'Linia started');
  process.stderr.write(`${message('started', language)}\n`);

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) {
      return;
    }
    stopping = true;
    process.stderr.write(`${message('stopping', language)}\n`);
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error({ timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out; exiting');
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    void stopWorkers(handles)
      .then(() => runtime.close())
      .then(() => log.info('Linia stopped'))
      .catch((error: unknown) => {
        log.error({ err: error }, 'error during shutdown');
        process.exitCode = 1;
      });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
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
