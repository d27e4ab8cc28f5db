/**
 * The Web API methods that the Slack fake implements, with the response
 * fields and error codes that api.slack.com/methods documents for them.
 */

export type SlackParams = Record<string, unknown>;
export type SlackResponse = { ok: boolean; error?: string } & Record<string, unknown>;

export interface FakeUser {
  name: string;
  email?: string;
  is_bot?: boolean;
}

/** A user group (subteam) known to usergroups.users.list. */
export interface FakeUsergroup {
  users: string[];
}

export interface FakeChannel {
  name: string;
  /** User ids returned by conversations.members. */
  members?: string[];
}

/** A message that chat.postMessage stored, as later changed by chat.update. */
export interface PostedMessage {
  channel: string;
  ts: string;
  /** The parent message's ts for a reply in a thread. */
  threadTs?: string;
  text?: string;
  blocks?: unknown;
  attachments?: unknown;
  metadata?: unknown;
  /** The bot user that posted it. */
  user: string;
  /** The ts of the last chat.update of this message. */
  editedTs?: string;
}

interface StoredView {
  id: string;
  hash: string;
  externalId?: string;
  view: Record<string, unknown>;
}

export interface SlackWorkspace {
  teamId: string;
  teamName: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
  users: Map<string, FakeUser>;
  /** Configured channels. When empty, posting to any channel id succeeds. */
  channels: Map<string, FakeChannel>;
  /** DM channel id per user id, created by conversations.open. */
  directChannels: Map<string, string>;
  messages: PostedMessage[];
  views: Map<string, StoredView>;
  /** WebSocket URL that apps.connections.open returns. While it is null, the method fails with internal_error. */
  socketUrl: string | null;
  /** User groups by id (S…), for usergroups.users.list. */
  usergroups: Map<string, FakeUsergroup>;
  /** Last ts issued, in microseconds since the epoch. */
  lastTsMicros: number;
  idCounter: number;
}

export type MethodHandler = (params: SlackParams, workspace: SlackWorkspace) => SlackResponse;

function fail(error: string): SlackResponse {
  return { ok: false, error };
}

/** Reads a parameter as a string, because form bodies carry strings and JSON bodies may carry numbers. */
function stringParam(params: SlackParams, key: string): string | undefined {
  const value = params[key];
  if (typeof value === 'string' && value !== '') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return undefined;
}

/** Issues a message ts "<seconds>.<6 digits>" that is unique and increasing within this fake. */
function nextTs(workspace: SlackWorkspace): string {
  const micros = Math.max(Date.now() * 1000, workspace.lastTsMicros + 1);
  workspace.lastTsMicros = micros;
  const seconds = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000).padStart(6, '0');
  return `${seconds}.${fraction}`;
}

/** Issues an id in Slack's shape: a type letter and ten upper-case characters. */
function nextId(workspace: SlackWorkspace, prefix: string): string {
  workspace.idCounter += 1;
  return `${prefix}${workspace.idCounter.toString(36).toUpperCase().padStart(10, '0')}`;
}

function isKnownChannel(workspace: SlackWorkspace, channel: string): boolean {
  if (workspace.channels.size === 0) {
    return true;
  }
  return workspace.channels.has(channel) || [...workspace.directChannels.values()].includes(channel);
}

function findMessage(workspace: SlackWorkspace, channel: string, ts: string): PostedMessage | undefined {
  return workspace.messages.find((message) => message.channel === channel && message.ts === ts);
}

function messageObject(workspace: SlackWorkspace, message: PostedMessage): Record<string, unknown> {
  return {
    type: 'message',
    user: message.user,
    bot_id: workspace.botId,
    app_id: workspace.appId,
    team: workspace.teamId,
    ts: message.ts,
    text: message.text ?? '',
    ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
    ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
    ...(message.threadTs === undefined ? {} : { thread_ts: message.threadTs }),
    ...(message.metadata === undefined ? {} : { metadata: message.metadata }),
    ...(message.editedTs === undefined ? {} : { edited: { user: message.user, ts: message.editedTs } }),
  };
}

function authTest(_params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const botUser = workspace.users.get(workspace.botUserId);
  return {
    ok: true,
    url: `https://${workspace.teamDomain}.slack.com/`,
    team: workspace.teamName,
    user: botUser?.name ?? 'linia',
    team_id: workspace.teamId,
    user_id: workspace.botUserId,
    bot_id: workspace.botId,
    is_enterprise_install: false,
  };
}

function postMessage(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const channel = stringParam(params, 'channel');
  if (!channel || !isKnownChannel(workspace, channel)) {
    return fail('channel_not_found');
  }
  const text = stringParam(params, 'text');
  if (text === undefined && params.blocks === undefined && params.attachments === undefined) {
    return fail('no_text');
  }

  const threadTs = stringParam(params, 'thread_ts');
  const message: PostedMessage = {
    channel,
    ts: nextTs(workspace),
    user: workspace.botUserId,
    ...(threadTs === undefined ? {} : { threadTs }),
    ...(text === undefined ? {} : { text }),
    ...(params.blocks === undefined ? {} : { blocks: params.blocks }),
    ...(params.attachments === undefined ? {} : { attachments: params.attachments }),
    ...(params.metadata === undefined ? {} : { metadata: params.metadata }),
  };
  workspace.messages.push(message);
  return { ok: true, channel, ts: message.ts, message: messageObject(workspace, message) };
}

function updateMessage(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const channel = stringParam(params, 'channel');
  if (!channel || !isKnownChannel(workspace, channel)) {
    return fail('channel_not_found');
  }
  const ts = stringParam(params, 'ts');
  const message = ts === undefined ? undefined : findMessage(workspace, channel, ts);
  if (!message) {
    return fail('message_not_found');
  }
  const text = stringParam(params, 'text');
  if (text === undefined && params.blocks === undefined && params.attachments === undefined) {
    return fail('no_text');
  }

  if (text !== undefined) {
    message.text = text;
  }
  if (params.blocks !== undefined) {
    message.blocks = params.blocks;
  }
  if (params.attachments !== undefined) {
    message.attachments = params.attachments;
  }
  message.editedTs = nextTs(workspace);
  return { ok: true, channel, ts: message.ts, text: message.text ?? '', message: messageObject(workspace, message) };
}

function postEphemeral(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const channel = stringParam(params, 'channel');
  if (!channel || !isKnownChannel(workspace, channel)) {
    return fail('channel_not_found');
  }
  const user = stringParam(params, 'user');
  if (!user) {
    return fail('user_not_found');
  }
  const members = workspace.channels.get(channel)?.members;
  if (members && !members.includes(user)) {
    return fail('user_not_in_channel');
  }
  if (stringParam(params, 'text') === undefined && params.blocks === undefined && params.attachments === undefined) {
    return fail('no_text');
  }
  return { ok: true, message_ts: nextTs(workspace) };
}

function usersInfo(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const id = stringParam(params, 'user');
  const user = id === undefined ? undefined : workspace.users.get(id);
  if (id === undefined || !user) {
    return fail('user_not_found');
  }
  return {
    ok: true,
    user: {
      id,
      team_id: workspace.teamId,
      name: user.name,
      real_name: user.name,
      deleted: false,
      is_bot: user.is_bot ?? false,
      profile: {
        real_name: user.name,
        display_name: user.name,
        ...(user.email === undefined ? {} : { email: user.email }),
      },
    },
  };
}

function conversationsMembers(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const channel = stringParam(params, 'channel');
  if (!channel) {
    return fail('channel_not_found');
  }
  const configured = workspace.channels.get(channel);
  if (configured) {
    return { ok: true, members: [...(configured.members ?? [])], response_metadata: { next_cursor: '' } };
  }
  const dmUser = [...workspace.directChannels.entries()].find(([, id]) => id === channel)?.[0];
  if (dmUser !== undefined) {
    return { ok: true, members: [dmUser, workspace.botUserId], response_metadata: { next_cursor: '' } };
  }
  return fail('channel_not_found');
}

function conversationsOpen(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const users = (stringParam(params, 'users') ?? '')
    .split(',')
    .map((user) => user.trim())
    .filter((user) => user !== '');
  if (users.length === 0) {
    return fail('users_list_not_supplied');
  }
  // The fake opens one-to-one conversations only: a group DM needs an mpim.
  if (users.length > 1) {
    return fail('not_implemented');
  }
  const user = users[0] as string;
  if (workspace.users.size > 0 && !workspace.users.has(user)) {
    return fail('user_not_found');
  }

  let id = workspace.directChannels.get(user);
  if (id === undefined) {
    id = nextId(workspace, 'D');
    workspace.directChannels.set(user, id);
  }
  return { ok: true, channel: { id } };
}

/** Parses the `view` parameter, which form bodies carry as a JSON string. */
function viewParam(params: SlackParams): Record<string, unknown> | undefined {
  const view = params.view;
  return typeof view === 'object' && view !== null && !Array.isArray(view) ? (view as Record<string, unknown>) : undefined;
}

function viewObject(workspace: SlackWorkspace, stored: StoredView): Record<string, unknown> {
  return {
    ...stored.view,
    id: stored.id,
    team_id: workspace.teamId,
    app_id: workspace.appId,
    bot_id: workspace.botId,
    hash: stored.hash,
    root_view_id: stored.id,
    previous_view_id: null,
    state: { values: {} },
    ...(stored.externalId === undefined ? {} : { external_id: stored.externalId }),
  };
}

function viewsOpen(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  if (stringParam(params, 'trigger_id') === undefined && stringParam(params, 'interactivity_pointer') === undefined) {
    return fail('invalid_arguments');
  }
  const view = viewParam(params);
  if (!view || typeof view.type !== 'string') {
    return fail('invalid_arguments');
  }

  const externalId = typeof view.external_id === 'string' ? view.external_id : undefined;
  const stored: StoredView = {
    id: nextId(workspace, 'V'),
    hash: nextTs(workspace),
    view,
    ...(externalId === undefined ? {} : { externalId }),
  };
  workspace.views.set(stored.id, stored);
  return { ok: true, view: viewObject(workspace, stored) };
}

function viewsUpdate(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const view = viewParam(params);
  if (!view) {
    return fail('invalid_arguments');
  }
  const viewId = stringParam(params, 'view_id');
  const externalId = stringParam(params, 'external_id');
  if (viewId === undefined && externalId === undefined) {
    return fail('invalid_arguments');
  }
  const stored =
    viewId !== undefined
      ? workspace.views.get(viewId)
      : [...workspace.views.values()].find((candidate) => candidate.externalId === externalId);
  if (!stored) {
    return fail('not_found');
  }
  const hash = stringParam(params, 'hash');
  if (hash !== undefined && hash !== stored.hash) {
    return fail('hash_conflict');
  }

  stored.view = view;
  stored.hash = nextTs(workspace);
  return { ok: true, view: viewObject(workspace, stored) };
}

/** Returns the member ids of a user group for usergroups.users.list, or `no_such_subteam` for an unknown group. */
function usergroupsUsersList(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const id = stringParam(params, 'usergroup');
  const group = id === undefined ? undefined : workspace.usergroups.get(id);
  if (!group) {
    return fail('no_such_subteam');
  }
  return { ok: true, users: [...group.users] };
}

/**
 * conversations.history: the channel's top-level messages, newest first, from
 * `oldest` (exclusive) on, at most `limit` (default 100). Message metadata is
 * included only with include_all_metadata, as Slack does.
 */
function conversationsHistory(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const channel = stringParam(params, 'channel');
  if (!channel || !isKnownChannel(workspace, channel)) {
    return fail('channel_not_found');
  }
  const oldest = Number(stringParam(params, 'oldest') ?? '0');
  const limit = Math.min(1000, Math.max(1, Number(stringParam(params, 'limit') ?? '100') || 100));
  const withMetadata = String(params.include_all_metadata ?? 'false') === 'true';
  const messages = workspace.messages
    .filter((message) => message.channel === channel && message.threadTs === undefined && Number(message.ts) > oldest)
    .sort((a, b) => Number(b.ts) - Number(a.ts))
    .slice(0, limit)
    .map((message) => {
      const object = messageObject(workspace, message);
      if (!withMetadata) delete object.metadata;
      return object;
    });
  return { ok: true, messages, has_more: false, pin_count: 0, response_metadata: { next_cursor: '' } };
}

/**
 * conversations.replies: the thread whose root is `ts`, root first, then the replies
 * in order. Message metadata is included only with include_all_metadata, as Slack does.
 */
function conversationsReplies(params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  const channel = stringParam(params, 'channel');
  const ts = stringParam(params, 'ts');
  if (!channel || !isKnownChannel(workspace, channel)) {
    return fail('channel_not_found');
  }
  if (!ts) {
    return fail('invalid_arguments');
  }
  const withMetadata = String(params.include_all_metadata ?? 'false') === 'true';
  const messages = workspace.messages
    .filter((message) => message.channel === channel && (message.ts === ts || message.threadTs === ts))
    .sort((a, b) => Number(a.ts) - Number(b.ts))
    .map((message) => {
      const object = messageObject(workspace, message);
      if (!withMetadata) delete object.metadata;
      return object;
    });
  return { ok: true, messages, has_more: false, response_metadata: { next_cursor: '' } };
}

/** Returns the Socket Mode URL for apps.connections.open, or `internal_error` when no socket fake is attached. */
function appsConnectionsOpen(_params: SlackParams, workspace: SlackWorkspace): SlackResponse {
  return workspace.socketUrl ? { ok: true, url: workspace.socketUrl } : fail('internal_error');
}

export const SLACK_METHODS: Readonly<Record<string, MethodHandler>> = {
  'auth.test': authTest,
  'chat.postMessage': postMessage,
  'chat.update': updateMessage,
  'chat.postEphemeral': postEphemeral,
  'users.info': usersInfo,
  'conversations.members': conversationsMembers,
  'conversations.open': conversationsOpen,
  'conversations.history': conversationsHistory,
  'conversations.replies': conversationsReplies,
  'views.open': viewsOpen,
  'views.update': viewsUpdate,
  'usergroups.users.list': usergroupsUsersList,
  'apps.connections.open': appsConnectionsOpen,
};

/** Methods that take the app-level token (xapp-…); Slack answers `not_allowed_token_type` to a bot token. */
export const APP_TOKEN_METHODS: ReadonlySet<string> = new Set(['apps.connections.open']);

/** Parameters that Slack takes as JSON, which form-encoded bodies carry as JSON strings. */
export const JSON_PARAMS: ReadonlySet<string> = new Set(['blocks', 'attachments', 'metadata', 'view']);
