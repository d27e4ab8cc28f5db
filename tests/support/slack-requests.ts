/**
 * Builds Slack requests signed as Slack signs them (v0 HMAC-SHA256 of
 * `v0:{timestamp}:{body}` with the signing secret) and sends them to a receiver.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const TEST_SIGNING_SECRET = 'a3f1c0de5b7e49d2a3f1c0de5b7e49d2';
export const TEAM_ID = 'T0LINIATEST';

export interface SignedRequestOptions {
  /** Seconds since the epoch written into X-Slack-Request-Timestamp; now by default. */
  timestamp?: number;
  secret?: string;
  /** Leaves the signature headers out. */
  unsigned?: boolean;
  retryNum?: number;
}

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POSTs a signed body and returns the HTTP status and response text. */
export async function sendSigned(url: string, body: string, contentType: string, options: SignedRequestOptions = {}): Promise<{ status: number; text: string }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': contentType };
  if (!options.unsigned) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = slackSignature(options.secret ?? TEST_SIGNING_SECRET, timestamp, body);
  }
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

let eventCounter = 0;

/** Returns an Events API id such as Ev0A1B2C3D4E. */
export function newEventId(): string {
  eventCounter += 1;
  return `Ev${randomBytes(4).toString('hex').toUpperCase()}${eventCounter}`;
}

/** Returns a message ts "<seconds>.<6 digits>" unique within this process. */
let lastTsMicros = 0;
export function newTs(): string {
  lastTsMicros = Math.max(Date.now() * 1000, lastTsMicros + 1);
  return `${Math.floor(lastTsMicros / 1_000_000)}.${String(lastTsMicros % 1_000_000).padStart(6, '0')}`;
}

/** Sends an Events API envelope (event_callback) around `event`. */
export function sendEvent(url: string, event: Record<string, unknown>, options: SignedRequestOptions & { eventId?: string } = {}) {
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: TEAM_ID,
    api_app_id: 'A0LINIAAPP',
    event: { event_ts: event.ts, ...event },
    type: 'event_callback',
    event_id: options.eventId ?? newEventId(),
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM_ID, user_id: 'U0LINIABOT', is_bot: true }],
  });
  return sendSigned(url, body, 'application/json', options);
}

/** Sends an interactivity payload (block_actions, view_submission) as Slack does: form field `payload` with JSON. */
export function sendInteraction(url: string, payload: Record<string, unknown>, options: SignedRequestOptions = {}) {
  const body = new URLSearchParams({ payload: JSON.stringify({ team: { id: TEAM_ID }, api_app_id: 'A0LINIAAPP', token: 'legacy', ...payload }) }).toString();
  return sendSigned(url, body, 'application/x-www-form-urlencoded', options);
}

/** Sends a slash command as a form body. */
export function sendCommand(url: string, fields: Record<string, string>, options: SignedRequestOptions = {}) {
  const body = new URLSearchParams({ team_id: TEAM_ID, token: 'legacy', api_app_id: 'A0LINIAAPP', ...fields }).toString();
  return sendSigned(url, body, 'application/x-www-form-urlencoded', options);
}

export function newTriggerId(): string {
  return `${Date.now()}.${randomBytes(6).toString('hex')}`;
}

/** Builds a block_actions payload for a click of `actionId` on a message. */
export function buttonClick(input: {
  user: string;
  channel: string;
  messageTs: string;
  threadTs?: string;
  actionId: string;
  value: string;
  blocks?: unknown;
  responseUrl?: string;
}): Record<string, unknown> {
  const actionTs = newTs();
  return {
    type: 'block_actions',
    user: { id: input.user, team_id: TEAM_ID },
    trigger_id: newTriggerId(),
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channel, is_ephemeral: false, ...(input.threadTs ? { thread_ts: input.threadTs } : {}) },
    channel: { id: input.channel },
    message: { type: 'message', ts: input.messageTs, ...(input.threadTs ? { thread_ts: input.threadTs } : {}), blocks: input.blocks ?? [] },
    ...(input.responseUrl ? { response_url: input.responseUrl } : {}),
    actions: [{ type: 'button', action_id: input.actionId, block_id: 'b', value: input.value, action_ts: actionTs }],
  };
}
