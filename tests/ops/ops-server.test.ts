import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { connectStore, disconnectStore } from '../../src/store/connection';
import { observeQueues } from '../../src/metrics/queue-metrics';
import { TicketModel } from '../../src/store/ticket.model';
import { startOpsServer, type OpsServer } from '../../src/ops/ops-server';
import { redisCheck, storeCheck } from '../../src/ops/readiness';
import { testServers, uniqueName } from '../support/servers';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

jest.setTimeout(30_000);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A Redis server of this test alone, so stopping it disturbs no one else. */
async function startOwnRedis(): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 100 });
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      await probe.connect();
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  probe.disconnect();
  return { url, process: child };
}

async function get(server: OpsServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers });
  return { status: response.status, body: await response.text() };
}

describe('operations endpoints', () => {
  const servers = testServers();
  let redis: { url: string; process: ChildProcess };
  let connection: Redis;
  let queue: Queue;
  let ops: OpsServer;
  let storeProxy: TcpProxy;

  beforeAll(async () => {
    // The store is reached through a proxy, so the test can cut it off without stopping the shared server.
    const storeUrl = new URL(servers.mongoBaseUri);
    storeProxy = await startTcpProxy(Number(storeUrl.port || 27017), storeUrl.hostname);
    await connectStore(`mongodb://127.0.0.1:${storeProxy.port}/${uniqueName('ops')}`);
    redis = await startOwnRedis();
    connection = new Redis(redis.url, { maxRetriesPerRequest: null, retryStrategy: () => 200 });
    connection.on('error', () => undefined);
    queue = new Queue('inbound-mail', { connection, prefix: uniqueName('ops') });
    await queue.add('one', { rawMessageId: 'x', sourceKey: 'y' });
    observeQueues([queue]);
    ops = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      checks: [storeCheck(), redisCheck(connection)],
      dashboard: { user: 'admin', password: 'correct-horse-battery', queues: [queue] },
    });
  });

  afterAll(async () => {
    await ops.close();
    await queue.close().catch(() => undefined);
    connection.disconnect();
    redis.process.kill('SIGKILL');
    storeProxy.resume();
    await disconnectStore().catch(() => undefined);
    await storeProxy.close();
  });

  it('answers /healthz while the process runs', async () => {
    const response = await get(ops, '/healthz');
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });

  it('serves queue depth and ticket counts in Prometheus format', async () => {
    const response = await get(ops, '/metrics');
    expect(response.status).toBe(200);
    expect(response.body).toMatch(/linia_queue_jobs\{queue="inbound-mail",state="waiting",app="linia"\} 1/);
    expect(response.body).toMatch(/linia_queue_oldest_waiting_seconds\{queue="inbound-mail",app="linia"\} \d/);
    expect(response.body).toContain('# TYPE linia_tickets gauge');
  });

  it('counts tickets per status and line', async () => {
    const tickets = [
      { status: 'new', line: 'L1' },
      { status: 'new', line: 'L1' },
      { status: 'escalated', line: 'L2' },
    ].map((state, index) => ({
      ...state,
      number: index + 1,
      originKey: `metrics-${index}@example.test`,
      channel: 'email',
      subject: `Metrics ticket ${index}`,
      language: 'en',
      requester: { address: `user${index}@example.test`, name: null, slackUserId: null },
    }));
    await TicketModel.insertMany(tickets);

    const body = (await get(ops, '/metrics')).body;

    expect(body).toMatch(/linia_tickets\{status="new",line="L1",app="linia"\} 2\n/);
    expect(body).toMatch(/linia_tickets\{status="escalated",line="L2",app="linia"\} 1\n/);
    expect(body).toMatch(/linia_tickets\{status="closed",line="L3",app="linia"\} 0\n/);
    await TicketModel.deleteMany({});
  });

  it('keeps the queue dashboard behind basic auth', async () => {
    expect((await get(ops, '/admin/queues')).status).toBe(401);
    const wrong = Buffer.from('admin:wrong-password-here').toString('base64');
    expect((await get(ops, '/admin/queues', { authorization: `Basic ${wrong}` })).status).toBe(401);
    const right = Buffer.from('admin:correct-horse-battery').toString('base64');
    const page = await get(ops, '/admin/queues', { authorization: `Basic ${right}` });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html');
  });

  it('turns unready while the store is unreachable, and ready again after', async () => {
    expect((await get(ops, '/readyz')).status).toBe(200);
    storeProxy.blackHole();
    storeProxy.dropAll();
    const unready = await get(ops, '/readyz');
    expect(unready.status).toBe(503);
    expect(JSON.parse(unready.body)).toMatchObject({ status: 'unready', checks: { store: { ok: false }, redis: { ok: true } } });

    storeProxy.resume();
    let ready = await get(ops, '/readyz');
    for (let attempt = 0; attempt < 60 && ready.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      ready = await get(ops, '/readyz');
    }
    expect(ready.status).toBe(200);
  });

  it('is ready with the store and Redis up, and unready once Redis stops', async () => {
    const ready = await get(ops, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready', checks: { store: { ok: true }, redis: { ok: true } } });

    redis.process.kill('SIGKILL');
    await new Promise((resolve) => redis.process.once('exit', resolve));
    let unready = await get(ops, '/readyz');
    for (let attempt = 0; attempt < 20 && unready.status === 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      unready = await get(ops, '/readyz');
    }
    expect(unready.status).toBe(503);
    expect(JSON.parse(unready.body)).toMatchObject({ status: 'unready', checks: { store: { ok: true }, redis: { ok: false } } });
  });
});
