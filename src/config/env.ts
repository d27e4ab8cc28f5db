import { z } from 'zod';

/**
 * Environment variables Linia reads, each with its default and the fix named in
 * the error when it is invalid. This is the only module that reads `process.env`;
 * `.env.example` documents the same list.
 */
const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const port = z.coerce.number().int().min(1).max(65535);

export const envSchema = z.object({
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .default('mongodb://127.0.0.1:27017/linia'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .default('redis://127.0.0.1:6379'),
  LINIA_QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}-]+$/, 'may contain letters, digits, _, - and {} only')
    .default('linia'),
  LINIA_POLICY_FILE: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  IMAP_HOST: z.string().min(1).optional(),
  IMAP_PORT: port.default(993),
  IMAP_SECURE: booleanText.default(true),
  IMAP_USER: z.string().min(1).optional(),
  IMAP_PASSWORD: z.string().min(1).optional(),
  IMAP_MAILBOX: z.string().min(1).default('INBOX'),

  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: port.default(587),
  SMTP_SECURE: booleanText.default(false),
  SMTP_REQUIRE_TLS: booleanText.default(false),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).optional(),
  MESSAGE_ID_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'must be a domain name such as support.example.com')
    .optional(),

  SLACK_BOT_TOKEN: z.string().regex(/^xox[a-z]-/, 'must be a bot token starting with xoxb-').optional(),
  SLACK_API_URL: z.url().optional(),

  LINIA_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(26_214_400),
  LINIA_PARSE_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  LINIA_TICKET_TAG_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9-]*$/, 'may contain letters, digits and - only')
    .default(''),
  LINIA_IMAP_POLL_SECONDS: z.coerce.number().int().min(1).default(60),
});

export type EnvConfig = z.infer<typeof envSchema>;

/** How to fix each variable, appended to its validation message. */
export const envFixes: Record<string, string> = {
  MONGODB_URI: 'set it to the MongoDB connection string, e.g. mongodb://127.0.0.1:27017/linia',
  REDIS_URL: 'set it to the Redis URL, e.g. redis://127.0.0.1:6379',
  LINIA_QUEUE_PREFIX: 'choose a short name such as linia (use {linia} on Redis Cluster)',
  LOG_LEVEL: 'use one of fatal, error, warn, info, debug, trace, silent',
  IMAP_HOST: 'set it to the IMAP server name of the support mailbox',
  IMAP_PORT: 'use the IMAP port, usually 993 (TLS) or 143',
  IMAP_SECURE: 'use true for implicit TLS (port 993) or false',
  IMAP_USER: 'set it to the support mailbox login',
  IMAP_PASSWORD: 'set it to the support mailbox password or app password',
  SMTP_HOST: 'set it to the SMTP relay that sends Linia\'s mail',
  SMTP_PORT: 'use the SMTP port, usually 587 (STARTTLS) or 465 (TLS)',
  MAIL_FROM: 'set it to the support address replies come from, e.g. "IT Support <support@example.com>"',
  MESSAGE_ID_DOMAIN: 'set it to the domain used in Message-IDs, e.g. support.example.com',
  SLACK_BOT_TOKEN: 'copy the Bot User OAuth Token (xoxb-…) from the Slack app settings',
  SLACK_API_URL: 'leave it unset for Slack itself; set a full URL only for a local test server',
  LINIA_MAX_MESSAGE_BYTES: 'set a size in bytes, at least 1024',
  LINIA_PARSE_TIMEOUT_MS: 'set a time in milliseconds, at least 100',
  LINIA_TICKET_TAG_PREFIX: 'use letters, digits or - (e.g. IT makes tags like [IT#12]), or leave it empty',
  LINIA_IMAP_POLL_SECONDS: 'set a whole number of seconds, at least 1',
};

/** Picks the variables of the schema out of an environment, dropping empty strings. */
export function readEnv(source: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of Object.keys(envSchema.shape)) {
    const value = source[name];
    if (value !== undefined && value.trim() !== '') {
      values[name] = value.trim();
    }
  }
  return values;
}
