import { metricsRegistry } from '../../src/metrics/registry';
import { pipelineMetrics, slackOutcomeLabel } from '../../src/metrics/pipeline-metrics';

describe('pipeline metrics', () => {
  it('counts inbound messages by channel and outcome', async () => {
    pipelineMetrics.inboundHandled('email', 'auto-replied');
    pipelineMetrics.inboundHandled('email', 'auto-replied');
    pipelineMetrics.inboundHandled('slack', slackOutcomeLabel('ticket #12'));
    const text = await metricsRegistry.metrics();
    expect(text).toContain('linia_inbound_messages_total{channel="email",outcome="auto-replied",app="linia"} 2');
    expect(text).toContain('linia_inbound_messages_total{channel="slack",outcome="ticket_created",app="linia"} 1');
  });

  it('counts sent mail by kind and SLA breaches by deadline', async () => {
    pipelineMetrics.outboundSent('kb_answer');
    pipelineMetrics.slaBreached('response', 'L1');
    const text = await metricsRegistry.metrics();
    expect(text).toContain('linia_outbound_mail_total{kind="kb_answer",app="linia"} 1');
    expect(text).toContain('linia_sla_breaches_total{deadline="response",line="L1",app="linia"} 1');
  });

  it.each([
    ['ticket #7', 'ticket_created'],
    ['attached; reopened', 'attached'],
    ['ignored: bot or system message', 'ignored'],
    ['note', 'note'],
    ['relayed_email', 'relayed_email'],
  ])('labels the Slack outcome %j as %s', (outcome, label) => {
    expect(slackOutcomeLabel(outcome)).toBe(label);
  });
});
