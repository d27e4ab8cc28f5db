import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { ticketTag } from '../inbound/subject.js';
import { renderTemplate, type ReplyLanguage } from '../outbound/templates.js';
import { queueOutboundMail } from '../outbound/outbound-mail.js';
import type { EscalationJob, LiniaQueues } from '../queues/queues.js';
import { EscalationModel } from '../store/escalation.model.js';
import { MessageModel } from '../store/message.model.js';
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../store/connection.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { appendEvent, withTicket } from '../tickets/ticket-repository.js';
import { escalationJobId } from '../queues/job-ids.js';
import { ladderClockFor, type LadderClock } from '../sla/ladder-clock.js';
import { ESCALATION_JOB_NAMES } from '../sla/ladder-jobs.js';
import { recordBreach } from '../sla/ladder-notices.js';
import { lineTarget } from '../sla/ladder-policy.js';
import { closedUntil, storeAndQueuePlan } from '../sla/ladder-timers.js';
import { buildEscalationPost } from './slack-escalation-post.js';
import { onEscalationPosted } from '../agents/agent-posts.js';
import { excerpt } from './slack-text.js';

export interface EscalationDependencies {
  config: Config;
  queues: LiniaQueues;
  slack: WebClient | null;
  log: Logger;
  now?: () => Date;
  /** Business clock of the ladder; defaults to the calendars of `config.policy`. */
  clock?: LadderClock;
}

export type EscalationOutcome = 'escalated' | 'missing' | 'closed' | 'stale_plan' | 'already_higher' | 'deferred';

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

export async function postToSlack(
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
  const ticketId = ticket._id.toHexString();
  try {
    // A crash after Slack accepted the post but before its ts was stored would post twice
    // on the retry. The post carries metadata naming ticket and line, so a retry that finds
    // an earlier attempt looks for that post in the channel and adopts it.
    let ts = record?.slack?.attemptedAt ? await findEarlierPost(deps.slack!, channel, ticketId, line, record.slack.attemptedAt) : null;
    if (!ts) {
      await EscalationModel.updateOne({ ticketId: ticket._id, line }, { $set: { 'slack.attemptedAt': new Date() } });
      const result = await deps.slack!.chat.postMessage({
        channel,
        text: post.text,
        blocks: post.blocks as never,
        unfurl_links: false,
        metadata: { event_type: ESCALATION_EVENT_TYPE, event_payload: { ticket_id: ticketId, line } },
      });
      ts = result.ts ?? null;
    } else {
      deps.log.info({ ticketNumber: ticket.number, line, channel, ts }, 'escalation post of an earlier attempt found in Slack');
    }
    const result = { ts: ts ?? undefined };
    await EscalationModel.updateOne({ ticketId: ticket._id, line }, { $set: { 'slack.channel': channel, 'slack.ts': result.ts } });
    deps.log.info({ ticketNumber: ticket.number, line, channel, ts: result.ts }, 'escalation posted to Slack');
    await onEscalationPosted({ config: deps.config, slack: deps.slack!, log: deps.log }, ticket._id, channel, result.ts ?? '');
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

/** Slack message-metadata type of escalation posts. */
const ESCALATION_EVENT_TYPE = 'linia_escalation';

/** Slack ts form ("seconds.micros") of a time a minute before `at`, as the lower bound of a history search. */
function slackTsBefore(at: Date): string {
  return (Math.floor(at.getTime() / 1000) - 60).toString();
}

/** Returns the ts of an escalation post for this ticket and line made since `since`, or null. */
async function findEarlierPost(slack: WebClient, channel: string, ticketId: string, line: string, since: Date): Promise<string | null> {
  const history = await slack.conversations.history({ channel, oldest: slackTsBefore(since), limit: 200, include_all_metadata: true });
  const found = (history.messages ?? []).find((message) => {
    const metadata = (message as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
    return metadata?.event_type === ESCALATION_EVENT_TYPE && metadata.event_payload?.ticket_id === ticketId && metadata.event_payload?.line === line;
  });
  return found?.ts ?? null;
}

/**
 * Handles a due escalation job under the ticket's lock. The ticket is re-read: a
 * closed ticket, a ticket re-planned since the job was queued, or one already at
 * a higher line is left alone. Every step (line change, group mail, next timer,
 * Slack post) is keyed by ticket and line, so running the job twice posts and
 * mails once. The Slack post comes last, so a Slack outage cannot hold back the
 * mail or the next timer.
 */
export async function escalateTicket(job: EscalationJob, deps: EscalationDependencies): Promise<EscalationOutcome> {
  if (!Types.ObjectId.isValid(job.ticketId)) {
    return 'missing';
  }
  const outcome = await withTicket(deps.queues, new Types.ObjectId(job.ticketId), (ticket) => escalateLocked(ticket, job, deps));
  return outcome ?? 'missing';
}

async function escalateLocked(found: Ticket, job: EscalationJob, deps: EscalationDependencies): Promise<EscalationOutcome> {
  const now = deps.now?.() ?? new Date();
  if (found.status === 'resolved' || found.status === 'closed') {
    return 'closed';
  }
  if (found.planVersion !== job.planVersion) {
    return 'stale_plan';
  }
  if (LINE_ORDER[found.line] > LINE_ORDER[job.line]) {
    return 'already_higher';
  }

  const clock = deps.clock ?? ladderClockFor(deps.config);
  const opening = job.manual ? null : closedUntil(found, clock, now);
  if (opening) {
    // A job that fired outside business hours waits for the next opening under its own id.
    const jobId = `${escalationJobId(job.ticketId, job.line, job.planVersion)}-at${opening.getTime()}`;
    await deps.queues.escalation.add(ESCALATION_JOB_NAMES.escalate, job, { jobId, delay: opening.getTime() - now.getTime() });
    deps.log.info({ ticketNumber: found.number, line: job.line, opening }, 'escalation deferred to the next business opening');
    return 'deferred';
  }

  const ticket: Ticket = { ...found, line: job.line, status: 'escalated' };
  if (found.line !== job.line) {
    // The new line's clock starts now; a retried job finds the line set and keeps this start, so its plan is the same.
    const lineStart = { lineStartedAt: now, lineStartPausedMs: found.sla?.pausedMs ?? 0 };
    ticket.sla = { ...found.sla, ...lineStart } as Ticket['sla'];
    await TicketModel.updateOne(
      { _id: found._id },
      { $set: { line: job.line, status: 'escalated', 'sla.lineStartedAt': now, 'sla.lineStartPausedMs': lineStart.lineStartPausedMs } },
    );
    deps.log.info({ ticketNumber: ticket.number, line: job.line }, 'ticket escalated');
  }
  await appendEvent(ticket, { key: `escalated:${job.line}`, type: 'ticket.escalated', line: job.line, at: now });
  await EscalationModel.create({ ticketId: ticket._id, ticketNumber: ticket.number, line: job.line, planVersion: job.planVersion }).catch(
    (error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    },
  );

  if (!job.manual) {
    // The deadline of the line that held the ticket passed: that line's lead hears of it.
    const dueAt = (job.line === 'L2' ? found.due?.l2At : found.due?.l3At) ?? null;
    await recordBreach(deps, ticket, found.line === 'L1' ? 'L1' : 'L2', job.line, job.planVersion, dueAt, now);
  }

  const lineConfig = lineTarget(deps.config.policy, job.line, ticket.category ?? null);
  const problem = await firstProblemText(ticket);
  const plan = await storeAndQueuePlan(ticket, { config: deps.config, queues: deps.queues, log: deps.log, clock, now: () => now });
  const nextLineDue = plan.l3At;
  if (lineConfig.email.length > 0) {
    await mailLineGroup(deps, ticket, job.line, lineConfig.email, problem, nextLineDue);
  }
  if (lineConfig.slackChannel && deps.slack) {
    await postToSlack(deps, ticket, job.line, lineConfig.slackChannel, problem, nextLineDue);
  }
  return 'escalated';
}

/** Time zone deadlines are shown in to agents. */
const DISPLAY_TIME_ZONE = 'Europe/Warsaw';

function formatDeadline(date: Date, language: ReplyLanguage): string {
  const formatted = new Intl.DateTimeFormat(language === 'pl' ? 'pl-PL' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: DISPLAY_TIME_ZONE,
  }).format(date);
  return `${formatted} (${DISPLAY_TIME_ZONE})`;
}

function formatRequester(ticket: Ticket): string {
  const name = ticket.requester?.name?.trim();
  const address = ticket.requester?.address;
  if (name && address) return `${name} <${address}>`;
  return name || address || '—';
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
    requester: formatRequester(ticket),
    channel: ticket.channel,
    priority: ticket.priority,
    dueAt: dueAt ? formatDeadline(dueAt, language) : '—',
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
