import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AgentDirectory } from '../../agents/membership.js';
import type { Config } from '../../config/index.js';
import type { LiniaQueues } from '../../queues/queues.js';
import type { FirstLineAnswerer } from '../../tickets/first-line-reply.js';

/** What the slack-events worker's handlers use. */
export interface SlackWorkDeps {
  config: Config;
  queues: LiniaQueues;
  slack: WebClient;
  log: Logger;
  answerer: FirstLineAnswerer;
  /** Linia's own bot user id, from auth.test. */
  botUserId: string;
  agents: AgentDirectory;
  now?: () => Date;
}

/** Slack errors that a retry cannot fix; the job records them instead of failing. */
export const PERMANENT_SLACK_ERRORS: ReadonlySet<string> = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'missing_scope',
  'invalid_blocks',
  'msg_too_long',
  'user_not_found',
  'cannot_dm_bot',
]);

/** Returns the Slack error code of a Web API platform error, or null for other failures. */
export function slackErrorCode(error: unknown): string | null {
  const code = (error as { data?: { error?: unknown } }).data?.error;
  return typeof code === 'string' ? code : null;
}

export function isPermanentSlackError(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code !== null && PERMANENT_SLACK_ERRORS.has(code);
}

/** Channel ids of SLACK_HELP_CHANNELS. */
export function helpChannels(config: Config): Set<string> {
  return new Set((config.env.SLACK_HELP_CHANNELS ?? '').split(',').map((id) => id.trim()).filter(Boolean));
}
