import { ErrorCode, LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { DEFAULT_FAKE_TOKEN, startSlackFake, type SlackFake } from '../../src/devtools/slack-fake.js';

const SUPPORT_CHANNEL = 'C0SUPPORT01';
const ALICE = 'U0ALICE0001';
const BOB = 'U0BOB000001';

/** Runs `call` and returns the Slack error code it was rejected with. */
async function slackErrorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const platform = error as { code?: string; data?: { error?: string } };
    expect(platform.code).toBe(ErrorCode.PlatformError);
    return platform.data?.error ?? '';
  }
  throw new Error('expected the Slack call to be rejected');
}

describe('SlackFake', () => {
  let fake: SlackFake;

  beforeEach(async () => {
    fake = await startSlackFake({
      users: {
        [ALICE]: { name: 'Alicja Nowak', email: 'alicja.nowak@linia.test' },
        [BOB]: { name: 'Bob Smith' },
      },
      channels: { [SUPPORT_CHANNEL]: { name: 'it-support', members: [ALICE] } },
    });
  });

  afterEach(async () => {
    await fake.close();
  });

  /** Returns a WebClient for the fake; `null` sends no token at all. */
  function client(token: string | null = DEFAULT_FAKE_TOKEN, options: WebClientOptions = {}): WebClient {
    return new WebClient(token ?? undefined, {
      slackApiUrl: fake.url,
      logLevel: LogLevel.ERROR,
      retryConfig: { retries: 0 },
      ...options,
    });
  }

  describe('when the token is valid', () => {
    it('answers auth.test with the bot identity', async () => {
      const result = await client().auth.test();

      expect(result.ok).toBe(true);
      expect(result.user_id).toBe('U0LINIABOT');
      expect(result.team_id).toBe('T0LINIATEST');
      expect(result.bot_id).toBe('B0LINIABOT');
      expect(fake.calls('auth.test')[0]?.token).toBe(DEFAULT_FAKE_TOKEN);
    });

    it('posts a message and updates it by ts', async () => {
      const web = client();

      const posted = await web.chat.postMessage({ channel: SUPPORT_CHANNEL, text: 'Zgłoszenie #12 przyjęte' });
      expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
      expect(posted.channel).toBe(SUPPORT_CHANNEL);
      expect(posted.message?.text).toBe('Zgłoszenie #12 przyjęte');

      const updated = await web.chat.update({ channel: SUPPORT_CHANNEL, ts: posted.ts as string, text: 'Zgłoszenie #12 rozwiązane' });
      expect(updated.ts).toBe(posted.ts);
      expect(updated.text).toBe('Zgłoszenie #12 rozwiązane');

      const stored = fake.messages(SUPPORT_CHANNEL);
      expect(stored).toHaveLength(1);
      expect(stored[0]?.text).toBe('Zgłoszenie #12 rozwiązane');
      expect(stored[0]?.editedTs).toBeDefined();
    });

    it('keeps blocks and thread replies', async () => {
      const web = client();
      const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Drukarka* nie działa' } }];

      const parent = await web.chat.postMessage({ channel: SUPPORT_CHANNEL, text: 'Drukarka nie działa', blocks });
      const reply = await web.chat.postMessage({ channel: SUPPORT_CHANNEL, text: 'Sprawdzamy', thread_ts: parent.ts as string });

      expect(reply.ts).not.toBe(parent.ts);
      expect(reply.message?.thread_ts).toBe(parent.ts);
      const stored = fake.messages(SUPPORT_CHANNEL);
      expect(stored.map((message) => message.threadTs)).toEqual([undefined, parent.ts]);
      expect(stored[0]?.blocks).toEqual(blocks);
      expect(fake.calls('chat.postMessage')[0]?.params.blocks).toEqual(blocks);
    });

    it('issues increasing unique ts values', async () => {
      const web = client();
      const results = [];
      for (let index = 0; index < 20; index += 1) {
        results.push(await web.chat.postMessage({ channel: SUPPORT_CHANNEL, text: `wiadomość ${index}` }));
      }

      const values = results.map((result) => result.ts as string);
      expect(new Set(values).size).toBe(values.length);
      expect([...values].sort()).toEqual(values);
    });

    it('rejects an update of a ts never posted', async () => {
      const error = await slackErrorOf(client().chat.update({ channel: SUPPORT_CHANNEL, ts: '1700000000.000001', text: 'x' }));

      expect(error).toBe('message_not_found');
    });

    it('rejects posting to an unknown channel', async () => {
      const error = await slackErrorOf(client().chat.postMessage({ channel: 'C0NOSUCH001', text: 'x' }));

      expect(error).toBe('channel_not_found');
      expect(fake.messages()).toHaveLength(0);
    });

    it('answers users.info with the profile email', async () => {
      const web = client();

      const alice = await web.users.info({ user: ALICE });
      expect(alice.user?.profile?.email).toBe('alicja.nowak@linia.test');
      expect(alice.user?.real_name).toBe('Alicja Nowak');
      expect(alice.user?.is_bot).toBe(false);

      expect(await slackErrorOf(web.users.info({ user: 'U0NOBODY001' }))).toBe('user_not_found');
    });

    it('opens one DM channel per user', async () => {
      const web = client();

      const first = await web.conversations.open({ users: BOB });
      const second = await web.conversations.open({ users: BOB });
      expect(first.channel?.id).toMatch(/^D[0-9A-Z]{10}$/);
      expect(second.channel?.id).toBe(first.channel?.id);

      const members = await web.conversations.members({ channel: first.channel?.id as string });
      expect(members.members).toEqual([BOB, 'U0LINIABOT']);
      const posted = await web.chat.postMessage({ channel: first.channel?.id as string, text: 'Cześć Bob' });
      expect(posted.ok).toBe(true);
    });

    it('lists configured channel members', async () => {
      const members = await client().conversations.members({ channel: SUPPORT_CHANNEL });

      expect(members.members).toEqual([ALICE]);
    });

    it('posts ephemeral messages to channel members only', async () => {
      const web = client();

      const result = await web.chat.postEphemeral({ channel: SUPPORT_CHANNEL, user: ALICE, text: 'Tylko dla Ciebie' });
      expect(result.message_ts).toMatch(/^\d{10}\.\d{6}$/);
      expect(fake.messages(SUPPORT_CHANNEL)).toHaveLength(0);

      const error = await slackErrorOf(web.chat.postEphemeral({ channel: SUPPORT_CHANNEL, user: BOB, text: 'x' }));
      expect(error).toBe('user_not_in_channel');
    });

    it('opens and updates a view', async () => {
      const web = client();
      const view = {
        type: 'modal' as const,
        callback_id: 'escalate',
        title: { type: 'plain_text' as const, text: 'Eskalacja' },
        blocks: [],
      };

      const opened = await web.views.open({ trigger_id: '1234.5678', view });
      expect(opened.view?.id).toMatch(/^V[0-9A-Z]{10}$/);
      expect(opened.view?.callback_id).toBe('escalate');

      const updated = await web.views.update({
        view_id: opened.view?.id as string,
        hash: opened.view?.hash as string,
        view: { ...view, title: { type: 'plain_text', text: 'Eskalacja L2' } },
      });
      expect(updated.view?.id).toBe(opened.view?.id);
      expect(updated.view?.title?.text).toBe('Eskalacja L2');
      expect(updated.view?.hash).not.toBe(opened.view?.hash);

      const stale = await slackErrorOf(web.views.update({ view_id: opened.view?.id as string, hash: opened.view?.hash as string, view }));
      expect(stale).toBe('hash_conflict');
    });

    it('accepts JSON bodies with a bearer token', async () => {
      const response = await fetch(`${fake.url}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: `Bearer ${DEFAULT_FAKE_TOKEN}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ channel: SUPPORT_CHANNEL, text: 'z JSON', metadata: { event_type: 'ticket', event_payload: { id: 7 } } }),
      });

      const body = (await response.json()) as { ok: boolean; ts: string };
      expect(response.status).toBe(200);
      expect(body.ok).toBe(true);
      expect(fake.messages(SUPPORT_CHANNEL)[0]?.metadata).toEqual({ event_type: 'ticket', event_payload: { id: 7 } });
    });

    it('answers unknown methods with unknown_method', async () => {
      const error = await slackErrorOf(client().apiCall('tickets.frobnicate', {}));

      expect(error).toBe('unknown_method');
    });

    it('waits for a call that arrives later', async () => {
      const waiting = fake.waitForCall('chat.postMessage', (call) => call.params.text === 'drugi');
      const web = client();

      await web.chat.postMessage({ channel: SUPPORT_CHANNEL, text: 'pierwszy' });
      await web.chat.postMessage({ channel: SUPPORT_CHANNEL, text: 'drugi' });

      const call = await waiting;
      expect(call.params.channel).toBe(SUPPORT_CHANNEL);
      expect(call.response.ok).toBe(true);
    });

    it('rejects waitForCall after the timeout', async () => {
      await expect(fake.waitForCall('chat.update', () => true, 50)).rejects.toThrow('No matching chat.update call');
    });
  });

  describe('when the token is wrong or missing', () => {
    it('answers invalid_auth for a wrong token', async () => {
      const error = await slackErrorOf(client('xoxb-wrong').auth.test());

      expect(error).toBe('invalid_auth');
      expect(fake.calls('auth.test')[0]?.token).toBe('xoxb-wrong');
    });

    it('answers not_authed without a token', async () => {
      const error = await slackErrorOf(client(null).chat.postMessage({ channel: SUPPORT_CHANNEL, text: 'x' }));

      expect(error).toBe('not_authed');
      expect(fake.calls('chat.postMessage')[0]?.token).toBeUndefined();
      expect(fake.messages()).toHaveLength(0);
    });
  });

  describe('when faults are planned', () => {
    it('makes the client wait for Retry-After and retry', async () => {
      fake.rateLimitNext(1, 1);
      const web = client(DEFAULT_FAKE_TOKEN, { retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 } });

      const started = Date.now();
      const result = await web.chat.postMessage({ channel: SUPPORT_CHANNEL, text: 'po limicie' });
      const elapsedMs = Date.now() - started;

      expect(result.ok).toBe(true);
      expect(elapsedMs).toBeGreaterThanOrEqual(950);
      expect(fake.calls('chat.postMessage').map((call) => call.status)).toEqual([429, 200]);
      expect(fake.messages(SUPPORT_CHANNEL)).toHaveLength(1);
    });

    it('sends the Retry-After seconds to a client that rejects rate-limited calls', async () => {
      fake.rateLimitNext(1, 7, 'chat.postMessage');
      const web = client(DEFAULT_FAKE_TOKEN, { rejectRateLimitedCalls: true });

      await expect(web.auth.test()).resolves.toMatchObject({ ok: true });
      await expect(web.chat.postMessage({ channel: SUPPORT_CHANNEL, text: 'x' })).rejects.toMatchObject({
        code: ErrorCode.RateLimitedError,
        retryAfter: 7,
      });
    });

    it('answers failNext calls with the HTTP status', async () => {
      fake.failNext(2, 503);
      const web = client();

      await expect(web.auth.test()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
      await expect(web.auth.test()).rejects.toMatchObject({ code: ErrorCode.HTTPError, statusCode: 503 });
      await expect(web.auth.test()).resolves.toMatchObject({ ok: true });
    });

    it('rejects a failure status outside 400-599', () => {
      expect(() => fake.failNext(1, 200)).toThrow(RangeError);
    });
  });
});
