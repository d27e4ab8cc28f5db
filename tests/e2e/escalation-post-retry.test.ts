import { WebClient } from '@slack/web-api';
import { DEFAULT_FAKE_TOKEN } from '../../src/devtools/slack-fake';
import { postToSlack } from '../../src/escalation/escalate-ticket';
import { getLogger } from '../../src/logging/logger';
import { EscalationModel } from '../../src/store/escalation.model';
import { TicketModel, type Ticket } from '../../src/store/ticket.model';
import { L2_CHANNEL, startPipeline, type PipelineHarness } from '../support/pipeline-harness';

jest.setTimeout(60_000);

describe('escalation post after a crash between posting and recording', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipeline({ workers: [] });
  });

  afterAll(async () => {
    await harness.close();
  });

  async function ticketWithAttempt(number: number): Promise<Ticket> {
    const ticket = (await TicketModel.create({ number, originKey: `test:${number}`, channel: 'email', subject: 'VPN nie działa', language: 'pl' })).toObject() as Ticket;
    await EscalationModel.create({ ticketId: ticket._id, ticketNumber: number, line: 'L2', planVersion: 1, slack: { attemptedAt: new Date() } });
    return ticket;
  }

  function deps() {
    return { config: harness.config, queues: harness.runtime.queues, slack: harness.runtime.slack, log: getLogger('test') };
  }

  function posts(): number {
    return harness.slack.calls().filter((call) => call.method === 'chat.postMessage' && call.params.channel === L2_CHANNEL).length;
  }

  it('adopts the post that Slack already accepted instead of posting again', async () => {
    const ticket = await ticketWithAttempt(901);
    // The first attempt's post reached Slack; its ts never reached the store.
    const web = new WebClient(DEFAULT_FAKE_TOKEN, { slackApiUrl: harness.slack.url, retryConfig: { retries: 0 } });
    const earlier = await web.chat.postMessage({
      channel: L2_CHANNEL,
      text: 'Zgłoszenie [#901]',
      metadata: { event_type: 'linia_escalation', event_payload: { ticket_id: ticket._id.toHexString(), line: 'L2' } },
    });
    const before = posts();

    await postToSlack(deps(), ticket, 'L2', L2_CHANNEL, 'VPN nie działa', null);

    expect(posts()).toBe(before);
    const record = await EscalationModel.findOne({ ticketId: ticket._id, line: 'L2' }).lean();
    expect(record?.slack?.ts).toBe(earlier.ts);
  });

  it('posts once when the earlier attempt never reached Slack', async () => {
    const ticket = await ticketWithAttempt(902);
    const before = posts();

    await postToSlack(deps(), ticket, 'L2', L2_CHANNEL, 'VPN nie działa', null);
    await postToSlack(deps(), ticket, 'L2', L2_CHANNEL, 'VPN nie działa', null);

    expect(posts()).toBe(before + 1);
    const record = await EscalationModel.findOne({ ticketId: ticket._id, line: 'L2' }).lean();
    expect(record?.slack?.ts).toBeTruthy();
  });
});
