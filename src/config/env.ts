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
  /** PostgreSQL database of a FerretDB store, where Linia adds indexes that FerretDB's filters can use. */
  FERRETDB_POSTGRESQL_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
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
  /** Folder of the IMAP_USER mailbox where the relay files a copy of each accepted mail. */
  SMTP_SENT_MAILBOX: z.string().min(1).optional(),
  MAIL_FROM: z.string().min(3).optional(),
  MESSAGE_ID_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'must be a domain name such as support.example.com')
    .optional(),

  SLACK_BOT_TOKEN: z.string().regex(/^xox[a-z]-/, 'must be a bot token starting with xoxb-').optional(),
  SLACK_API_URL: z.url().optional(),
  SLACK_MODE: z.enum(['http', 'socket']).default('http'),
  SLACK_SIGNING_SECRET: z.string().regex(/^[0-9a-f]{16,}$/i, 'must be the hexadecimal signing secret of the Slack app').optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp-').optional(),
  SLACK_HOST: z.string().min(1).default('127.0.0.1'),
  SLACK_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SLACK_HELP_CHANNELS: z
    .string()
    .regex(/^[CG][A-Z0-9]{2,}(\s*,\s*[CG][A-Z0-9]{2,})*$/, 'must be Slack channel ids separated by commas, e.g. C0123ABCD,C0456EFGH')
    .optional(),
  SLACK_SLASH_COMMAND: z.string().regex(/^\/[a-z0-9_-]{1,31}$/, 'must be a slash command such as /linia').default('/linia'),
  SLACK_AGENT_USERGROUP: z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user group id such as S0123ABCD').optional(),

  LINIA_MAX_MESSAGE_BYTES: z.coerce.number().int().min(1024).default(26_214_400),
  /** Hard cap of the IMAP fetch: larger messages are fetched header-only and quarantined. */
  LINIA_MAX_FETCH_BYTES: z.coerce.number().int().min(1024).default(104_857_600),
  LINIA_PARSE_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Messages one inbound-mail process works on at once; parsing uses the CPU, store calls mostly wait. */
  LINIA_INBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Folder for attachments of inbound mail; without it they are stored in GridFS in MongoDB. */
  LINIA_ATTACHMENT_DIR: z.string().regex(/^\//, 'must be an absolute path').optional(),
  LINIA_TICKET_TAG_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9-]*$/, 'may contain letters, digits and - only')
    .default(''),
  LINIA_IMAP_POLL_SECONDS: z.coerce.number().int().min(1).default(60),
  LINIA_IMAP_WATCHDOG_SECONDS: z.coerce.number().int().min(1).default(30),
  LINIA_IMAP_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
  /** NOOP interval while mail keeps arriving; 0 turns it off. */
  LINIA_IMAP_BURST_POLL_MS: z.coerce.number().int().min(0).default(100),

  LINIA_OPS_HOST: z.string().min(1).default('127.0.0.1'),
  LINIA_OPS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  LINIA_DASHBOARD_USER: z.string().min(1).optional(),
  LINIA_DASHBOARD_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  LINIA_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
});

export type EnvConfig = z.infer<typeof envSchema>;

/** How to fix each variable, appended to its validation message. */
export const envFixes: Record<string, string> = {
  MONGODB_URI: 'set it to the MongoDB connection string, e.g. mongodb://127.0.0.1:27017/linia',
  FERRETDB_POSTGRESQL_URL:
    'set it to the PostgreSQL database that FerretDB stores MONGODB_URI in, e.g. postgres://ferretdb@127.0.0.1:5432/ferretdb, or leave it unset with MongoDB',
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
  SMTP_SENT_MAILBOX:
    'set it to the folder where the SMTP relay files a copy of each mail it accepts (e.g. Sent), read with the IMAP_* login, or leave it unset when the relay keeps no copy',
  MAIL_FROM: 'set it to the support address replies come from, e.g. "IT Support <support@example.com>"',
  MESSAGE_ID_DOMAIN: 'set it to the domain used in Message-IDs, e.g. support.example.com',
  SLACK_BOT_TOKEN: 'copy the Bot User OAuth Token (xoxb-…) from the Slack app settings',
  SLACK_API_URL: 'leave it unset for Slack itself; set a full URL only for a local test server',
  SLACK_MODE: 'use http (Events API over a public HTTPS URL) or socket (Socket Mode, no public URL)',
  SLACK_SIGNING_SECRET: 'copy the Signing Secret from Basic Information in the Slack app settings; required with SLACK_MODE=http',
  SLACK_APP_TOKEN: 'create an app-level token with the connections:write scope (xapp-…) under Basic Information; required with SLACK_MODE=socket',
  SLACK_HOST: 'set the address the Slack HTTP endpoint listens on, e.g. 127.0.0.1 behind a reverse proxy (0.0.0.0 inside a container)',
  SLACK_PORT: 'set the port of the Slack HTTP endpoint, e.g. 3000 (0 picks a free one)',
  SLACK_HELP_CHANNELS: 'list the ids of the channels where mentioning the bot opens a ticket, separated by commas, or leave it unset',
  SLACK_SLASH_COMMAND: 'use the command set in the Slack app, e.g. /linia',
  SLACK_AGENT_USERGROUP: 'set the id of the agents\' user group (S…) or leave it unset to trust the members of the line channels only',
  LINIA_MAX_MESSAGE_BYTES: 'set a size in bytes, at least 1024',
  LINIA_MAX_FETCH_BYTES: 'set a size in bytes, at least 1024; messages larger than this are fetched header-only and quarantined (default 104857600, 100 MiB)',
  LINIA_PARSE_TIMEOUT_MS: 'set a time in milliseconds, at least 100',
  LINIA_INBOUND_CONCURRENCY: 'set how many messages one inbound-mail process works on at once, from 1 to 64 (default 4)',
  LINIA_ATTACHMENT_DIR: 'set an absolute folder path such as /var/lib/linia/attachments, or leave it unset to store attachments in MongoDB (GridFS)',
  LINIA_TICKET_TAG_PREFIX: 'use letters, digits or - (e.g. IT makes tags like [IT#12]), or leave it empty',
  LINIA_IMAP_POLL_SECONDS: 'set a whole number of seconds, at least 1',
  LINIA_IMAP_WATCHDOG_SECONDS: 'set a whole number of seconds between IMAP liveness checks, at least 1',
  LINIA_IMAP_BURST_POLL_MS:
    'set the interval in milliseconds of the NOOP that asks for new mail during the 5 s after mail arrived (default 100), or 0 to wait for IDLE alone',
  LINIA_IMAP_COMMAND_TIMEOUT_MS: 'set the time limit of one IMAP command in milliseconds, at least 100',
  LINIA_OPS_HOST: 'set the address the health and metrics endpoints listen on, e.g. 127.0.0.1 (0.0.0.0 inside a container)',
  LINIA_OPS_PORT: 'set a port for /healthz, /readyz and /metrics, e.g. 9464 (0 picks a free one)',
  LINIA_DASHBOARD_USER: 'set it together with LINIA_DASHBOARD_PASSWORD to turn the queue dashboard on, or leave both unset',
  LINIA_DASHBOARD_PASSWORD: 'set a password of at least 12 characters together with LINIA_DASHBOARD_USER, or leave both unset',
  LINIA_SHUTDOWN_TIMEOUT_MS: 'set a time in milliseconds, at least 1000',
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
