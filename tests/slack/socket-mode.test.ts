import mongoose from 'mongoose';
import { closeSlackQueue } from '../../src/channels/slack/slack-jobs.js';
import { startSlackReceiver, type SlackReceiver } from '../../src/channels/slack/slack-app.js';
import { DEFAULT_FAKE_APP_TOKEN, DEFAULT_FAKE_TOKEN, startSlackFake, type SlackFake } from '../../src/devtools/slack-fake.js';
import { startSlackSocketFake, type SlackSocketFake } from '../../src/devtools/slack-socket-fake.js';
import { getLogger } from '../../src/logging/logger.js';
import { deleteQueueKeys, openQueues, type LiniaQueues } from '../../src/queues/queues.js';
import { connectStore, disconnectStore } from '../../src/store/connection.js';
import { SlackEventModel } from '../../src/store/slack-event.model.js';
import { requireServers, uniqueName } from '../support/servers.js';
import { newEventId, newTs } from '../support/slack-requests.js';

describe('Slack Socket Mode receiver', () => {
  let fake: SlackFake;
  let socket: SlackSocketFake;
  let queues: LiniaQueues;
  let receiver: SlackReceiver;

  beforeAll(async () => {
    const servers = await requireServers('mongodb', 'redis');
    await connectStore(`${servers.mongoBaseUri}/${uniqueName('slack_socket')}`);
    queues = openQueues(servers.redisUrl, uniqueName('q'));
    fake = await startSlackFake();
    socket = await startSlackSocketFake();
    fake.setSocketUrl(socket.url);
    receiver = await startSlackReceiver({
      mode: 'socket',
      botToken: DEFAULT_FAKE_TOKEN,
      appToken: DEFAULT_FAKE_APP_TOKEN,
      slackApiUrl: fake.url,
      host: '127.0.0.1',
      port: 0,
      queues,
      log: getLogger('test-socket-receiver'),
    });
    await socket.waitForConnection();
  });

  afterAll(async () => {
    await receiver.stop();
    await socket.close();
    await closeSlackQueue(queues);
    await deleteQueueKeys(queues);
    await mongoose.connection.dropDatabase();
    await queues.close();
    await disconnectStore();
    await fake.close();
  });

  it('opens the connection with the app token', () => {
    const opened = fake.calls('apps.connections.open');

    expect(opened.length).toBeGreaterThan(0);
    expect(opened[0]?.token).toBe(DEFAULT_FAKE_APP_TOKEN);
    expect(opened[0]?.response.ok).toBe(true);
    expect(receiver.port).toBeNull();
  });

  it('acknowledges an event and stores it once across a redelivery', async () => {
    const ts = newTs();
    const eventId = newEventId();
    const payload = {
      type: 'event_callback',
      team_id: 'T0LINIATEST',
      event_id: eventId,
      event: { type: 'message', channel: 'D0SOCKET001', channel_type: 'im', user: 'U0SOCKET001', text: 'Nie mam dostępu do dysku sieciowego', ts },
    };

    const ack = await socket.sendEnvelope('events_api', payload);
    const redelivered = await socket.sendEnvelope('events_api', payload, 1);

    expect(typeof ack.envelope_id).toBe('string');
    expect(typeof redelivered.envelope_id).toBe('string');
    const stored = await eventuallyStored(eventId);
    expect(stored).toBe(1);
  });

  it('acknowledges a bot message without storing it', async () => {
    const ts = newTs();
    const payload = {
      type: 'event_callback',
      team_id: 'T0LINIATEST',
      event_id: newEventId(),
      event: { type: 'message', channel: 'D0SOCKET001', channel_type: 'im', user: fake.botUserId, bot_id: 'B0LINIABOT', text: 'Zgłoszenie #3', ts },
    };

    await socket.sendEnvelope('events_api', payload);
    // A person's message sent after it shows the listener has run past the bot message.
    const markerId = newEventId();
    await socket.sendEnvelope('events_api', { ...payload, event_id: markerId, event: { ...payload.event, user: 'U0SOCKET001', bot_id: undefined, ts: newTs() } });

    expect(await eventuallyStored(markerId)).toBe(1);
    expect(await SlackEventModel.countDocuments({ dedupKey: `msg:D0SOCKET001:${ts}` })).toBe(0);
  });
});

/** Waits briefly for the listener, which Bolt runs after acknowledging a Socket Mode event. */
async function eventuallyStored(eventId: string): Promise<number> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const count = await SlackEventModel.countDocuments({ eventId });
    if (count > 0 || Date.now() > deadline) {
      return count;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
