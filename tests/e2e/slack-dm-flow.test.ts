import { L2_CHANNEL } from '../support/pipeline-harness.js';
import { eventually } from '../support/pipeline-harness.js';
import { buttonClick, newTs, sendEvent, sendInteraction } from '../support/slack-requests.js';
import { AGENT, HELP_CHANNEL, OUTSIDER, REQUESTER, startSlackPipeline, type SlackPipeline } from '../slack/support/slack-pipeline.js';
import { MessageModel } from '../../src/store/message.model.js';
import { SlackEventModel } from '../../src/store/slack-event.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import type { SlackCall } from '../../src/devtools/slack-fake.js';

function blockTexts(call: SlackCall | undefined): string {
  return JSON.stringify(call?.params.blocks ?? []);
}

function actionIds(blocks: unknown): string[] {
  return ((blocks as { type: string; elements?: { action_id?: string }[] }[]) ?? [])
    .filter((block) => block.type === 'actions')
    .flatMap((block) => (block.elements ?? []).map((element) => element.action_id ?? ''));
}

describe('Slack DM ticket end to end', () => {
  let slackPipeline: SlackPipeline;

  beforeAll(async () => {
    slackPipeline = await startSlackPipeline();
  });

  afterAll(async () => {
    await slackPipeline?.close();
  });

  it('goes from a DM to an agent reply in the DM thread', async () => {
    const { harness, eventsUrl } = slackPipeline;
    const fake = harness.slack;
    const dm = await slackPipeline.dmWith(REQUESTER);
    const ts = newTs();

    // The requester writes to the bot.
    const dmResponse = await sendEvent(eventsUrl, { type: 'message', channel: dm, channel_type: 'im', user: REQUESTER, text: 'Zapomniałam hasła do komputera, jak zresetować hasło?', ts });
    expect(dmResponse.status).toBe(200);

    // Linia answers in the thread with the article and the two buttons.
    const answer = await fake.waitForCall('chat.postMessage', (call) => call.params.channel === dm && call.params.thread_ts === ts, 15_000);
    expect(actionIds(answer.params.blocks)).toEqual(['linia_kb_solved', 'linia_kb_needs_help']);
    expect(blockTexts(answer)).toContain('Nadal potrzebuję pomocy');
    // The status change follows the post, so the test waits for it.
    const ticket = await eventually(async () => {
      const found = await TicketModel.findOne({ originKey: `slack:${dm}:${ts}` }).lean();
      return found?.status === 'waiting_for_requester' ? found : undefined;
    });
    expect(ticket?.channel).toBe('slack');
    expect(ticket?.requester?.address).toBe('anna.kowalska@linia.test');
    expect(ticket?.requester?.name).toBe('Anna Kowalska');
    expect(ticket?.language).toBe('pl');
    expect(ticket?.kbArticleId).toBe('pl/reset-hasla.md');
    expect(blockTexts(answer)).toContain(`[#${ticket?.number}]`);
    const ticketId = String(ticket?._id);

    // "I still need help" sends it to L2 at once.
    const answerTs = String(answer.response.ts);
    const needsHelp = await sendInteraction(
      eventsUrl,
      buttonClick({ user: REQUESTER, channel: dm, messageTs: answerTs, threadTs: ts, actionId: 'linia_kb_needs_help', value: ticketId, blocks: answer.params.blocks }),
    );
    expect(needsHelp.status).toBe(200);
    const l2Post = await fake.waitForCall('chat.postMessage', (call) => call.params.channel === L2_CHANNEL, 15_000);
    expect(String(l2Post.params.text)).toContain(`[#${ticket?.number}]`);
    expect(actionIds(l2Post.params.blocks)).toEqual(['linia_claim', 'linia_resolve', 'linia_escalate_l3']);
    const l2Ts = String(l2Post.response.ts);
    const feedback = await TicketEventModel.findOne({ ticketId: ticket?._id, type: 'kb.feedback' }).lean();
    expect(feedback?.detail).toBe('needs_help');
    const buttonsGone = await fake.waitForCall('chat.update', (call) => call.params.channel === dm && call.params.ts === answerTs);
    expect(actionIds(buttonsGone.params.blocks)).toEqual([]);

    // Someone outside the agent channels cannot claim it.
    const outsiderClick = buttonClick({ user: OUTSIDER, channel: L2_CHANNEL, messageTs: l2Ts, actionId: 'linia_claim', value: ticketId, responseUrl: fake.responseUrl('outsider-claim') });
    expect((await sendInteraction(eventsUrl, outsiderClick)).status).toBe(200);
    const refusal = await fake.waitForCall('response_url', (call) => call.params.response_url_id === 'outsider-claim', 15_000);
    expect(refusal.params.response_type).toBe('ephemeral');
    expect(String(refusal.params.text)).toContain('Only members of the IT support channels');
    await eventually(async () => ((await SlackEventModel.findOne({ eventId: `action:${String(outsiderClick.trigger_id)}` }).lean())?.status === 'done' ? true : undefined));
    const afterOutsider = await TicketModel.findById(ticket?._id).lean();
    expect(afterOutsider?.assignee?.slackUserId ?? null).toBeNull();
    expect(await TicketEventModel.countDocuments({ ticketId: ticket?._id, type: 'ticket.claimed' })).toBe(0);

    // The agent claims it; the post is rewritten without the Claim button.
    const updatesBefore = fake.calls('chat.update').filter((call) => call.params.ts === l2Ts).length;
    expect((await sendInteraction(eventsUrl, buttonClick({ user: AGENT, channel: L2_CHANNEL, messageTs: l2Ts, actionId: 'linia_claim', value: ticketId }))).status).toBe(200);
    const claimedPost = await eventually(async () => {
      const updates = fake.calls('chat.update').filter((call) => call.params.ts === l2Ts);
      return updates.length > updatesBefore ? updates.at(-1) : undefined;
    });
    expect(actionIds(claimedPost?.params.blocks)).toEqual(['linia_resolve', 'linia_escalate_l3']);
    expect(blockTexts(claimedPost)).toContain(`<@${AGENT}>`);
    const claimed = await TicketModel.findById(ticket?._id).lean();
    expect(claimed?.assignee?.slackUserId).toBe(AGENT);

    // The agent's thread reply reaches the requester in the DM thread, and the agent thread confirms it.
    const replyTs = newTs();
    await sendEvent(eventsUrl, { type: 'message', channel: L2_CHANNEL, channel_type: 'channel', user: AGENT, text: 'Wysłałem link do resetu: <https://haslo.firma.example|portal haseł>', ts: replyTs, thread_ts: l2Ts });
    const delivered = await fake.waitForCall('chat.postMessage', (call) => call.params.channel === dm && String(call.params.text).includes('portal haseł'), 15_000);
    expect(delivered.params.thread_ts).toBe(ts);
    expect(String(delivered.params.text)).toContain('Piotr Wiśniewski');
    await fake.waitForCall('chat.postMessage', (call) => call.params.channel === L2_CHANNEL && call.params.thread_ts === l2Ts && String(call.params.text).includes('Delivered to the requester in Slack'));
    expect(await TicketEventModel.countDocuments({ ticketId: ticket?._id, type: 'agent_reply.sent' })).toBe(1);

    // An internal note stays on the ticket.
    await sendEvent(eventsUrl, { type: 'message', channel: L2_CHANNEL, channel_type: 'channel', user: AGENT, text: '!note sprawdzić konto w AD', ts: newTs(), thread_ts: l2Ts });
    await fake.waitForCall('chat.postMessage', (call) => call.params.thread_ts === l2Ts && String(call.params.text).includes('Internal note recorded'));
    const note = await TicketEventModel.findOne({ ticketId: ticket?._id, type: 'note.added', detail: 'sprawdzić konto w AD' }).lean();
    expect(note?.from).toBe(AGENT);
    expect(fake.calls('chat.postMessage').some((call) => call.params.channel === dm && String(call.params.text).includes('sprawdzić konto'))).toBe(false);

    // The requester's answer in the DM thread appears in the agent thread, with the broadcast as plain text.
    await sendEvent(eventsUrl, { type: 'message', channel: dm, channel_type: 'im', user: REQUESTER, text: 'Nadal nie mogę się zalogować <!channel>', ts: newTs(), thread_ts: ts });
    const mirrored = await fake.waitForCall('chat.postMessage', (call) => call.params.channel === L2_CHANNEL && String(call.params.text).includes('Nadal nie mogę'), 15_000);
    expect(mirrored.params.thread_ts).toBe(l2Ts);
    expect(String(mirrored.params.text)).toContain('zalogować @channel');
    expect(String(mirrored.params.text)).not.toContain('<!channel>');
    expect(mirrored.params.link_names).toBeUndefined();
  });

  it('help channel mention opens ticket', async () => {
    const { harness, eventsUrl } = slackPipeline;
    const fake = harness.slack;
    const chatterTs = newTs();
    const mentionTs = newTs();

    await sendEvent(eventsUrl, { type: 'message', channel: HELP_CHANNEL, channel_type: 'channel', user: OUTSIDER, text: 'Ktoś wie, gdzie jest kuchnia?', ts: chatterTs });
    await sendEvent(eventsUrl, { type: 'app_mention', channel: HELP_CHANNEL, user: REQUESTER, text: `<@${fake.botUserId}> The office printer on floor 2 shows a paper jam error`, ts: mentionTs });
    await sendEvent(eventsUrl, { type: 'message', channel: HELP_CHANNEL, channel_type: 'channel', user: REQUESTER, text: `<@${fake.botUserId}> The office printer on floor 2 shows a paper jam error`, ts: mentionTs });

    const answer = await fake.waitForCall('chat.postMessage', (call) => call.params.channel === HELP_CHANNEL && call.params.thread_ts === mentionTs, 15_000);
    expect(String(answer.params.text)).toMatch(/\[#\d+\]/);
    const tickets = await TicketModel.find({ 'slack.channel': HELP_CHANNEL }).lean();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]?.subject).toBe('The office printer on floor 2 shows a paper jam error');
    expect(tickets[0]?.language).toBe('en');
    const chatter = await eventually(async () => (await SlackEventModel.findOne({ dedupKey: `msg:${HELP_CHANNEL}:${chatterTs}` }).lean())?.outcome ?? undefined);
    expect(chatter).toContain('ignored');
    expect(await MessageModel.countDocuments({ channel: 'slack', key: `${HELP_CHANNEL}:${chatterTs}` })).toBe(0);
  });
});
