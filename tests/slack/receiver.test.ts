import mongoose from 'mongoose';
import { closeSlackQueue, slackQueue } from '../../src/channels/slack/slack-jobs.js';
import { startSlackReceiver, SLACK_EVENTS_PATH, type SlackReceiver } from '../../src/channels/slack/slack-app.js';
import { DEFAULT_FAKE_TOKEN, startSlackFake, type SlackFake } from '../../src/devtools/slack-fake.js';
import { getLogger } from '../../src/logging/logger.js';
import { deleteQueueKeys, openQueues, type LiniaQueues } from '../../src/queues/queues.js';
import { connectStore, disconnectStore } from '../../src/store/connection.js';
import { SlackEventModel } from '../../src/store/slack-event.model.js';
import { requireServers, uniqueName } from '../support/servers.js';
import {
  buttonClick,
  newEventId,
  newTs,
  sendCommand,
  sendEvent,
  sendInteraction,
  TEST_SIGNING_SECRET,
} from '../support/slack-requests.js';

const REQUESTER = 'U0REQUEST01';
const DM = 'D0REQUEST01';

describe('Slack HTTP receiver', () => {
  let fake: SlackFake;
  let queues: LiniaQueues;
  let receiver: SlackReceiver;
  let url: string;

  beforeAll(async () => {
    const servers = await requireServers('mongodb', 'redis');
    await connectStore(`${servers.mongoBaseUri}/${uniqueName('slack_receiver')}`);
    queues = openQueues(servers.redisUrl, uniqueName('q'));
    fake = await startSlackFake();
    receiver = await startSlackReceiver({
      mode: 'http',
      botToken: DEFAULT_FAKE_TOKEN,
      signingSecret: TEST_SIGNING_SECRET,
      slackApiUrl: fake.url,
      host: '127.0.0.1',
      port: 0,
      queues,
      log: getLogger('test-receiver'),
    });
    url = `http://127.0.0.1:${receiver.port}${SLACK_EVENTS_PATH}`;
  });

  afterAll(async () => {
    await receiver.stop();
    await closeSlackQueue(queues);
    await deleteQueueKeys(queues);
    await mongoose.connection.dropDatabase();
    await queues.close();
    await disconnectStore();
    await fake.close();
  });

  function dmEvent(text: string, ts = newTs()): Record<string, unknown> {
    return { type: 'message', channel: DM, channel_type: 'im', user: REQUESTER, text, ts };
  }

  async function queuedJobs(): Promise<number> {
    const counts = await slackQueue(queues).getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  describe('when the signature is wrong', () => {
    it('rejects a forged signature with 401', async () => {
      const before = await SlackEventModel.countDocuments();

      const response = await sendEvent(url, dmEvent('drukarka nie działa'), { secret: 'ffffffffffffffffffffffffffffffff' });

      expect(response.status).toBe(401);
      expect(await SlackEventModel.countDocuments()).toBe(before);
    });

    it('rejects an unsigned request with 401', async () => {
      const response = await sendEvent(url, dmEvent('drukarka nie działa'), { unsigned: true });

      expect(response.status).toBe(401);
    });

    it('rejects a request older than 5 minutes with 401', async () => {
      const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;

      const response = await sendEvent(url, dmEvent('drukarka nie działa'), { timestamp: sixMinutesAgo });

      expect(response.status).toBe(401);
    });

    it('rejects a click signed with another secret', async () => {
      const response = await sendInteraction(url, buttonClick({ user: REQUESTER, channel: DM, messageTs: newTs(), actionId: 'linia_claim', value: 'x' }), {
        secret: 'ffffffffffffffffffffffffffffffff',
      });

      expect(response.status).toBe(401);
    });
  });

  describe('when the request is signed', () => {
    it('stores and queues a DM once', async () => {
      const jobsBefore = await queuedJobs();
      const ts = newTs();

      const response = await sendEvent(url, dmEvent('VPN się nie łączy', ts));

      expect(response.status).toBe(200);
      const stored = await SlackEventModel.find({ dedupKey: `msg:${DM}:${ts}` }).lean();
      expect(stored).toHaveLength(1);
      expect(stored[0]?.status).toBe('pending');
      expect(await queuedJobs()).toBe(jobsBefore + 1);
    });

    it('maps a retried event to one record', async () => {
      const eventId = newEventId();
      const event = dmEvent('Outlook nie synchronizuje poczty');

      const first = await sendEvent(url, event, { eventId });
      const jobsAfterFirst = await queuedJobs();
      const retry = await sendEvent(url, event, { eventId, retryNum: 1 });
      const secondRetry = await sendEvent(url, event, { eventId, retryNum: 2 });

      expect([first.status, retry.status, secondRetry.status]).toEqual([200, 200, 200]);
      expect(await SlackEventModel.countDocuments({ eventId })).toBe(1);
      expect(await queuedJobs()).toBe(jobsAfterFirst);
    });

    it('maps a mention delivered twice to one record', async () => {
      const ts = newTs();
      const channel = 'C0HELPDESK1';
      const text = `<@${fake.botUserId}> monitor miga`;

      await sendEvent(url, { type: 'app_mention', channel, user: REQUESTER, text, ts });
      await sendEvent(url, { type: 'message', channel, channel_type: 'channel', user: REQUESTER, text, ts });

      expect(await SlackEventModel.countDocuments({ dedupKey: `msg:${channel}:${ts}` })).toBe(1);
    });

    it('ignores the bot own message and other bots', async () => {
      const before = await SlackEventModel.countDocuments();
      const own = { type: 'message', channel: DM, channel_type: 'im', user: fake.botUserId, bot_id: 'B0LINIABOT', text: 'Zgłoszenie #1', ts: newTs() };
      const otherBot = { type: 'message', subtype: 'bot_message', channel: DM, channel_type: 'im', bot_id: 'B0OTHERBOT', text: 'Alert', ts: newTs() };

      const ownResponse = await sendEvent(url, own);
      const otherResponse = await sendEvent(url, otherBot);

      expect([ownResponse.status, otherResponse.status]).toEqual([200, 200]);
      expect(await SlackEventModel.countDocuments()).toBe(before);
    });

    it('ignores link previews but stores real edits', async () => {
      const ts = newTs();
      const preview = { type: 'message', subtype: 'message_changed', channel: DM, channel_type: 'im', ts: newTs(), message: { type: 'message', user: REQUESTER, text: 'https://example.com', ts } };
      const edit = { ...preview, ts: newTs(), message: { ...preview.message, text: 'https://example.com działa', edited: { user: REQUESTER, ts: newTs() } } };

      await sendEvent(url, preview);
      await sendEvent(url, edit);

      const stored = await SlackEventModel.find({ type: 'message_changed', dedupKey: new RegExp(`^edit:${DM}:${ts.replace('.', '\\.')}:`) }).lean();
      expect(stored).toHaveLength(1);
    });

    it('stores a button click and a slash command', async () => {
      const click = buttonClick({ user: REQUESTER, channel: DM, messageTs: newTs(), actionId: 'linia_kb_solved', value: '0123456789abcdef01234567' });

      const clickResponse = await sendInteraction(url, click);
      const commandResponse = await sendCommand(url, { command: '/linia', text: '', user_id: REQUESTER, channel_id: DM, trigger_id: 'trigger-1234' });

      expect(clickResponse.status).toBe(200);
      expect(commandResponse.status).toBe(200);
      expect(await SlackEventModel.countDocuments({ eventId: `action:${String(click.trigger_id)}` })).toBe(1);
      expect(await SlackEventModel.countDocuments({ eventId: 'command:trigger-1234' })).toBe(1);
    });

    it('answers an empty modal description with a field error', async () => {
      const response = await sendInteraction(url, {
        type: 'view_submission',
        user: { id: REQUESTER },
        trigger_id: 'trigger-view',
        view: {
          id: 'V0EMPTYVIEW',
          callback_id: 'linia_new_ticket',
          private_metadata: JSON.stringify({ language: 'pl' }),
          state: { values: { subject: { value: { type: 'plain_text_input', value: 'Temat' } }, description: { value: { type: 'plain_text_input', value: '  ' } } } },
        },
      });

      expect(response.status).toBe(200);
      expect(JSON.parse(response.text)).toEqual({ response_action: 'errors', errors: { description: 'Opisz problem w kilku słowach.' } });
      expect(await SlackEventModel.countDocuments({ eventId: 'view:V0EMPTYVIEW' })).toBe(0);
    });
  });
});
