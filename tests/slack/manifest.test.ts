import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { classifyDelivery } from '../../src/channels/slack/delivery.js';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * Bot scopes each Web API method needs, from its page on api.slack.com/methods.
 * conversations.members and conversations.open accept any of the channel-type
 * scopes; Linia reads public and private agent channels and opens DMs.
 */
const METHOD_SCOPES: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'users.info': ['users:read', 'users:read.email'],
  'conversations.members': ['channels:read', 'groups:read'],
  'conversations.open': ['im:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history'],
  'views.open': [],
  'usergroups.users.list': ['usergroups:read'],
};

/** Scopes that events and the slash command need, besides those of Web API calls. */
const EVENT_SCOPES: Record<string, string[]> = {
  app_mention: ['app_mentions:read'],
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
  'message.im': ['im:history'],
};

interface Manifest {
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[]; request_url: string }; interactivity: { is_enabled: boolean; request_url: string } };
  features: { slash_commands: { command: string; url: string }[] };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) {
      return name === 'devtools' ? [] : sourceFiles(file);
    }
    return file.endsWith('.ts') ? [file] : [];
  });
}

/** Web API methods called on a WebClient named `slack` anywhere in src/ and workers/ (the fake excluded). */
function methodsUsedByCode(): Set<string> {
  const methods = new Set<string>();
  const call = /\bslack!?\.((?:chat|users|conversations|views|usergroups\.users|auth)\.[A-Za-z]+)\(/g;
  for (const file of [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'workers'))]) {
    for (const match of readFileSync(file, 'utf8').matchAll(call)) {
      methods.add(match[1] as string);
    }
  }
  return methods;
}

function messageEvent(channelType: string): Record<string, unknown> {
  return { type: 'event_callback', event_id: 'Ev1', event: { type: 'message', channel_type: channelType, channel: 'C1', user: 'U1', text: 'x', ts: '1.000001' } };
}

describe('slack-app-manifest.yml', () => {
  const manifest = YAML.parse(readFileSync(path.join(ROOT, 'slack-app-manifest.yml'), 'utf8')) as Manifest;

  it('is valid YAML with the request URLs on one path', () => {
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...manifest.features.slash_commands.map((command) => command.url),
    ];
    expect(new Set(urls.map((url) => new URL(url).pathname))).toEqual(new Set(['/slack/events']));
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.slash_commands.map((command) => command.command)).toEqual(['/linia']);
  });

  it('subscribes to exactly the events the receiver stores', () => {
    const events = manifest.settings.event_subscriptions.bot_events;
    expect([...events].sort()).toEqual(Object.keys(EVENT_SCOPES).sort());

    const stored = [
      classifyDelivery({ type: 'event_callback', event_id: 'Ev2', event: { type: 'app_mention', channel: 'C1', user: 'U1', text: 'x', ts: '1.000002' } }, 'U0BOT'),
      classifyDelivery(messageEvent('channel'), 'U0BOT'),
      classifyDelivery(messageEvent('group'), 'U0BOT'),
      classifyDelivery(messageEvent('im'), 'U0BOT'),
    ];
    for (const result of stored) {
      expect(result).toHaveProperty('store');
    }
  });

  it('requests exactly the scopes the code uses', () => {
    const methods = methodsUsedByCode();
    const unknown = [...methods].filter((method) => !(method in METHOD_SCOPES));
    expect(unknown).toEqual([]);
    expect([...methods].sort()).toEqual(Object.keys(METHOD_SCOPES).sort());

    const needed = new Set<string>(['commands']);
    for (const method of methods) {
      for (const scope of METHOD_SCOPES[method] ?? []) needed.add(scope);
    }
    for (const event of manifest.settings.event_subscriptions.bot_events) {
      for (const scope of EVENT_SCOPES[event] ?? []) needed.add(scope);
    }
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});
