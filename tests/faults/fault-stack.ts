/**
 * Servers of the fault suite alone, so that it can kill and restart them:
 * a Redis with an append-only file, a FerretDB over its own PostgreSQL
 * database, a Dovecot on its own port, plus the in-process SMTP sink and
 * Slack fake. Everything listens on 127.0.0.1.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');
const SERVICES = path.join(ROOT, 'scripts', 'services.sh');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

async function stopChild(child: ChildProcess | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

export interface FaultStack {
  redisUrl: string;
  mongoUri: string;
  imap: { host: string; port: number; user: string; password: string };
  restartRedis(): Promise<void>;
  restartStore(): Promise<void>;
  restartImap(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultStack(runId: string): Promise<FaultStack> {
  const dir = mkdtempSync(path.join(tmpdir(), 'linia-faults-'));

  // Redis: every write reaches the append-only file before it is acknowledged,
  // the persistence setting under which Linia promises to lose no queued job.
  const redisPort = await freePort();
  let redis: ChildProcess | null = null;
  const startRedis = async () => {
    redis = spawn(
      'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'],
      { stdio: 'ignore' },
    );
    await waitForPort(redisPort, 10_000, 'Redis');
  };

  // FerretDB over a PostgreSQL database of this run.
  const database = `linia_faults_${runId}`;
  await run('psql', ['-h', '127.0.0.1', '-U', 'root', '-d', 'postgres', '-qc', `CREATE DATABASE ${database}`]);
  const { stdout: ferretdbBinary } = await run('bash', [SERVICES, 'ferretdb-bin'], { maxBuffer: 1 << 20 });
  const storePort = await freePort();
  let store: ChildProcess | null = null;
  const startStore = async () => {
    store = spawn(
      ferretdbBinary.trim(),
      [
        '--handler=postgresql',
        `--postgresql-url=postgres://root@127.0.0.1:5432/${database}`,
        `--listen-addr=127.0.0.1:${storePort}`,
        `--state-dir=${dir}`,
        '--telemetry=disable',
        '--debug-addr=-',
        '--log-level=error',
      ],
      { stdio: 'ignore' },
    );
    await waitForPort(storePort, 20_000, 'FerretDB');
  };

  // Dovecot with its own configuration directory and port.
  const imapPort = await freePort();
  const imapEnv = { ...process.env, LINIA_SERVICES_DIR: path.join(dir, 'services'), LINIA_IMAP_PORT: String(imapPort) };
  const startImap = async () => {
    await run('bash', [SERVICES, 'imap-start'], { env: imapEnv });
  };
  const stopImap = async () => {
    await run('bash', [SERVICES, 'imap-stop'], { env: imapEnv });
  };

  await Promise.all([startRedis(), startStore(), startImap()]);

  return {
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    mongoUri: `mongodb://127.0.0.1:${storePort}/linia`,
    imap: { host: '127.0.0.1', port: imapPort, user: 'support@linia.test', password: 'linia-dev-password' },
    async restartRedis() {
      await stopChild(redis, 'SIGKILL');
      await startRedis();
    },
    async restartStore() {
      await stopChild(store, 'SIGKILL');
      await startStore();
    },
    async restartImap() {
      await stopImap();
      await startImap();
    },
    async close() {
      await stopChild(redis, 'SIGTERM');
      await stopChild(store, 'SIGTERM');
      await stopImap().catch(() => undefined);
      await run('psql', ['-h', '127.0.0.1', '-U', 'root', '-d', 'postgres', '-qc', `DROP DATABASE IF EXISTS ${database}`]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
