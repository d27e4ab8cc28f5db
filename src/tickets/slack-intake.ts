import type { Logger } from 'pino';
import { enqueueMirror } from '../channels/slack/slack-jobs.js';
import { buildFirstLineMessage } from '../channels/slack/l1-answer-blocks.js';
import { isPermanentSlackError, slackErrorCode, type SlackWorkDeps } from '../channels/slack/slack-deps.js';
import { slackLanguage } from '../channels/slack/texts.js';
import { slackToPlainText } from '../escalation/slack-text.js';
import { recordFirstLineFeedback } from '../triage/first-line-feedback.js';
import { onTicketActivity } from '../sla/activity.js';
import { triageAndPlan } from '../triage/triage-ticket.js';
import { detectLanguage } from '../inbound/language.js';
import { saysSolved } from '../inbound/solved-intent.js';
import { ticketTag } from '../inbound/subject.js';
import { isDuplicateKeyError } from '../store/connection.js';
import { MessageModel } from '../store/message.model.js';
import { withoutNul } from '../store/storable.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { appendEvent, findOrCreateTicket, findTicketById, hasEvent, transitionStatus } from './ticket-repository.js';

/** Longest subject taken from the first line of a Slack message, in characters. */
const SUBJECT_MAX_CHARS = 80;

/** A person's message in Slack, after the bot mention was removed. */
export interface SlackRequesterMessage {
  channel: string;
  user: string;
  ts: string;
  /** Root of the thread the message belongs to, or its own ts at top level. */
  threadTs: string;
  text: string;
}

export interface SlackProfile {
  name: string;
  email: string | null;
}

/** Message key of a Slack message, unique per workspace: channel and ts. */
export function slackMessageKey(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/** Reads the name and e-mail of a Slack user; without the users:read.email scope the e-mail is null. */
export async function slackProfile(deps: SlackWorkDeps, user: string): Promise<SlackProfile> {
  try {
    const info = await deps.slack.users.info({ user });
    const profile = info.user?.profile;
    return {
      name: profile?.real_name || info.user?.real_name || profile?.display_name || info.user?.name || user,
      email: profile?.email?.toLowerCase() ?? null,
    };
  } catch (error) {
    if (!isPermanentSlackError(error)) {
      throw error;
    }
    deps.log.warn({ user, slackError: slackErrorCode(error) }, 'users.info failed; the requester keeps the Slack user id only');
    return { name: user, email: null };
  }
}

function subjectOf(text: string): string {
  const firstLine = text.split('\n').map((line) => line.trim()).find((line) => line.length > 0) ?? '';
  return firstLine.length > SUBJECT_MAX_CHARS ? `${firstLine.slice(0, SUBJECT_MAX_CHARS - 1)}…` : firstLine;
}

async function recordSlackInbound(message: SlackRequesterMessage, ticket: Ticket, profile: SlackProfile | null, language: string | null, outcome: 'ticket_created' | 'attached'): Promise<void> {
  try {
    await MessageModel.create(
      withoutNul({
        channel: 'slack',
        key: slackMessageKey(message.channel, message.ts),
        direction: 'in',
        sourceKey: `slack:${message.channel}:${message.ts}`,
        from: { address: profile?.email ?? null, name: profile?.name ?? message.user },
        subject: ticket.subject,
        language,
        text: slackToPlainText(message.text),
        outcome,
        ticketId: ticket._id,
        ticketNumber: ticket.number,
      }),
    );
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
}

/**
 * Opens a ticket for a Slack message (a DM, a mention in a help channel or a
 * modal submission), answers it in the requester's thread and plans its L2
 * escalation. `originKey` makes a repeat return the ticket of the first run,
 * and every step is keyed, so a retried job posts the answer once.
 */
export async function openSlackTicket(message: SlackRequesterMessage, originKey: string, deps: SlackWorkDeps): Promise<Ticket> {
  const profile = await slackProfile(deps, message.user);
  const plain = slackToPlainText(message.text);
  const detected = detectLanguage(plain).language;
  const language = slackLanguage(detected === 'und' ? null : detected, deps.config.policy.language.default);
  const { ticket, created } = await findOrCreateTicket({
    originKey,
    channel: 'slack',
    subject: subjectOf(plain),
    language,
    requester: { address: profile.email, name: profile.name, slackUserId: message.user },
  });
  if (!ticket.slack?.threadTs) {
    await TicketModel.updateOne({ _id: ticket._id }, { $set: { 'slack.channel': message.channel, 'slack.threadTs': message.threadTs } });
    ticket.slack = { channel: message.channel, threadTs: message.threadTs };
  }
  const inboundKey = slackMessageKey(message.channel, message.ts);
  await appendEvent(ticket, { key: 'created', type: 'ticket.created', messageKey: inboundKey });
  await appendEvent(ticket, { key: `in:${inboundKey}`, type: 'message.received', messageKey: inboundKey, from: message.user });
  await recordSlackInbound(message, ticket, profile, language, 'ticket_created');
  if (created) {
    deps.log.info({ ticketNumber: ticket.number, channel: message.channel, language }, 'ticket created from Slack');
  }

  await answerInThread(ticket, inboundKey, plain, deps);

  const answered = await findTicketById(ticket._id);
  await triageAndPlan(deps, ticket, {
    subject: ticket.subject,
    text: plain,
    requesterAddress: profile?.email ?? null,
    channel: 'slack',
    kbArticleId: answered?.kbArticleId ?? null,
  });
  return ticket;
}

/** Slack message-metadata type of first-line answers. */
const FIRST_LINE_EVENT_TYPE = 'linia_first_line_answer';

/** Returns the ts of a first-line answer with this key already in the thread, or null. */
async function findEarlierAnswer(deps: SlackWorkDeps, channel: string, threadTs: string, key: string): Promise<string | null> {
  const thread = await deps.slack.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 });
  const found = (thread.messages ?? []).find((message) => {
    const metadata = (message as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
    return metadata?.event_type === FIRST_LINE_EVENT_TYPE && metadata.event_payload?.key === key;
  });
  return found?.ts ?? null;
}

/**
 * Posts the first-line answer (article or acknowledgement, with the two
 * buttons) in the requester's thread. The outbound record is inserted first and
 * marked sent with the post's ts, so a retry does not post twice. After a crash
 * between the post and that mark, the retry finds the post by its metadata.
 */
async function answerInThread(ticket: Ticket, inboundKey: string, question: string, deps: SlackWorkDeps): Promise<void> {
  const key = `first-reply:slack:${inboundKey}`;
  const language = slackLanguage(ticket.language, deps.config.policy.language.default);
  const answer = await deps.answerer.bestAnswer(`${ticket.subject}\n${question}`, language);
  const tag = ticketTag(ticket.number, deps.config.env.LINIA_TICKET_TAG_PREFIX);
  const message = buildFirstLineMessage(ticket._id.toHexString(), tag, answer, language);
  const kind = answer ? 'kb_answer' : 'acknowledgement';

  try {
    await MessageModel.create({
      channel: 'slack',
      key,
      direction: 'out',
      kind,
      status: 'pending',
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      text: message.text,
      language,
      articleId: answer?.articleId ?? null,
    });
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  const record = await MessageModel.findOne({ channel: 'slack', key }).lean();
  if (record?.status === 'sent') {
    return;
  }

  const channel = ticket.slack?.channel ?? '';
  const threadTs = ticket.slack?.threadTs ?? '';
  // A crash after Slack accepted the answer but before it was marked sent would post it
  // twice. The answer carries metadata with its key, so a retry of an attempt that may
  // have reached Slack looks for it in the thread first and adopts it.
  let postedTs = (record?.attempts ?? 0) > 0 ? await findEarlierAnswer(deps, channel, threadTs, key) : null;
  if (!postedTs) {
    await MessageModel.updateOne({ channel: 'slack', key }, { $set: { attempts: (record?.attempts ?? 0) + 1 } });
    const posted = await deps.slack.chat.postMessage({
      channel,
      thread_ts: threadTs,
      text: message.text,
      blocks: message.blocks as never,
      unfurl_links: false,
      metadata: { event_type: FIRST_LINE_EVENT_TYPE, event_payload: { key } },
    });
    postedTs = posted.ts ?? null;
  }
  await MessageModel.updateOne({ channel: 'slack', key }, { $set: { status: 'sent', sentAt: new Date(), messageId: postedTs } });

  await appendEvent(ticket, {
    key: `sent:${key}`,
    type: answer ? 'auto_reply.sent' : 'acknowledgement.sent',
    messageKey: key,
    articleId: answer?.articleId,
  });
  if (answer) {
    await transitionStatus(deps.queues, ticket._id, {
      from: ['new'],
      to: 'waiting_for_requester',
      event: {
        key: `waiting:${inboundKey}`,
        articleId: answer.articleId,
        detail: `answered from the knowledge base (confidence ${answer.confidence.toFixed(2)})`,
      },
      set: { kbArticleId: answer.articleId },
      replan: false,
    });
  }
  deps.log.info({ ticketNumber: ticket.number, kind, articleId: answer?.articleId ?? null }, 'first-line answer posted in Slack');
}

/**
 * Adds a later message of the requester's thread to its ticket: a "solved"
 * message resolves it, a reply to a knowledge-base answer sends it back to the
 * first line, and a message on a closed ticket reopens it. The message is then
 * mirrored into the agent thread, when the ticket has one.
 */
export async function attachSlackMessage(ticket: Ticket, message: SlackRequesterMessage, deps: SlackWorkDeps, log: Logger): Promise<string> {
  const key = slackMessageKey(message.channel, message.ts);
  await recordSlackInbound(message, ticket, null, null, 'attached');
  await appendEvent(ticket, { key: `in:${key}`, type: 'message.received', messageKey: key, from: message.user });

  let outcome = 'attached';
  const plain = slackToPlainText(message.text);
  if (saysSolved(plain)) {
    const resolved = await transitionStatus(deps.queues, ticket._id, {
      from: ['new', 'waiting_for_requester', 'escalated'],
      to: 'resolved',
      event: { key: `resolved:${key}`, messageKey: key, detail: 'requester confirmed the problem is solved' },
      set: { resolvedAt: new Date() },
      replan: true,
    });
    if (resolved) {
      outcome = 'attached; resolved';
      await onTicketActivity(deps, ticket._id.toHexString(), 'resolved');
      await recordFirstLineFeedback(ticket, 'solved', 'slack', key);
    }
  } else if (ticket.status === 'waiting_for_requester') {
    const back = await transitionStatus(deps.queues, ticket._id, {
      from: ['waiting_for_requester'],
      to: 'new',
      event: { key: `back-to-l1:${key}`, messageKey: key, detail: 'requester replied without confirming a fix' },
      replan: false,
    });
    if (back) {
      await onTicketActivity(deps, ticket._id.toHexString(), 'requester_replied');
      await recordFirstLineFeedback(ticket, 'needs_help', 'slack', key);
    }
  } else if ((ticket.status === 'resolved' || ticket.status === 'closed') && !(await hasEvent(ticket._id, `reopened:${key}`))) {
    const reopened = await transitionStatus(deps.queues, ticket._id, {
      from: ['resolved', 'closed'],
      to: ticket.line === 'L1' ? 'new' : 'escalated',
      event: { key: `reopened:${key}`, messageKey: key, detail: 'requester wrote again' },
      set: { resolvedAt: null },
      replan: true,
    });
    if (reopened) {
      await onTicketActivity(deps, ticket._id.toHexString(), 'reopened');
      outcome = 'attached; reopened';
    }
  } else if (ticket.sla?.pausedAt) {
    await onTicketActivity(deps, ticket._id.toHexString(), 'requester_replied');
  }
  await enqueueMirror(deps.queues, { ticketId: ticket._id.toHexString(), channel: 'slack', messageKey: key });
  log.info({ ticketNumber: ticket.number, outcome }, 'Slack message attached to ticket');
  return outcome;
}
