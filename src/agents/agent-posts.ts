import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import type { Config } from '../config/index.js';
import { buildEscalationPost } from '../escalation/slack-escalation-post.js';
import { excerpt } from '../escalation/slack-text.js';
import { ticketTag } from '../inbound/subject.js';
import { EscalationModel } from '../store/escalation.model.js';
import { MessageModel } from '../store/message.model.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';

export interface AgentPostDeps {
  config: Config;
  slack: WebClient;
  log: Logger;
}

/** Finds the ticket whose agent thread (an escalation post in an agent channel) has this channel and ts. */
export async function findTicketByAgentThread(channel: string, threadTs: string): Promise<{ ticket: Ticket; line: 'L2' | 'L3' } | null> {
  const record = await EscalationModel.findOne({ 'slack.channel': channel, 'slack.ts': threadTs }, { ticketId: 1, line: 1 }).lean();
  if (!record) {
    return null;
  }
  const ticket = await TicketModel.findById(record.ticketId).lean<Ticket>();
  return ticket ? { ticket, line: record.line } : null;
}

/** Returns the first lines of the ticket's first inbound message, from either channel. */
export async function problemExcerpt(ticketId: Types.ObjectId): Promise<string> {
  const first = await MessageModel.findOne({ ticketId, direction: 'in' }, { text: 1 }).sort({ createdAt: 1 }).lean();
  return excerpt(first?.text ?? '');
}

/**
 * Records the escalation post just made as the ticket's agent thread, where agent
 * replies are read and requester replies are mirrored. Callers hold the ticket's
 * lock or write nothing else to the ticket.
 */
export async function recordAgentThread(ticketId: Types.ObjectId, channel: string, ts: string): Promise<void> {
  await TicketModel.updateOne({ _id: ticketId }, { $set: { 'agentThread.channel': channel, 'agentThread.ts': ts } });
}

/**
 * Rewrites every escalation post of the ticket (chat.update) from its current
 * state, so the agent channels show its status, assignee and the buttons that
 * still apply. A failed update is logged and skipped, because the next state
 * change rewrites the post again.
 */
export async function refreshAgentPosts(deps: AgentPostDeps, ticketId: Types.ObjectId): Promise<number> {
  const ticket = await TicketModel.findById(ticketId).lean<Ticket>();
  if (!ticket) {
    return 0;
  }
  const records = await EscalationModel.find({ ticketId, 'slack.ts': { $ne: null } }).lean();
  if (records.length === 0) {
    return 0;
  }
  const problem = await problemExcerpt(ticketId);
  let updated = 0;
  for (const record of records) {
    const channel = record.slack?.channel;
    const ts = record.slack?.ts;
    if (!channel || !ts) {
      continue;
    }
    const post = buildEscalationPost({
      ticket,
      ticketTag: ticketTag(ticket.number, deps.config.env.LINIA_TICKET_TAG_PREFIX),
      line: record.line,
      excerpt: problem,
      dueAt: record.line === 'L2' && ticket.line === 'L2' && ticket.status !== 'resolved' ? (ticket.due?.l3At ?? null) : null,
      language: deps.config.policy.language.default,
    });
    try {
      await deps.slack.chat.update({ channel, ts, text: post.text, blocks: post.blocks as never });
      updated++;
    } catch (error) {
      deps.log.warn({ ticketNumber: ticket.number, channel, ts, err: error }, 'could not update the escalation post');
    }
  }
  return updated;
}

/** Posts a reply into a thread; returns its ts. */
export async function postInThread(slack: WebClient, channel: string, threadTs: string, text: string, blocks?: object[]): Promise<string> {
  const result = await slack.chat.postMessage({
    channel,
    thread_ts: threadTs,
    text,
    ...(blocks ? { blocks: blocks as never } : {}),
    unfurl_links: false,
    unfurl_media: false,
  });
  return result.ts ?? '';
}

/** True for a response_url Linia may POST to: Slack's hooks host, or the local fake's origin in tests. */
export function isAllowedResponseUrl(url: string, slackApiUrl: string | undefined): boolean {
  if (url.startsWith('https://hooks.slack.com/')) {
    return true;
  }
  if (!slackApiUrl) {
    return false;
  }
  try {
    return new URL(url).origin === new URL(slackApiUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Shows a message only to `user`, used for refusals. A button click carries a
 * response_url, which reaches the user even in a channel they have not joined,
 * where chat.postEphemeral fails with user_not_in_channel. A failure is logged,
 * because the refusal itself has been enforced.
 */
export async function tellUser(deps: AgentPostDeps, channel: string, user: string, text: string, threadTs?: string, responseUrl?: string): Promise<void> {
  try {
    if (responseUrl && isAllowedResponseUrl(responseUrl, deps.config.env.SLACK_API_URL)) {
      const response = await fetch(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
      });
      if (!response.ok) {
        throw new Error(`response_url answered HTTP ${response.status}`);
      }
      return;
    }
    await deps.slack.chat.postEphemeral({ channel, user, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
  } catch (error) {
    deps.log.warn({ channel, user, err: error }, 'could not show an ephemeral message');
  }
}

/**
 * Makes a new escalation post the ticket's agent thread and rewrites the
 * ticket's earlier posts (an L2 post once L3 is posted), so their state and
 * buttons match. Called by the escalation handler under the ticket's lock.
 */
export async function onEscalationPosted(deps: AgentPostDeps, ticketId: Types.ObjectId, channel: string, ts: string): Promise<void> {
  await recordAgentThread(ticketId, channel, ts);
  await refreshAgentPosts(deps, ticketId);
}
