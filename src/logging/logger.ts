import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths whose values never reach a log line. Message bodies and credentials are
 * marked here once, so a call site cannot leak them by logging a whole object.
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

/** Sets the minimum level of every logger, existing children included. */
export function setLogLevel(level: string): void {
  rootLogger().level = level;
}

/** Replaces the root logger, for tests that capture output and for the CLI's quiet mode. */
export function setRootLogger(logger: Logger): void {
  root = logger;
}

/** Returns a child logger tagged with the component that writes through it. */
export function getLogger(component: string, bindings: Record<string, unknown> = {}): Logger {
  return rootLogger().child({ component, ...bindings });
}

export type { Logger };
