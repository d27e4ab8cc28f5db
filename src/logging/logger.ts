import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths whose values pino replaces with `[redacted]`. Message bodies and credentials
 * are listed here once, so logging a whole object does not leak them; a secret under
 * another key name is not covered.
 */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'pass',
  '*.pass',
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'signingSecret',
  '*.signingSecret',
  'auth.pass',
  '*.auth.pass',
  'body',
  '*.body',
  'text',
  '*.text',
  'html',
  '*.html',
  'raw',
  '*.raw',
];

let root: Logger | undefined;
/** Bumped when the root logger or its level changes, so component loggers re-derive from it. */
let generation = 0;

/** Creates a logger with Linia's redaction rules, writing to `destination` (stdout by default). */
export function createLogger(level = 'info', destination?: DestinationStream, service = 'linia'): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { service } };
  return destination ? pino(options, destination) : pino(options);
}

/** Returns the process-wide root logger, creating it on first use. */
export function rootLogger(): Logger {
  if (!root) {
    root = createLogger();
  }
  return root;
}

/** Sets the minimum level of every logger, component loggers included. */
export function setLogLevel(level: string): void {
  rootLogger().level = level;
  generation++;
}

/** Replaces the root logger, for tests that capture output and for the CLI's quiet mode. */
export function setRootLogger(logger: Logger): void {
  root = logger;
  generation++;
}

/**
 * Returns a logger tagged with the component that writes through it. Modules
 * create theirs at import time, before the CLI has chosen the destination and
 * level, so the returned logger re-derives its child from the current root
 * whenever that root changes.
 */
export function getLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  let current: Logger | undefined;
  let currentGeneration = -1;
  const resolve = (): Logger => {
    if (!current || currentGeneration !== generation) {
      current = rootLogger().child({ component, ...bindings });
      currentGeneration = generation;
    }
    return current;
  };
  return new Proxy({} as Logger, {
    get(_target, property) {
      const logger = resolve();
      const value: unknown = Reflect.get(logger, property, logger);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(logger) : value;
    },
  });
}

export type { Logger };
