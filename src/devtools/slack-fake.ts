import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getLogger } from '../logging/logger.js';
import {
  APP_TOKEN_METHODS,
  JSON_PARAMS,
  SLACK_METHODS,
  type FakeChannel,
  type FakeUser,
  type FakeUsergroup,
  type PostedMessage,
  type SlackParams,
  type SlackResponse,
  type SlackWorkspace,
} from './slack-fake-methods.js';

export type { FakeChannel, FakeUser, FakeUsergroup, PostedMessage } from './slack-fake-methods.js';

/** App-level token that the fake accepts for apps.connections.open when no `appToken` option is given. */
export const DEFAULT_FAKE_APP_TOKEN = 'xapp-1-linia-fake-app-token';
/** Bot token that the fake accepts when no `token` option is given. */
export const DEFAULT_FAKE_TOKEN = 'xoxb-linia-fake-token';
/** Largest request body in bytes. Larger requests get HTTP 413. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Path prefix of the fake's response_url endpoints. */
const RESPONSE_URL_PATH = '/response_url/';
/** Milliseconds that waitForCall() waits by default. */
const DEFAULT_WAIT_MS = 5_000;

export interface SlackFakeOptions {
  /** TCP port on 127.0.0.1, or 0 (the default) for a free one. */
  port?: number;
  /** The only token the fake accepts (default DEFAULT_FAKE_TOKEN). */
  token?: string;
  botUserId?: string;
  teamId?: string;
  teamName?: string;
  /** Users known to users.info and conversations.open, by user id. The bot user is added. */
  users?: Record<string, FakeUser>;
  /** Channels by id. When given, posting to any other channel fails with channel_not_found. */
  channels?: Record<string, FakeChannel>;
  /** User groups by id, for usergroups.users.list. */
  usergroups?: Record<string, FakeUsergroup>;
  /** App-level token (xapp-…) that apps.connections.open accepts; DEFAULT_FAKE_APP_TOKEN by default. */
  appToken?: string;
}

/** One request that reached the fake, faulted ones included. */
export interface SlackCall {
  method: string;
  params: SlackParams;
  /** Token from the Authorization header, or from a `token` parameter. */
  token: string | undefined;
  status: number;
  response: SlackResponse;
  receivedAt: Date;
}

interface PlannedFault {
  remaining: number;
  status: number;
  retryAfterSeconds?: number;
  method?: string;
}

interface FakeReply {
  status: number;
  body: SlackResponse;
  retryAfterSeconds?: number;
}

/** A request the fake cannot parse, rejected with `status` and `{ ok: false, error: slackError }`. */
class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly slackError: string,
  ) {
    super(slackError);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RequestError(413, 'request_too_large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Parses query, form or JSON parameters, decoding the JSON-typed form values (blocks, view…). */
function parseParams(url: URL, contentType: string, body: string): SlackParams {
  const params: SlackParams = Object.fromEntries(url.searchParams);
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (body === '') {
    return params;
  }
  if (mediaType === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new RequestError(200, 'invalid_json');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new RequestError(200, 'json_not_object');
    }
    return { ...params, ...(parsed as SlackParams) };
  }
  if (mediaType === 'application/x-www-form-urlencoded') {
    for (const [key, value] of new URLSearchParams(body)) {
      params[key] = JSON_PARAMS.has(key) ? decodeJsonParam(value) : value;
    }
    return params;
  }
  throw new RequestError(200, 'invalid_form_data');
}

function decodeJsonParam(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function stringToken(params: SlackParams): string | undefined {
  return typeof params.token === 'string' && params.token !== '' ? params.token : undefined;
}

function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/**
 * A local stand-in for the Slack Web API: the real WebClient reaches it with
 * `slackApiUrl: fake.url`. It records every call, keeps posted messages per
 * channel, and can reply with planned rate limits and server errors.
 */
export class SlackFake {
  private readonly recorded: SlackCall[] = [];
  private readonly faults: PlannedFault[] = [];
  private readonly events = new EventEmitter<{ call: [SlackCall] }>();
  private readonly log = getLogger('slack-fake');
  private readonly server: Server;
  private listenPort = 0;

  constructor(
    private readonly workspace: SlackWorkspace,
    private readonly token: string,
    private readonly appToken: string = DEFAULT_FAKE_APP_TOKEN,
  ) {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.log.warn({ err: error }, 'Slack fake failed to handle a request');
        if (!response.headersSent) {
          response.writeHead(500).end();
        }
      });
    });
  }

  /** The `slackApiUrl` for WebClient and Bolt, with its trailing slash. */
  get url(): string {
    return `http://127.0.0.1:${this.listenPort}/api/`;
  }

  get port(): number {
    return this.listenPort;
  }

  /** Starts listening on 127.0.0.1. startSlackFake() calls it. */
  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listenPort = (this.server.address() as AddressInfo).port;
    this.log.debug({ port: this.listenPort }, 'Slack fake listening');
  }

  /** Adds or replaces a user known to users.info and conversations.open. */
  addUser(id: string, user: FakeUser): void {
    this.workspace.users.set(id, user);
  }

  /** Adds or replaces a channel, e.g. to give an agent channel its members. */
  setChannel(id: string, channel: FakeChannel): void {
    this.workspace.channels.set(id, channel);
  }

  /** Adds or replaces a user group known to usergroups.users.list. */
  setUsergroup(id: string, usergroup: FakeUsergroup): void {
    this.workspace.usergroups.set(id, usergroup);
  }

  /** Sets the WebSocket URL that apps.connections.open returns, e.g. a SlackSocketFake's url. */
  setSocketUrl(url: string): void {
    this.workspace.socketUrl = url;
  }

  /** The bot user id that auth.test returns. */
  get botUserId(): string {
    return this.workspace.botUserId;
  }

  /** Returns the recorded calls, oldest first, optionally of one method only. */
  calls(method?: string): SlackCall[] {
    return this.recorded.filter((call) => method === undefined || call.method === method);
  }

  /**
   * Waits for a call of `method` that matches `predicate`, checking the calls
   * already recorded first. Rejects when none arrives within `timeoutMs`.
   */
  waitForCall(method: string, predicate: (call: SlackCall) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<SlackCall> {
    const matches = (call: SlackCall): boolean => call.method === method && predicate(call);
    const existing = this.recorded.find(matches);
    if (existing) {
      return Promise.resolve(existing);
    }
    return new Promise<SlackCall>((resolve, reject) => {
      const onCall = (call: SlackCall): void => {
        if (matches(call)) {
          clearTimeout(timer);
          this.events.off('call', onCall);
          resolve(call);
        }
      };
      const timer = setTimeout(() => {
        this.events.off('call', onCall);
        reject(new Error(`No matching ${method} call reached the Slack fake within ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on('call', onCall);
    });
  }

  /** Returns the messages posted with chat.postMessage (as updated since), optionally in one channel. */
  messages(channel?: string): PostedMessage[] {
    return this.workspace.messages
      .filter((message) => channel === undefined || message.channel === channel)
      .map((message) => ({ ...message }));
  }

  /** Rate-limits the next `count` calls (of `method` only, if given): HTTP 429 with a Retry-After header. */
  rateLimitNext(count = 1, retryAfterSeconds = 1, method?: string): void {
    this.planFault({ remaining: count, status: 429, retryAfterSeconds, ...(method === undefined ? {} : { method }) });
  }

  /** Fails the next `count` calls (of `method` only, if given) with HTTP `status`, 500 by default. */
  failNext(count = 1, status = 500, method?: string): void {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`failNext status must be an HTTP error status from 400 to 599, got ${status}`);
    }
    this.planFault({ remaining: count, status, ...(method === undefined ? {} : { method }) });
  }

  /**
   * Returns a `response_url` for an interaction payload. Slack gives one with
   * each block action and slash command; POSTs to it are recorded as calls of
   * method `response_url`, with the JSON body as params.
   */
  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.listenPort}${RESPONSE_URL_PATH}${encodeURIComponent(id)}`;
  }

  /** Replies to a POST to a response_url as Slack does: 200 with `ok` text, or 400 `invalid_payload` for a body that is not JSON. */
  private async handleResponseUrl(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    let params: SlackParams = {};
    let status = 200;
    try {
      const parsed: unknown = JSON.parse(await readBody(request));
      params = typeof parsed === 'object' && parsed !== null ? (parsed as SlackParams) : {};
    } catch {
      status = 400;
    }
    const call: SlackCall = {
      method: 'response_url',
      params: { ...params, response_url_id: decodeURIComponent(url.pathname.slice(RESPONSE_URL_PATH.length)) },
      token: undefined,
      status,
      response: status === 200 ? { ok: true } : { ok: false, error: 'invalid_payload' },
      receivedAt: new Date(),
    };
    this.recorded.push(call);
    response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'invalid_payload');
    this.events.emit('call', call);
  }

  /** Stops listening and cuts keep-alive connections, which WebClient leaves open. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private planFault(fault: PlannedFault): void {
    if (!Number.isInteger(fault.remaining) || fault.remaining < 1) {
      throw new RangeError(`count must be a positive integer, got ${fault.remaining}`);
    }
    this.faults.push(fault);
  }

  /** Removes one use of the first fault that applies to `method` and returns it. */
  private takeFault(method: string): PlannedFault | undefined {
    const index = this.faults.findIndex((fault) => fault.method === undefined || fault.method === method);
    const fault = this.faults[index];
    if (!fault) {
      return undefined;
    }
    fault.remaining -= 1;
    if (fault.remaining <= 0) {
      this.faults.splice(index, 1);
    }
    return fault;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(RESPONSE_URL_PATH)) {
      await this.handleResponseUrl(request, response, url);
      return;
    }
    const match = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    if (!match?.[1]) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: Slack fake methods live under /api/');
      return;
    }
    const method = match[1];

    let params: SlackParams = {};
    let reply: FakeReply;
    try {
      params = parseParams(url, request.headers['content-type'] ?? '', await readBody(request));
      reply = this.dispatch(method, params, bearerToken(request) ?? stringToken(params));
    } catch (error) {
      if (!(error instanceof RequestError)) {
        throw error;
      }
      reply = { status: error.status, body: { ok: false, error: error.slackError } };
    }

    const recordedParams = { ...params };
    delete recordedParams.token;
    const call: SlackCall = {
      method,
      params: recordedParams,
      token: bearerToken(request) ?? stringToken(params),
      status: reply.status,
      response: reply.body,
      receivedAt: new Date(),
    };
    this.recorded.push(call);

    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (reply.retryAfterSeconds !== undefined) {
      headers['retry-after'] = String(reply.retryAfterSeconds);
    }
    response.writeHead(reply.status, headers).end(JSON.stringify(reply.body));
    this.events.emit('call', call);
  }

  /** Applies planned faults, the method check and the token check, then runs the method. */
  private dispatch(method: string, params: SlackParams, token: string | undefined): FakeReply {
    const fault = this.takeFault(method);
    if (fault?.status === 429) {
      return { status: 429, body: { ok: false, error: 'ratelimited' }, retryAfterSeconds: fault.retryAfterSeconds ?? 1 };
    }
    if (fault) {
      return { status: fault.status, body: { ok: false, error: 'internal_error' } };
    }

    const handler = SLACK_METHODS[method];
    if (!handler) {
      return { status: 200, body: { ok: false, error: 'unknown_method', req_method: method } };
    }
    if (token === undefined) {
      return { status: 200, body: { ok: false, error: 'not_authed' } };
    }
    const expected = APP_TOKEN_METHODS.has(method) ? this.appToken : this.token;
    if (token !== expected) {
      const isKnown = token === this.appToken || token === this.token;
      return { status: 200, body: { ok: false, error: isKnown ? 'not_allowed_token_type' : 'invalid_auth' } };
    }
    return { status: 200, body: handler(params, this.workspace) };
  }
}

/** Starts a Slack Web API fake on 127.0.0.1 (a free port unless `port` is given). */
export async function startSlackFake(options: SlackFakeOptions = {}): Promise<SlackFake> {
  const botUserId = options.botUserId ?? 'U0LINIABOT';
  const users = new Map(Object.entries(options.users ?? {}));
  if (!users.has(botUserId)) {
    users.set(botUserId, { name: 'linia', is_bot: true });
  }
  const workspace: SlackWorkspace = {
    teamId: options.teamId ?? 'T0LINIATEST',
    teamName: options.teamName ?? 'Linia Test',
    teamDomain: 'linia-test',
    botUserId,
    botId: 'B0LINIABOT',
    appId: 'A0LINIAAPP',
    users,
    channels: new Map(Object.entries(options.channels ?? {})),
    directChannels: new Map(),
    messages: [],
    views: new Map(),
    usergroups: new Map(Object.entries(options.usergroups ?? {})),
    socketUrl: null,
    lastTsMicros: 0,
    idCounter: 0,
  };
  const fake = new SlackFake(workspace, options.token ?? DEFAULT_FAKE_TOKEN, options.appToken ?? DEFAULT_FAKE_APP_TOKEN);
  await fake.listen(options.port ?? 0);
  return fake;
}
