import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { ticketTag } from '../inbound/subject.js';
import { renderTemplate, type ReplyLanguage } from '../outbound/templates.js';
import { queueOutboundMail } from '../outbound/outbound-mail.js';
import type { EscalationJob, LiniaQueues } from '../queues/queues.js';
import { EscalationModel } from '../store/escalation.model.js';
import { MessageModel } from '../store/message.model.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { planEscalation } from './plan-escalation.js';
import { buildEscalationPost } from './slack-escalation-post.js';
import { excerpt } from './slack-text.js';

export interface EscalationDependencies {
  config: Config;
  queues: LiniaQueues;
  slack: WebClient | null;
  log: Logger;
  now?: () => Date;
}

export type EscalationOutcome = 'escalated' | 'missing' | 'closed' | 'stale_plan' | 'already_higher';

const LINE_ORDER = { L1: 0, L2: 1, L3: 2 } as const;

/** Slack errors that a retry cannot fix; they are recorded instead of retried. */
const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'missing_scope',
  'invalid_blocks',
]);

async function firstProblemText(ticket: Ticket): Promise<string> {
  const first = await MessageModel.findOne({ ticketId: ticket._id, direction: 'in' }, { text: 1 })
    .sort({ createdAt: 1 })
    .lean();
  return excerpt(first?.text ?? '');
}

async function postToSlack(
  deps: EscalationDependencies,
  ticket: Ticket,
  line: 'L2' | 'L3',
  channel: string,
  problem: string,
  dueAt: Date | null,
): Promise<void> {
  const record = await EscalationModel.findOne({ ticketId: ticket._id, line }).lean();
  if (record?.slack?.ts || record?.slack?.error) {
    return;
  }
  const language: ReplyLanguage = deps.config.policy.language.default;
  const post = buildEscalationPost({
    ticket,
    ticketTag: ticketTag(ticket.number, deps.config.env.LINIA_TICKET_TAG_PREFIX),
    line,
    excerpt: problem,
    dueAt,
    language,
  });
  try {
    const result = await deps.slack!.chat.postMessage({ channel, text: post.text, blocks: post.blocks as never, unfurl_links: false });
    await EscalationModel.updateOne({ ticketId: ticket._id, line }, { $set: { 'slack.channel': channel, 'slack.ts': result.ts } });
    deps.log.info({ ticketNumber: ticket.number, line, channel, ts: result.ts }, 'escalation posted to Slack');
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code && PERMANENT_SLACK_ERRORS.has(code)) {
      await EscalationModel.updateOne({ ticketId: ticket._id, line }, { $set: { 'slack.channel': channel, 'slack.error': code } });
      deps.log.error({ ticketNumber: ticket.number, line, channel, slackError: code }, 'escalation post rejected by Slack');
      return;
    }
    throw error;
  }
}

/**
 * Handles a due escalation job. The ticket is re-read: a closed ticket, a ticket
 * re-planned since the job was queued, or one already at a higher line is left
 * alone. Every step (line change, Slack post, group mail, next timer) is keyed by
 * ticket and line, so running the job twice posts and mails once.
 */
export async function escalateTicket(job: EscalationJob, deps: EscalationDependencies): Promise<EscalationOutcome> {
  const now = deps.now?.() ?? new Date();
  const found = await TicketModel.findById(job.ticketId).lean<Ticket>();
  if (!found) {
    return 'missing';
  }
  if (found.status === 'resolved' || found.status === 'closed') {
    return 'closed';
  }
  if (found.planVersion !== job.planVersion) {
    return 'stale_plan';
  }
  if (LINE_ORDER[found.line] > LINE_ORDER[job.line]) {
    return 'already_higher';
  }

  const nextLineDue = job.line === 'L2' ? new Date(now.getTime() + deps.config.policy.escalation.toL3After) : null;
  const lowerLines: Ticket['line'][] = job.line === 'L2' ? ['L1'] : ['L1', 'L2'];
  const moved = await TicketModel.findOneAndUpdate(
    { _id: found._id, planVersion: job.planVersion, line: { $in: lowerLines }, status: { $nin: ['resolved', 'closed'] } },
    {
      $set: { line: job.line, status: 'escalated' },
      $push: { events: { key: `escalated:${job.line}`, type: 'ticket.escalated', line: job.line, at: now } },
    },
    { returnDocument: 'after', lean: true },
  );
  const ticket = (moved as Ticket | null) ?? found;
  if (moved) {
    deps.log.info({ ticketNumber: ticket.number, line: job.line }, 'ticket escalated');
  }

  await EscalationModel.updateOne(
    { ticketId: ticket._id, line: job.line },
    { $setOnInsert: { ticketId: ticket._id, ticketNumber: ticket.number, line: job.line, planVersion: job.planVersion } },
    { upsert: true },
  ).catch((error: unknown) => {
    if ((error as { code?: unknown }).code !== 11000) throw error;
  });

  const lineConfig = deps.config.policy.lines[job.line];
  const problem = await firstProblemText(ticket);
  if (lineConfig.slackChannel && deps.slack) {
    await postToSlack(deps, ticket, job.line, lineConfig.slackChannel, problem, nextLineDue);
  }
  if (lineConfig.email.length > 0) {
    await mailLineGroup(deps, ticket, job.line, lineConfig.email, problem, nextLineDue);
  }
  if (nextLineDue) {
    await planEscalation(deps.queues, ticket, 'L3', nextLineDue, now);
  }
  return 'escalated';
}

async function mailLineGroup(
  deps: EscalationDependencies,
  ticket: Ticket,
  line: 'L2' | 'L3',
  recipients: string[],
  problem: string,
  dueAt: Date | null,
): Promise<void> {
  const language: ReplyLanguage = deps.config.policy.language.default;
  const tag = ticketTag(ticket.number, deps.config.env.LINIA_TICKET_TAG_PREFIX);
  const rendered = renderTemplate('escalation', language, {
    ticketTag: tag,
    line,
    subject: ticket.subject || '—',
    requester: [ticket.requester?.name, ticket.requester?.address].filter(Boolean).join(' ') || '—',
    channel: ticket.channel,
    priority: ticket.priority,
    dueAt: dueAt ? dueAt.toISOString() : '—',
    excerpt: problem || '—',
  });
  await queueOutboundMail(
    {
      key: `escalation:${ticket._id.toHexString()}:${line}`,
      kind: 'escalation',
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      to: recipients.map((address) => ({ address })),
      subject: rendered.subject ?? `${tag} ${line}`,
      text: rendered.text,
      html: rendered.html,
      language,
      inReplyTo: null,
      references: [],
    },
    deps.queues,
    deps.config.messageIdDomain,
  );
}
