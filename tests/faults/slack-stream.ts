/**
 * The Slack half of the fault suite's stream: direct messages to the bot sent
 * as signed Events API requests to the real receiver, resent the way Slack
 * resends (same event id, X-Slack-Retry-Num) until the receiver returns 200.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WebClient } from '@slack/web-api';
import { DEFAULT_FAKE_TOKEN, type SlackFake } from '../../src/devtools/slack-fake.js';
import { sendEvent } from '../support/slack-requests.js';
import { seededRandom } from './mail-stream.js';

export interface SlackStreamMessage {
  index: number;
  kind: 'new' | 'thread-reply';
  user: string;
  channel: string;
  ts: string;
  /** The request a thread reply belongs to (its ts), or null. */
  threadTs: string | null;
  eventId: string;
  text: string;
}

const REQUESTS_PL = ['Zapomniałem hasła do laptopa, jak je zresetować?', 'Drukarka nie drukuje od rana.', 'VPN się nie łączy z domu.'];
const REQUESTS_EN = ['I forgot my password, how do I reset it?', 'The printer does not print anything.', 'VPN will not connect from home.'];

/** Registers the users and opens their direct-message channels in the fake. */
export async function buildSlackStream(seed: number, count: number, slack: SlackFake): Promise<SlackStreamMessage[]> {
  const random = seededRandom(seed ^ 0x51ac);
  const web = new WebClient(DEFAULT_FAKE_TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
  const messages: SlackStreamMessage[] = [];
  const requests: SlackStreamMessage[] = [];
  const baseSeconds = Math.floor(Date.now() / 1000);
  for (let index = 0; index < count; index++) {
    const reply = requests.length > 0 && random() < 0.25;
    const parent = reply ? (requests[Math.floor(random() * requests.length)] as SlackStreamMessage) : null;
    const user = parent?.user ?? `U0FAULT${String(index).padStart(5, '0')}`;
    let channel = parent?.channel;
    if (!channel) {
      slack.addUser(user, { name: `Fault User ${index}`, email: `slack.user${index}@example.test` });
      const opened = await web.conversations.open({ users: user });
      channel = opened.channel?.id as string;
    }
    const polish = random() < 0.5;
    const pool = polish ? REQUESTS_PL : REQUESTS_EN;
    let text: string;
    if (reply) {
      text = polish ? 'Nadal nie działa, proszę o pomoc.' : 'Still broken, please help.';
    } else {
      text = pool[Math.floor(random() * pool.length)] as string;
    }
    const message: SlackStreamMessage = {
      index,
      kind: reply ? 'thread-reply' : 'new',
      user,
      channel,
      ts: `${baseSeconds + index}.${String(100000 + index).padStart(6, '0')}`,
      threadTs: parent?.ts ?? null,
      eventId: `Ev0FAULT${String(index).padStart(6, '0')}`,
      text: `${text} (${index})`,
    };
    messages.push(message);
    if (!reply) requests.push(message);
  }
  return messages;
}

/** How long one event is offered to the receiver before the suite gives up on it. */
const DELIVERY_DEADLINE_MS = 5 * 60_000;

/** Delivers one event, retrying like Slack while the receiver is down or answers an error. Returns the retries used. */
export async function deliverSlackEvent(url: string, message: SlackStreamMessage): Promise<number> {
  const event: Record<string, unknown> = { type: 'message', channel: message.channel, channel_type: 'im', user: message.user, text: message.text, ts: message.ts };
  if (message.threadTs) event.thread_ts = message.threadTs;
  // Time-based, not count-based: on a loaded machine a killed receiver can take a minute to come back.
  const deadline = Date.now() + DELIVERY_DEADLINE_MS;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      const response = await sendEvent(url, event, { eventId: message.eventId, ...(attempt > 0 ? { retryNum: Math.min(attempt, 3) } : {}) });
      if (response.status === 200) return attempt;
    } catch {
      // Connection refused while the receiver restarts; Slack retries as well.
    }
    await sleep(250);
  }
  throw new Error(`Slack event ${message.eventId} was never accepted by the receiver`);
}
