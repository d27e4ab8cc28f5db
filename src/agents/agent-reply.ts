import { onTicketActivity } from '../sla/activity.js';
import type { SlackWorkDeps } from '../channels/slack/slack-deps.js';
import { isPermanentSlackError, slackErrorCode } from '../channels/slack/slack-deps.js';
import { enqueueConfirmation } from '../channels/slack/slack-jobs.js';
import { slackLanguage, slackTexts } from '../channels/slack/texts.js';
import { slackToPlainText } from '../escalation/slack-text.js';
import { replySubject } from '../inbound/subject.js';
import { queueOutboundMail, trimReferences } from '../outbound/outbound-mail.js';
import { textToHtml } from '../outbound/templates.js';
import { isDuplicateKeyError } from '../store/connection.js';
import { MessageModel, type OutboundKind } from '../store/message.model.js';
import type { Ticket } from '../store/ticket.model.js';
import { appendEvent } from '../tickets/ticket-repository.js';
import { postInThread, tellUser } from './agent-posts.js';

/** Prefixes that make an agent's thread message an internal note (case-insensitive, followed by a space or a line break). */
export const NOTE_PREFIXES = ['!note', '!notatka'] as const;

/** Outbound kinds that went to the requester, and so belong to their e-mail thread. */
const REQUESTER_KINDS: OutboundKind[] = ['kb_answer', 'acknowledgement', 'agent_reply'];

/** An agent's message in the thread of an escalation post. */
export interface AgentThreadMessage {
  channel: string;
  threadTs: string;
  ts: string;
  user: string;
  text: string;
}

export type AgentReplyOutcome = 'refused' | 'note' | 'relayed_email' | 'relayed_slack' | 'failed' | 'already_sent';

/** Returns the note text without its prefix, or null when the message is no note. */
export function noteText(text: string): string | null {
  const trimmed = text.trimStart();
  for (const prefix of NOTE_PREFIXES) {
    if (trimmed.toLowerCase().startsWith(prefix) && /^(\s|$)/.test(trimmed.slice(prefix.length))) {
      return trimmed.slice(prefix.length).trim();
    }
  }
  return null;
}

/**
 * Handles an agent's reply in an escalation thread. A non-agent gets an
 * ephemeral rejection, and a note is recorded but never delivered. Any other
 * message goes to the requester: by e-mail for e-mail tickets, or in the
 * requester's Slack thread. The agent thread shows the outcome.
 */
export async function handleAgentThreadMessage(ticket: Ticket, message: AgentThreadMessage, deps: SlackWorkDeps): Promise<AgentReplyOutcome> {
  const texts = slackTexts(deps.config.policy.language.default);
  if (!(await deps.agents.isAgent(message.user))) {
    await tellUser(deps, message.channel, message.user, texts.notAgent, message.threadTs);
    deps.log.warn({ ticketNumber: ticket.number, user: message.user }, 'thread reply by a non-agent not delivered');
    return 'refused';
  }
  const key = `${message.channel}:${message.ts}`;
  const note = noteText(message.text);
  if (note !== null) {
    const added = await appendEvent(ticket, { key: `note:${key}`, type: 'note.added', from: message.user, detail: slackToPlainText(note) });
    if (added) {
      await postInThread(deps.slack, message.channel, message.threadTs, texts.noteRecorded);
    }
    return 'note';
  }
  const outcome = ticket.channel === 'email' ? await relayByEmail(ticket, message, deps) : await relayInSlack(ticket, message, deps);
  if (outcome !== 'failed') {
    // A public reply meets the response target and pauses the clock until the requester writes.
    await onTicketActivity(deps, ticket._id.toHexString(), 'agent_replied');
  }
  return outcome;
}

async function agentName(deps: SlackWorkDeps, user: string): Promise<string> {
  const info = await deps.slack.users.info({ user }).catch(() => null);
  return info?.user?.profile?.real_name || info?.user?.real_name || info?.user?.name || user;
}

/**
 * Queues the reply as an e-mail in the requester's thread: In-Reply-To is the
 * ticket's latest message and References its whole chain, so the requester's
 * client threads it, and the subject carries the ticket tag. The mail goes
 * through the outbound queue like every other mail. A confirmation job reports
 * in the agent thread once the outbound worker has sent it or given up.
 */
async function relayByEmail(ticket: Ticket, message: AgentThreadMessage, deps: SlackWorkDeps): Promise<AgentReplyOutcome> {
  const texts = slackTexts(deps.config.policy.language.default);
  const address = ticket.requester?.address;
  if (!address) {
    await appendEvent(ticket, { key: `reply-failed:${message.channel}:${message.ts}`, type: 'agent_reply.failed', from: message.user, detail: 'no requester address' });
    await postInThread(deps.slack, message.channel, message.threadTs, texts.deliveryFailed(texts.noRequesterAddress));
    return 'failed';
  }
  const language = slackLanguage(ticket.language, deps.config.policy.language.default);
  const name = await agentName(deps, message.user);
  const body = `${slackToPlainText(message.text)}\n\n-- \n${slackTexts(language).emailSignature(name)}`;
  // The requester's thread: their mail and what Linia wrote to them, not the mail to the agents' groups.
  const chain = await MessageModel.find(
    { ticketId: ticket._id, channel: 'email', messageId: { $ne: null }, $or: [{ direction: 'in' }, { kind: { $in: REQUESTER_KINDS } }] },
    { messageId: 1, direction: 1, subject: 1, createdAt: 1 },
  )
    .sort({ createdAt: 1, _id: 1 })
    .lean();
  const ids = chain.map((entry) => entry.messageId).filter((id): id is string => typeof id === 'string');
  const firstInbound = chain.find((entry) => entry.direction === 'in');
  const key = `agent-reply:${message.channel}:${message.ts}`;
  await queueOutboundMail(
    {
      key,
      kind: 'agent_reply',
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      to: [{ address, name: ticket.requester?.name ?? '' }],
      subject: replySubject(firstInbound?.subject || ticket.subject, ticket.number, deps.config.env.LINIA_TICKET_TAG_PREFIX),
      text: body,
      html: textToHtml(body),
      language,
      inReplyTo: ids.at(-1) ?? null,
      references: trimReferences(ids),
    },
    deps.queues,
    deps.config.messageIdDomain,
  );
  await enqueueConfirmation(deps.queues, { ticketId: ticket._id.toHexString(), messageKey: key, agentChannel: message.channel, agentThreadTs: message.threadTs });
  deps.log.info({ ticketNumber: ticket.number, messageKey: key }, 'agent reply queued as e-mail');
  return 'relayed_email';
}

/**
 * Posts the reply in the requester's Slack thread. The outbound record is
 * inserted before the post and marked sent after it, so a retried job does not
 * post twice. A crash between the post and the mark posts again.
 */
async function relayInSlack(ticket: Ticket, message: AgentThreadMessage, deps: SlackWorkDeps): Promise<AgentReplyOutcome> {
  const texts = slackTexts(deps.config.policy.language.default);
  const key = `agent-reply:${message.channel}:${message.ts}`;
  try {
    await MessageModel.create({ channel: 'slack', key, direction: 'out', kind: 'agent_reply', status: 'pending', ticketId: ticket._id, ticketNumber: ticket.number, text: message.text });
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  const record = await MessageModel.findOne({ channel: 'slack', key }).lean();
  if (record?.status === 'sent' || record?.status === 'failed') {
    return 'already_sent';
  }
  const requesterTexts = slackTexts(slackLanguage(ticket.language, deps.config.policy.language.default));
  const name = await agentName(deps, message.user);
  // The agent's own formatting is kept; broadcast mentions are disarmed so a help channel is not pinged.
  const body = message.text.replace(/<!(channel|here|everyone)(\|[^>]*)?>/g, '@$1');
  try {
    const ts = await postInThread(deps.slack, ticket.slack?.channel ?? '', ticket.slack?.threadTs ?? '', `${requesterTexts.agentReplyHeading(name)}\n${body}`);
    await MessageModel.updateOne({ channel: 'slack', key }, { $set: { status: 'sent', sentAt: new Date(), messageId: ts } });
  } catch (error) {
    if (!isPermanentSlackError(error)) {
      throw error;
    }
    const reason = slackErrorCode(error) ?? 'unknown Slack error';
    await MessageModel.updateOne({ channel: 'slack', key }, { $set: { status: 'failed', error: reason } });
    await appendEvent(ticket, { key: `failed:${key}`, type: 'agent_reply.failed', messageKey: key, from: message.user, detail: reason });
    await postInThread(deps.slack, message.channel, message.threadTs, texts.deliveryFailed(reason));
    deps.log.error({ ticketNumber: ticket.number, slackError: reason }, 'agent reply could not be posted to the requester');
    return 'failed';
  }
  await appendEvent(ticket, { key: `sent:${key}`, type: 'agent_reply.sent', messageKey: key, from: message.user });
  await postInThread(deps.slack, message.channel, message.threadTs, texts.deliveredSlack);
  deps.log.info({ ticketNumber: ticket.number, messageKey: key }, 'agent reply posted to the requester in Slack');
  return 'relayed_slack';
}
