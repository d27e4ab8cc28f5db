/**
 * The e-mail pipeline harness plus Slack: the real Bolt HTTP receiver on
 * 127.0.0.1 and the slack-events worker, with the Web API pointed at the fake.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { DEFAULT_FAKE_TOKEN } from '../../../src/devtools/slack-fake.js';
import { SLACK_EVENTS_PATH } from '../../../src/channels/slack/slack-app.js';
import { startPipeline, L2_CHANNEL, L3_CHANNEL, type HarnessOptions, type PipelineHarness } from '../../support/pipeline-harness.js';
import { TEST_SIGNING_SECRET } from '../../support/slack-requests.js';

export const REQUESTER = 'U0ANNA00001';
export const AGENT = 'U0PIOTR0001';
export const SPECIALIST = 'U0SPEC00001';
export const OUTSIDER = 'U0OUTSIDE01';
export const HELP_CHANNEL = 'C0HELPDESK1';

export interface SlackPipeline {
  harness: PipelineHarness;
  /** URL of the receiver's Events API and interactivity endpoint. */
  eventsUrl: string;
  web: WebClient;
  /** Opens (or returns) the DM channel between the bot and `user`. */
  dmWith(user: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSlackPipeline(options: HarnessOptions = {}): Promise<SlackPipeline> {
  const harness = await startPipeline({ ...options, workers: [] });
  const { slack, config } = harness;
  slack.addUser(REQUESTER, { name: 'Anna Kowalska', email: 'anna.kowalska@linia.test' });
  slack.addUser(AGENT, { name: 'Piotr Wiśniewski' });
  slack.addUser(SPECIALIST, { name: 'Ewa Specjalistka' });
  slack.addUser(OUTSIDER, { name: 'Olek Zewnętrzny' });
  slack.setChannel(L2_CHANNEL, { name: 'it-l2', members: [AGENT, slack.botUserId] });
  slack.setChannel(L3_CHANNEL, { name: 'it-l3', members: [SPECIALIST, slack.botUserId] });
  slack.setChannel(HELP_CHANNEL, { name: 'pomoc-it', members: [REQUESTER, OUTSIDER, slack.botUserId] });

  config.env.SLACK_SIGNING_SECRET = TEST_SIGNING_SECRET;
  config.env.SLACK_MODE = 'http';
  config.env.SLACK_HOST = '127.0.0.1';
  // The harness keeps its worker handles to itself, so the receiver gets a port chosen here.
  const port = await freePort();
  config.env.SLACK_PORT = port;
  config.env.SLACK_HELP_CHANNELS = HELP_CHANNEL;
  await harness.startWorkers(options.workers ?? ['escalation', 'outbound-mail', 'inbound-mail', 'imap-watcher', 'slack-events', 'slack-receiver']);

  const web = new WebClient(DEFAULT_FAKE_TOKEN, { slackApiUrl: slack.url, retryConfig: { retries: 0 } });
  return {
    harness,
    eventsUrl: `http://127.0.0.1:${port}${SLACK_EVENTS_PATH}`,
    web,
    async dmWith(user) {
      const opened = await web.conversations.open({ users: user });
      return opened.channel?.id ?? '';
    },
    close: () => harness.close(),
  };
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
