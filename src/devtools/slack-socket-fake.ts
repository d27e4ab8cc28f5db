import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** GUID that RFC 6455 appends to the client's key for Sec-WebSocket-Accept. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Milliseconds that sendEnvelope() waits for the client's acknowledgement by default. */
const DEFAULT_ACK_WAIT_MS = 5_000;

const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;

/** The acknowledgement a Socket Mode client sends for an envelope. */
export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
}

/** Encodes one unmasked server frame (RFC 6455 section 5.2). */
function frame(opcode: number, data: Buffer): Buffer {
  let header: Buffer;
  if (data.length < 126) {
    header = Buffer.from([0x80 | opcode, data.length]);
  } else if (data.length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(data.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(data.length), 2);
  }
  return Buffer.concat([header, data]);
}

/** Decodes the complete client frames at the start of `buffer`; returns them and the bytes left over. */
function readFrames(buffer: Buffer): { frames: { opcode: number; data: Buffer }[]; rest: Buffer } {
  const frames: { opcode: number; data: Buffer }[] = [];
  let offset = 0;
  while (buffer.length - offset >= 2) {
    const opcode = (buffer[offset] as number) & 0x0f;
    const masked = ((buffer[offset + 1] as number) & 0x80) !== 0;
    let length = (buffer[offset + 1] as number) & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buffer.length < cursor + 2) break;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length < cursor + 8) break;
      length = Number(buffer.readBigUInt64BE(cursor));
      cursor += 8;
    }
    const maskLength = masked ? 4 : 0;
    if (buffer.length < cursor + maskLength + length) break;
    const mask = buffer.subarray(cursor, cursor + maskLength);
    const data = Buffer.from(buffer.subarray(cursor + maskLength, cursor + maskLength + length));
    if (masked) {
      for (let index = 0; index < data.length; index++) {
        data[index] = (data[index] as number) ^ (mask[index % 4] as number);
      }
    }
    frames.push({ opcode, data });
    offset = cursor + maskLength + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/**
 * A local stand-in for Slack's Socket Mode WebSocket endpoint: it accepts
 * connections on 127.0.0.1, greets each with `hello`, sends envelopes and
 * collects the client's acknowledgements. It speaks just enough of RFC 6455 for
 * @slack/socket-mode: text frames, ping/pong and close. Point the Slack fake's
 * `apps.connections.open` at `url`.
 */
export class SlackSocketFake {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly acks = new EventEmitter<{ ack: [SocketAck] }>();
  private listenPort = 0;
  private connected: Socket | null = null;
  private readonly connectedEvents = new EventEmitter<{ connected: [] }>();

  constructor() {
    this.server = createServer((_request, response) => response.writeHead(426).end('WebSocket only'));
    this.server.on('upgrade', (request: IncomingMessage, socket: Socket) => this.accept(request, socket));
  }

  get url(): string {
    return `ws://127.0.0.1:${this.listenPort}/link/?ticket=${randomUUID()}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.listenPort = (this.server.address() as AddressInfo).port;
  }

  /** Resolves once a client has connected and been greeted. */
  waitForConnection(timeoutMs = DEFAULT_ACK_WAIT_MS): Promise<void> {
    if (this.connected) {
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Socket Mode client connected within ${timeoutMs} ms`)), timeoutMs);
      this.connectedEvents.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Sends an envelope (`events_api`, `interactive`, `slash_commands`) and resolves with the client's acknowledgement. */
  sendEnvelope(type: string, payload: Record<string, unknown>, retryAttempt = 0, timeoutMs = DEFAULT_ACK_WAIT_MS): Promise<SocketAck> {
    const socket = this.connected;
    if (!socket) {
      return Promise.reject(new Error('no Socket Mode client is connected'));
    }
    const envelopeId = randomUUID();
    const acknowledged = new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.acks.off('ack', onAck);
        reject(new Error(`envelope ${envelopeId} was not acknowledged within ${timeoutMs} ms`));
      }, timeoutMs);
      const onAck = (ack: SocketAck): void => {
        if (ack.envelope_id === envelopeId) {
          clearTimeout(timer);
          this.acks.off('ack', onAck);
          resolve(ack);
        }
      };
      this.acks.on('ack', onAck);
    });
    const envelope = { envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: retryAttempt, retry_reason: retryAttempt > 0 ? 'timeout' : '' };
    socket.write(frame(OPCODE_TEXT, Buffer.from(JSON.stringify(envelope))));
    return acknowledged;
  }

  /** Closes every connection with a close frame, as Slack does, then stops listening. */
  async close(): Promise<void> {
    for (const socket of this.sockets) {
      socket.end(frame(OPCODE_CLOSE, Buffer.from([0x03, 0xe8])));
    }
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private accept(request: IncomingMessage, socket: Socket): void {
    const key = request.headers['sec-websocket-key'];
    if (typeof key !== 'string') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const accept = createHash('sha1').update(`${key}${WEBSOCKET_GUID}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    this.sockets.add(socket);
    this.connected = socket;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const { frames, rest } = readFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      for (const received of frames) {
        this.onFrame(socket, received.opcode, received.data);
      }
    });
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.connected === socket) {
        this.connected = null;
      }
    });
    socket.on('error', () => socket.destroy());
    const hello = { type: 'hello', num_connections: 1, debug_info: { host: 'linia-socket-fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'A0LINIAAPP' } };
    socket.write(frame(OPCODE_TEXT, Buffer.from(JSON.stringify(hello))));
    this.connectedEvents.emit('connected');
  }

  private onFrame(socket: Socket, opcode: number, data: Buffer): void {
    if (opcode === OPCODE_PING) {
      socket.write(frame(OPCODE_PONG, data));
    } else if (opcode === OPCODE_CLOSE) {
      socket.end(frame(OPCODE_CLOSE, data.subarray(0, 2)));
    } else if (opcode === OPCODE_TEXT) {
      try {
        const message = JSON.parse(data.toString('utf8')) as SocketAck;
        if (typeof message.envelope_id === 'string') {
          this.acks.emit('ack', message);
        }
      } catch {
        // Not JSON: Slack ignores such frames too.
      }
    }
  }
}

export async function startSlackSocketFake(): Promise<SlackSocketFake> {
  const fake = new SlackSocketFake();
  await fake.listen();
  return fake;
}
