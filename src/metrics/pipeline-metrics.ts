import { Counter } from 'prom-client';
import { metricsRegistry } from './registry.js';

/**
 * Counters of the pipeline's outcomes. Each is incremented once per finished
 * job, so a job retried after a failure is counted when it finally succeeds.
 */
const inbound = new Counter({
  name: 'linia_inbound_messages_total',
  help: 'Inbound messages handled, per channel (email, slack) and outcome (auto-replied, acknowledged, attached, automatic, quarantined, ignored, …)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [metricsRegistry],
});

const outboundMail = new Counter({
  name: 'linia_outbound_mail_total',
  help: 'Mail accepted by the SMTP server, per kind (kb_answer is an automatic first-line answer, acknowledgement, escalation, agent_reply, …)',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

const slaBreaches = new Counter({
  name: 'linia_sla_breaches_total',
  help: 'SLA deadlines missed, per deadline (response, L2, L3) and the line that held the ticket',
  labelNames: ['deadline', 'line'] as const,
  registers: [metricsRegistry],
});

/** Reduces a Slack delivery outcome such as "ticket #12" or "ignored: bot message" to a label. */
export function slackOutcomeLabel(outcome: string): string {
  if (outcome.startsWith('ticket #')) return 'ticket_created';
  if (outcome.startsWith('attached')) return 'attached';
  if (outcome.startsWith('ignored')) return 'ignored';
  return outcome.split(/[\s:;]/)[0] || 'other';
}

export const pipelineMetrics = {
  inboundHandled(channel: 'email' | 'slack', outcome: string): void {
    inbound.inc({ channel, outcome });
  },
  outboundSent(kind: string): void {
    outboundMail.inc({ kind });
  },
  slaBreached(deadline: string, line: string): void {
    slaBreaches.inc({ deadline, line });
  },
};
