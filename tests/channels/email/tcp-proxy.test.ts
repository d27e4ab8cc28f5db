import { createServer, connect, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';

/** Starts an echo server on 127.0.0.1 for the proxy to forward to. */
async function startEcho(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { server, port: (server.address() as { port: number }).port };
}

interface Client {
  socket: Socket;
  received(): string;
  closed(): boolean;
}

async function open(port: number): Promise<Client> {
  const socket = connect({ host: '127.0.0.1', port });
  let data = '';
  let isClosed = false;
  socket.on('data', (chunk: Buffer) => {
    data += chunk.toString('utf8');
  });
  socket.on('close', () => {
    isClosed = true;
  });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => data, closed: () => isClosed };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('loopback TCP proxy', () => {
  let echo: { server: Server; port: number };
  let proxy: TcpProxy;
  const clients: Client[] = [];

  beforeEach(async () => {
    echo = await startEcho();
    proxy = await startTcpProxy(echo.port);
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.socket.destroy();
    await proxy.close();
    await new Promise<void>((resolve) => echo.server.close(() => resolve()));
  });

  async function client(): Promise<Client> {
    const opened = await open(proxy.port);
    clients.push(opened);
    return opened;
  }

  it('forwards both ways', async () => {
    const peer = await client();
    peer.socket.write('hello');
    await waitFor(() => peer.received() === 'hello', 'the echo');
    expect(proxy.acceptedConnections()).toBe(1);
  });

  it('drops every open connection', async () => {
    const first = await client();
    const second = await client();
    await waitFor(() => proxy.openConnections() === 2, 'two connections');
    proxy.dropAll();
    await waitFor(() => first.closed() && second.closed(), 'both clients to see the close');
    expect(proxy.openConnections()).toBe(0);
  });

  it('stalls open connections until resumed', async () => {
    const peer = await client();
    peer.socket.write('one');
    await waitFor(() => peer.received() === 'one', 'the first echo');
    proxy.stall();
    peer.socket.write('two');
    await sleep(200);
    expect(peer.received()).toBe('one');
    expect(peer.closed()).toBe(false);
    proxy.resume();
    await waitFor(() => peer.received() === 'onetwo', 'the held-back echo');
  });

  it('black-holes new connections only', async () => {
    const before = await client();
    proxy.blackHole();
    const silent = await client();
    silent.socket.write('ping');
    before.socket.write('pong');
    await waitFor(() => before.received() === 'pong', 'the open connection to keep working');
    await sleep(200);
    expect(silent.received()).toBe('');
    expect(silent.closed()).toBe(false);
    proxy.resume();
    const after = await client();
    after.socket.write('back');
    await waitFor(() => after.received() === 'back', 'a new connection after resume');
  });

  it('drops a connection after a byte count, once', async () => {
    const peer = await client();
    proxy.dropAfterBytes(1_000);
    peer.socket.write('x'.repeat(500));
    await waitFor(() => peer.received().length === 500, 'the first 500 bytes');
    expect(peer.closed()).toBe(false);
    peer.socket.write('y'.repeat(600));
    await waitFor(() => peer.closed(), 'the drop');
    const next = await client();
    next.socket.write('z'.repeat(2_000));
    await waitFor(() => next.received().length === 2_000, 'the next connection to pass 2000 bytes');
  });

  it('stalls a connection after a byte count', async () => {
    const peer = await client();
    proxy.stallAfterBytes(100);
    peer.socket.write('a'.repeat(150));
    await waitFor(() => peer.received().length === 150, 'the chunk that crosses the limit');
    peer.socket.write('b'.repeat(10));
    await sleep(200);
    expect(peer.received().length).toBe(150);
    proxy.resume();
    await waitFor(() => peer.received().length === 160, 'the held-back bytes');
  });
});
