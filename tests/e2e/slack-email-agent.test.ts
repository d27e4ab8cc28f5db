import { simpleParser, type ParsedMail } from 'mailparser';
import { eventually, L2_CHANNEL } from '../support/pipeline-harness.js';
import { buildMail, newMessageId } from '../support/mail-builder.js';
import { newTs, sendEvent } from '../support/slack-requests.js';
import { AGENT, OUTSIDER, startSlackPipeline, type SlackPipeline } from '../slack/support/slack-pipeline.js';
import { MessageModel } from '../../src/store/message.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';

const REQUESTER_ADDRESS = 'jan.nowak@firma.example';

function idsOf(value: string | string[] | undefined): string[] {
  if (value === undefined) {
    return [];
  }
  const ids = Array.isArray(value) ? value : value.split(/\s+/);
  return ids.map((id) => id.replace(/^<|>$/g, ''));
}

describe('e-mail ticket worked from Slack', () => {
  let slackPipeline: SlackPipeline;

  beforeAll(async () => {
    slackPipeline = await startSlackPipeline({ toL2After: 1_500 });
  });

  afterAll(async () => {
    await slackPipeline?.close();
  });

  it('relays an agent thread reply as a threaded e-mail and mirrors the answer', async () => {
    const { harness, eventsUrl } = slackPipeline;
    const fake = harness.slack;
    const originalId = newMessageId();

    // An e-mail whose body tries to notify the whole channel.
    const uid = await harness.deliver(
      buildMail({
        from: `Jan Nowak <${REQUESTER_ADDRESS}>`,
        subject: 'Krzesło biurowe się złamało',
        body: 'Oparcie krzesła odpadło. <!channel> <@U0PIOTR0001> zobaczcie <http://zly.example|tutaj>.',
        messageId: originalId,
      }),
    );
    const raw = await harness.processed(uid);
    const number = raw.result!.ticketNumber!;

    // The L2 post shows the problem with the requester's markup escaped.
    const l2Post = await harness.slack.waitForCall('chat.postMessage', (call) => call.params.channel === L2_CHANNEL && String(call.params.text).includes(`[#${number}]`), 15_000);
    const blocks = JSON.stringify(l2Post.params.blocks);
    expect(blocks).toContain('&lt;!channel&gt;');
    expect(blocks).toContain('&lt;@U0PIOTR0001&gt;');
    expect(blocks).toContain('&lt;http://zly.example|tutaj&gt;');
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).toContain('linia_claim');
    const l2Ts = String(l2Post.response.ts);
    await eventually(async () => ((await TicketModel.findOne({ number }).lean())?.agentThread?.ts === l2Ts ? true : undefined));

    // A thread reply by someone who is not an agent is refused and not mailed.
    const outsiderTs = newTs();
    await sendEvent(eventsUrl, { type: 'message', channel: L2_CHANNEL, channel_type: 'channel', user: OUTSIDER, text: 'Ja to naprawię', ts: outsiderTs, thread_ts: l2Ts });
    const refusal = await fake.waitForCall('chat.postEphemeral', (call) => call.params.user === OUTSIDER, 15_000);
    expect(String(refusal.params.text)).toContain('Only members of the IT support channels');

    // The agent replies in the thread.
    await sendEvent(eventsUrl, { type: 'message', channel: L2_CHANNEL, channel_type: 'channel', user: AGENT, text: 'Dzień dobry, nowe krzesło będzie jutro. Szczegóły: <https://zamowienia.firma.example/123|zamówienie>', ts: newTs(), thread_ts: l2Ts });

    const reply = await eventually(async () => {
      const parsed: ParsedMail[] = await Promise.all(harness.smtp.messages().map((message) => simpleParser(message.raw)));
      return parsed.find((mail) => mail.text?.includes('nowe krzesło będzie jutro'));
    }, 20_000, 'the agent reply to reach the SMTP server');
    const toText = Array.isArray(reply.to) ? '' : (reply.to?.text ?? '');
    expect(toText).toContain(REQUESTER_ADDRESS);
    expect(reply.subject).toBe(`Re: [#${number}] Krzesło biurowe się złamało`);
    expect(reply.text).toContain('zamówienie (https://zamowienia.firma.example/123)');
    expect(reply.text).toContain('Piotr Wiśniewski');
    expect(reply.text).not.toContain('Ja to naprawię');
    expect(reply.headers.get('auto-submitted')).toBeUndefined();

    const requesterThread = await MessageModel.find({ ticketNumber: number, channel: 'email', $or: [{ direction: 'in' }, { kind: { $in: ['kb_answer', 'acknowledgement'] } }] })
      .sort({ createdAt: 1 })
      .lean();
    const threadIds = requesterThread.map((message) => message.messageId);
    expect(threadIds[0]).toBe(originalId);
    expect(reply.inReplyTo?.replace(/^<|>$/g, '')).toBe(threadIds.at(-1));
    expect(idsOf(reply.references)).toEqual(threadIds);

    const confirmation = await fake.waitForCall('chat.postMessage', (call) => call.params.thread_ts === l2Ts && String(call.params.text).includes('Delivered to the requester by e-mail'), 20_000);
    expect(String(confirmation.params.text)).toContain(REQUESTER_ADDRESS);
    const ticket = await TicketModel.findOne({ number }).lean();
    expect(await TicketEventModel.countDocuments({ ticketId: ticket?._id, type: 'agent_reply.sent' })).toBe(1);

    // The requester answers the agent's mail; the answer appears in the agent thread, escaped.
    const replyUid = await harness.deliver(
      buildMail({
        from: `Jan Nowak <${REQUESTER_ADDRESS}>`,
        subject: `Re: [#${number}] Krzesło biurowe się złamało`,
        body: 'Dziękuję, poczekam do jutra. <!here>',
        inReplyTo: reply.messageId?.replace(/^<|>$/g, ''),
        references: [...idsOf(reply.references), reply.messageId?.replace(/^<|>$/g, '') ?? ''],
      }),
    );
    const replyRaw = await harness.processed(replyUid);
    expect(replyRaw.result?.action).toBe('attached');
    const mirrored = await fake.waitForCall('chat.postMessage', (call) => call.params.thread_ts === l2Ts && String(call.params.text).includes('poczekam do jutra'), 15_000);
    expect(String(mirrored.params.text)).toContain('&lt;!here&gt;');
    expect(String(mirrored.params.text)).not.toContain('<!here>');
    expect(String(mirrored.params.text)).toContain('(e-mail)');
  });
});
