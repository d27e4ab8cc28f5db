import { readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { envFixes, envSchema, readEnv, type EnvConfig } from './env.js';
import { policySchema, type Policy } from './policy.js';

/** Every setting Linia runs with: the environment plus the policy file. */
export interface Config {
  env: EnvConfig;
  policy: Policy;
  /** Folder the policy's relative paths are resolved against. */
  policyDir: string;
  /** Address replies are sent from, split into its parts. */
  mailFrom: { address: string; name: string } | null;
  messageIdDomain: string;
}

/** Raised when configuration is invalid; `problems` lists every one with its fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Server a process needs beyond the store and Redis, checked only when that part runs. */
export type Requirement = 'imap' | 'smtp' | 'slack' | 'slack-receiver';

function describeIssues(issues: z.core.$ZodIssue[], fixFor: (key: string) => string | undefined, label: string): string[] {
  return issues.map((issue) => {
    const key = issue.path.join('.');
    const fix = fixFor(String(issue.path[0] ?? ''));
    const where = key ? `${label}${key}` : label.replace(/:\s*$/, '') || 'value';
    return fix ? `${where}: ${issue.message}; ${fix}` : `${where}: ${issue.message}`;
  });
}

/** Parses `Name <address>` or a bare address. */
export function parseMailbox(text: string): { address: string; name: string } | null {
  const angle = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(text);
  if (angle) {
    return { name: angle[1].trim(), address: angle[2].toLowerCase() };
  }
  const bare = /^\s*([^<>\s]+@[^<>\s]+)\s*$/.exec(text);
  return bare ? { name: '', address: bare[1].toLowerCase() } : null;
}

/**
 * True when two addresses reach the same mailbox: equal without case, or equal once
 * a `+tag` sub-address is removed from the local part (support+l2@ reaches support@).
 */
export function sameMailbox(a: string, b: string): boolean {
  const base = (address: string): string => address.trim().toLowerCase().replace(/\+[^@]*@/, '@');
  return base(a) === base(b);
}

/**
 * Lists every address the policy sends escalation or notification mail to: the
 * strings under any key named `email`, at any depth (support lines, their
 * categories and their leads), with the key path for the error message.
 */
export function notificationAddresses(value: unknown, keyPath = ''): { path: string; address: string }[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => notificationAddresses(item, `${keyPath}[${index}]`));
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  const found: { path: string; address: string }[] = [];
  for (const [key, child] of Object.entries(value)) {
    const childPath = keyPath === '' ? key : `${keyPath}.${key}`;
    if (key === 'email') {
      const addresses = Array.isArray(child) ? child : [child];
      found.push(...addresses.filter((item): item is string => typeof item === 'string').map((address) => ({ path: childPath, address })));
    } else {
      found.push(...notificationAddresses(child, childPath));
    }
  }
  return found;
}

function readPolicyFile(file: string, problems: string[]): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    problems.push(`LINIA_POLICY_FILE: cannot read ${file} (${(error as Error).message}); fix the path or unset the variable`);
    return {};
  }
  try {
    return YAML.parse(text) ?? {};
  } catch (error) {
    problems.push(`LINIA_POLICY_FILE: ${file} is not valid YAML or JSON (${(error as Error).message})`);
    return {};
  }
}

function checkRequirements(env: EnvConfig, requirements: Requirement[], problems: string[]): void {
  const missing = (name: keyof EnvConfig & string): void => {
    problems.push(`${name}: missing; ${envFixes[name]}`);
  };
  if (requirements.includes('imap')) {
    if (!env.IMAP_HOST) missing('IMAP_HOST');
    if (!env.IMAP_USER) missing('IMAP_USER');
    if (!env.IMAP_PASSWORD) missing('IMAP_PASSWORD');
  }
  if (requirements.includes('smtp')) {
    if (!env.SMTP_HOST) missing('SMTP_HOST');
    if (!env.MAIL_FROM) missing('MAIL_FROM');
    if (env.SMTP_USER && !env.SMTP_PASSWORD) {
      problems.push('SMTP_PASSWORD: missing while SMTP_USER is set; set both or neither');
    }
    if (env.SMTP_SENT_MAILBOX && !requirements.includes('imap')) {
      for (const name of ['IMAP_HOST', 'IMAP_USER', 'IMAP_PASSWORD'] as const) {
        if (!env[name]) problems.push(`${name}: missing while SMTP_SENT_MAILBOX is set; the Sent folder is read with the IMAP login, so set ${name} or unset SMTP_SENT_MAILBOX`);
      }
    }
  }
  if ((requirements.includes('slack') || requirements.includes('slack-receiver')) && !env.SLACK_BOT_TOKEN) {
    missing('SLACK_BOT_TOKEN');
  }
  if (requirements.includes('slack-receiver')) {
    if (env.SLACK_MODE === 'http' && !env.SLACK_SIGNING_SECRET) missing('SLACK_SIGNING_SECRET');
    if (env.SLACK_MODE === 'socket' && !env.SLACK_APP_TOKEN) missing('SLACK_APP_TOKEN');
  }
  if (Boolean(env.LINIA_DASHBOARD_USER) !== Boolean(env.LINIA_DASHBOARD_PASSWORD)) {
    const absent = env.LINIA_DASHBOARD_USER ? 'LINIA_DASHBOARD_PASSWORD' : 'LINIA_DASHBOARD_USER';
    missing(absent);
  }
}

/**
 * Reads and validates the whole configuration. Throws `ConfigError` listing every
 * problem at once, each with the variable or policy key and how to fix it.
 */
export function loadConfig(source: NodeJS.ProcessEnv, requirements: Requirement[] = []): Config {
  const problems: string[] = [];

  const envResult = envSchema.safeParse(readEnv(source));
  if (!envResult.success) {
    problems.push(...describeIssues(envResult.error.issues, (key) => envFixes[key], ''));
  }

  const policyFile = source.LINIA_POLICY_FILE?.trim() || undefined;
  const rawPolicy = policyFile ? readPolicyFile(policyFile, problems) : {};
  const policyResult = policySchema.safeParse(rawPolicy);
  if (!policyResult.success) {
    const policyFix = () => 'see examples/policy.yml for every key and its form';
    problems.push(...describeIssues(policyResult.error.issues, policyFix, `policy file ${policyFile ?? ''}: `));
  }

  if (!envResult.success || !policyResult.success) {
    throw new ConfigError(problems);
  }
  const env = envResult.data;
  const policy = policyResult.data;

  let mailFrom: Config['mailFrom'] = null;
  if (env.MAIL_FROM) {
    mailFrom = parseMailbox(env.MAIL_FROM);
    if (!mailFrom) {
      problems.push(`MAIL_FROM: "${env.MAIL_FROM}" is not an address; ${envFixes.MAIL_FROM}`);
    }
  }
  checkRequirements(env, requirements, problems);

  const ownMailboxes = [env.IMAP_USER, mailFrom?.address].filter((value): value is string => Boolean(value));
  for (const { path: keyPath, address } of notificationAddresses(policy)) {
    if (ownMailboxes.some((own) => sameMailbox(address, own))) {
      problems.push(
        `policy ${keyPath}: ${address} is Linia's own mailbox, so escalations and notifications would come back as new tickets; use the agents' group address`,
      );
    }
  }

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const messageIdDomain = env.MESSAGE_ID_DOMAIN ?? mailFrom?.address.split('@')[1] ?? 'linia.invalid';
  const policyDir = policyFile ? path.dirname(path.resolve(policyFile)) : process.cwd();
  return { env, policy, policyDir, mailFrom, messageIdDomain };
}
