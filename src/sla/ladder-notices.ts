import { pipelineMetrics } from '../metrics/pipeline-metrics.js';
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { escapeSlackText } from '../escalation/slack-text.js';
import { ticketTag } from '../inbound/subject.js';
import { queueOutboundMail } from '../outbound/outbound-mail.js';
import { textToHtml, type ReplyLanguage } from '../outbound/templates.js';
import type { LiniaQueues } from '../queues/queues.js';
import type { Ticket } from '../store/ticket.model.js';
import { appendEvent } from '../tickets/ticket-repository.js';
import { breachEventKey } from './ladder-jobs.js';
import type { SlaDeadline } from './ladder-plan.js';
import { lineTarget } from './ladder-policy.js';
import { breachText, type NoticeText } from './ladder-notice-text.js';

export interface NoticeDependencies {
  config: Config;
  queues: LiniaQueues;
  slack: WebClient | null;
  log: Logger;
}

export interface NoticeRecipients {
  slackChannel?: string;
  email: string[];
}

/**
 * Sends a notice about a ticket to a Slack channel or user and by e-mail. The
 * e-mail is keyed by `key`, so a retry queues it once. The Slack post is made
 * only when `firstRun` is true, that is when this run appended the notice's event.
 */
export async function sendNotice(
  deps: NoticeDependencies,
  ticket: Ticket,
  key: string,
  recipients: NoticeRecipients,
  notice: NoticeText,
  firstRun: boolean,
): Promise<void> {
  if (recipients.email.length > 0) {
    await queueOutboundMail(
      {
        key,
        kind: 'escalation',
        ticketId: ticket._id,
        ticketNumber: ticket.number,
        to: recipients.email.map((address) => ({ address })),
        subject: notice.subject,
        text: `${notice.text}\n`,
        html: textToHtml(notice.text),
        language: deps.config.policy.language.default,
        inReplyTo: null,
        references: [],
      },
      deps.queues,
      deps.config.messageIdDomain,
    );
  }
  if (firstRun && recipients.slackChannel && deps.slack) {
    // NOTE: a crash between the event insert and this post loses the post; the e-mail is still queued on retry.
    await deps.slack.chat.postMessage({
      channel: recipients.slackChannel,
      text: `*${escapeSlackText(notice.subject)}*\n${escapeSlackText(notice.text)}`,
      unfurl_links: false,
    });
  }
}

export function noticeLanguage(config: Config): ReplyLanguage {
  return config.policy.language.default;
}

/**
 * Records that `line` missed `deadline` and notifies the line's lead (Slack user
 * and/or e-mail from `lines.<line>.lead`, per category when set). Runs once per
 * natural key, see `breachEventKey`. Returns true when this call recorded it.
 */
export async function recordBreach(
  deps: NoticeDependencies,
  ticket: Ticket,
  line: 'L1' | 'L2' | 'L3',
  deadline: SlaDeadline,
  planVersion: number,
  dueAt: Date | null,
  now: Date,
): Promise<boolean> {
  const key = breachEventKey(planVersion, deadline);
  const event = { key, type: 'sla.breached' as const, line, at: now, detail: deadline };
  const first = await appendEvent(ticket, event);
  const lead = lineTarget(deps.config.policy, line, ticket.category ?? null).lead;
  if (lead && (lead.slackUser || lead.email.length > 0)) {
    const language = noticeLanguage(deps.config);
    const text = breachText(
      {
        ticketTag: ticketTag(ticket.number, deps.config.env.LINIA_TICKET_TAG_PREFIX),
        subject: ticket.subject || '—',
        priority: ticket.priority,
        deadline,
        dueAt,
      },
      line,
      language,
    );
    await sendNotice(deps, ticket, `sla:${ticket._id.toHexString()}:${key}`, { slackChannel: lead.slackUser, email: lead.email }, text, first);
  }
  if (first) {
    deps.log.warn({ ticketNumber: ticket.number, line, deadline }, 'SLA deadline breached');
    pipelineMetrics.slaBreached(deadline, line);
  }
  return first;
}
