import { eventually } from '../support/pipeline-harness.js';
import { newEventId, newTriggerId, newTs, sendCommand, sendEvent, sendInteraction } from '../support/slack-requests.js';
import { REQUESTER, startSlackPipeline, type SlackPipeline } from './support/slack-pipeline.js';
import { SlackEventModel } from '../../src/store/slack-event.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';

describe('Slack intake', () => {
  let slackPipeline: SlackPipeline;

  beforeAll(async () => {
    slackPipeline = await startSlackPipeline();
  });

  afterAll(async () => {
    await slackPipeline?.close();
  });

  async function handled(eventId: string): Promise<string> {
    return eventually(async () => {
      const record = await SlackEventModel.findOne({ eventId }).lean();
      return record?.status === 'done' ? (record.outcome ?? '') : undefined;
    }, 15_000, `Slack delivery ${eventId} to be handled`);
  }

  describe('when Slack retries a DM', () => {
    it('creates one ticket and one answer', async () => {
      const { harness, eventsUrl } = slackPipeline;
      const dm = await slackPipeline.dmWith(REQUESTER);
      const ts = newTs();
      const eventId = newEventId();
      const event = { type: 'message', channel: dm, channel_type: 'im', user: REQUESTER, text: 'Nie działa mi drukarka na drugim piętrze', ts };

      await sendEvent(eventsUrl, event, { eventId });
      await handled(eventId);
      await sendEvent(eventsUrl, event, { eventId, retryNum: 1 });
      await sendEvent(eventsUrl, event, { eventId: newEventId(), retryNum: 0 });
      await handled(eventId);

      expect(await TicketModel.countDocuments({ 'slack.channel': dm, 'slack.threadTs': ts })).toBe(1);
      const answers = harness.slack.calls('chat.postMessage').filter((call) => call.params.channel === dm && call.params.thread_ts === ts);
      expect(answers).toHaveLength(1);
    });
  });

  describe('when a delivered message is edited or deleted', () => {
    it('records notes and sends nothing again', async () => {
      const { harness, eventsUrl } = slackPipeline;
      const dm = await slackPipeline.dmWith(REQUESTER);
      const ts = newTs();
      const firstId = newEventId();
      await sendEvent(eventsUrl, { type: 'message', channel: dm, channel_type: 'im', user: REQUESTER, text: 'Laptop się przegrzewa', ts }, { eventId: firstId });
      await handled(firstId);
      const postsBefore = harness.slack.calls('chat.postMessage').length;

      const editId = newEventId();
      const editTs = newTs();
      await sendEvent(
        eventsUrl,
        { type: 'message', subtype: 'message_changed', channel: dm, channel_type: 'im', ts: editTs, message: { type: 'message', user: REQUESTER, text: 'Laptop się przegrzewa i wyłącza', ts, edited: { user: REQUESTER, ts: editTs } } },
        { eventId: editId },
      );
      expect(await handled(editId)).toBe('edit_recorded');
      const deleteId = newEventId();
      await sendEvent(eventsUrl, { type: 'message', subtype: 'message_deleted', channel: dm, channel_type: 'im', ts: newTs(), deleted_ts: ts, previous_message: { type: 'message', user: REQUESTER, text: 'Laptop się przegrzewa i wyłącza', ts } }, { eventId: deleteId });
      expect(await handled(deleteId)).toBe('delete_recorded');

      const ticket = await TicketModel.findOne({ originKey: `slack:${dm}:${ts}` }).lean();
      const edited = await TicketEventModel.findOne({ ticketId: ticket?._id, type: 'message.edited' }).lean();
      expect(edited?.detail).toContain('Laptop się przegrzewa i wyłącza');
      expect(await TicketEventModel.countDocuments({ ticketId: ticket?._id, type: 'message.deleted' })).toBe(1);
      expect(harness.slack.calls('chat.postMessage')).toHaveLength(postsBefore);
    });
  });

  describe('when the slash command is used', () => {
    it('lists open tickets and files one from the modal', async () => {
      const { harness, eventsUrl } = slackPipeline;
      const fake = harness.slack;
      const dm = await slackPipeline.dmWith(REQUESTER);
      const triggerId = newTriggerId();

      const response = await sendCommand(eventsUrl, { command: '/linia', text: '', user_id: REQUESTER, channel_id: dm, trigger_id: triggerId, response_url: fake.responseUrl('cmd') });
      expect(response.status).toBe(200);

      const opened = await fake.waitForCall('views.open', (call) => call.params.trigger_id === triggerId, 15_000);
      const view = opened.params.view as { callback_id: string; blocks: { text?: { text: string } }[] };
      expect(view.callback_id).toBe('linia_new_ticket');
      const listed = view.blocks[0]?.text?.text ?? '';
      expect(listed).toContain('Twoje otwarte zgłoszenia');
      const open = await TicketModel.find({ 'requester.slackUserId': REQUESTER, status: { $nin: ['resolved', 'closed'] } }).lean();
      expect(open.length).toBeGreaterThan(0);
      for (const ticket of open) {
        expect(listed).toContain(`[#${ticket.number}]`);
      }

      const viewId = String((opened.response.view as { id: string }).id);
      const submission = {
        type: 'view_submission',
        user: { id: REQUESTER },
        trigger_id: newTriggerId(),
        view: {
          id: viewId,
          callback_id: 'linia_new_ticket',
          private_metadata: JSON.stringify({ language: 'pl' }),
          state: { values: { subject: { value: { type: 'plain_text_input', value: 'Brak dostępu do VPN' } }, description: { value: { type: 'plain_text_input', value: 'VPN nie łączy się od rana, błąd uwierzytelniania.' } } } },
        },
      };
      const submitted = await sendInteraction(eventsUrl, submission);
      await sendInteraction(eventsUrl, { ...submission, trigger_id: newTriggerId() });
      expect(submitted.status).toBe(200);

      const root = await fake.waitForCall('chat.postMessage', (call) => call.params.channel === dm && String(call.params.text).includes('Brak dostępu do VPN'), 15_000);
      const answer = await fake.waitForCall('chat.postMessage', (call) => call.params.channel === dm && call.params.thread_ts === root.response.ts, 15_000);
      expect(String(answer.params.text)).toMatch(/\[#\d+\]/);
      const filed = await TicketModel.find({ originKey: `slack-modal:${viewId}` }).lean();
      expect(filed).toHaveLength(1);
      expect(filed[0]?.subject).toBe('Brak dostępu do VPN');
      expect(filed[0]?.slack?.threadTs).toBe(root.response.ts);
    });
  });
});
