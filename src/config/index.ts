export { loadConfig, ConfigError, parseMailbox, type Config, type Requirement } from './load-config.js';
export { parseDuration } from './duration.js';
export type { Policy, SupportLineConfig } from './policy.js';
export type { EnvConfig } from './env.js';
export { cliLanguage, message, type CliLanguage, type MessageId } from './cli-language.js';

import { cliLanguage } from './cli-language.js';
import { loadConfig, type Config, type Requirement } from './load-config.js';

/** Loads the configuration from the process environment. */
export function loadProcessConfig(requirements: Requirement[] = [], overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ ...process.env, ...overrides }, requirements);
}

export function processCliLanguage(): 'pl' | 'en' {
  return cliLanguage(process.env);
}
export { readServicesEnv } from './services-env.js';

/** LOG_LEVEL of the process environment, if set; for logging that starts before the configuration is read. */
export function processLogLevel(): string | undefined {
  const level = process.env.LOG_LEVEL?.trim();
  // An invalid value is reported by the configuration check; logging starts at the default.
  return level && ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level) ? level : undefined;
}
