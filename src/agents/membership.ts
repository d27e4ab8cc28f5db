import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';

/** How long a channel's or user group's member list is reused before it is read again. */
const MEMBERS_CACHE_MS = 60_000;
/** Members requested per conversations.members page (Slack allows up to 1000). */
const PAGE_SIZE = 1000;

/** Decides who may act as an agent: members of the line channels or of SLACK_AGENT_USERGROUP. */
export interface AgentDirectory {
  isAgent(userId: string): Promise<boolean>;
}

interface CachedMembers {
  members: Set<string>;
  readAt: number;
}

async function channelMembers(slack: WebClient, channel: string): Promise<Set<string>> {
  const members = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await slack.conversations.members({ channel, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) });
    for (const member of page.members ?? []) {
      members.add(member);
    }
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return members;
}

async function usergroupMembers(slack: WebClient, usergroup: string): Promise<Set<string>> {
  const result = await slack.usergroups.users.list({ usergroup });
  return new Set(result.users ?? []);
}

/**
 * Returns a directory that reads the members of the L2 and L3 channels (and of
 * the agents' user group, when set) and keeps each list for MEMBERS_CACHE_MS.
 * A list that cannot be read counts as empty, so a Slack error refuses rather
 * than grants; the error is logged.
 */
export function createAgentDirectory(slack: WebClient, config: Config, log: Logger, now: () => number = Date.now): AgentDirectory {
  const cache = new Map<string, CachedMembers>();

  async function members(source: string, read: () => Promise<Set<string>>): Promise<Set<string>> {
    const cached = cache.get(source);
    if (cached && now() - cached.readAt < MEMBERS_CACHE_MS) {
      return cached.members;
    }
    try {
      const fresh = await read();
      cache.set(source, { members: fresh, readAt: now() });
      return fresh;
    } catch (error) {
      log.error({ source, err: error }, 'could not read the agents of a Slack channel or user group');
      return new Set();
    }
  }

  return {
    async isAgent(userId) {
      const channels = [config.policy.lines.L2.slackChannel, config.policy.lines.L3.slackChannel].filter(
        (channel): channel is string => typeof channel === 'string',
      );
      for (const channel of channels) {
        if ((await members(`channel:${channel}`, () => channelMembers(slack, channel))).has(userId)) {
          return true;
        }
      }
      const usergroup = config.env.SLACK_AGENT_USERGROUP;
      if (usergroup && (await members(`usergroup:${usergroup}`, () => usergroupMembers(slack, usergroup))).has(userId)) {
        return true;
      }
      return false;
    },
  };
}
