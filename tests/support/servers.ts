/**
 * Addresses of the local servers that `npm run services` starts, for tests
 * that need a real MongoDB (FerretDB), Redis or IMAP server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';

export interface TestServers {
  /** MongoDB URI without database and options; append `/${uniqueName('db')}` per test. */
  mongoBaseUri: string;
  redisUrl: string;
  imap: { host: string; port: number; user: string; password: string };
  /** PostgreSQL database of the FerretDB that `npm run services` runs, or null for another store. */
  ferretdbPostgresUrl: string | null;
}

export type ServerName = 'mongodb' | 'redis' | 'imap';

/** Milliseconds a server has to accept a TCP connection in requireServers(). */
const CONNECT_TIMEOUT_MS = 2_000;

const REPO_ROOT = resolve(__dirname, '..', '..');

function envFilePath(): string {
  const servicesDir = process.env.LINIA_SERVICES_DIR ?? join(REPO_ROOT, '.linia', 'services');
  return join(servicesDir, 'env');
}

/** Reads the `export NAME='value'` lines that scripts/services.sh writes. */
function readEnvFile(path: string): Record<string, string> {
  if (!existsSync(path)) {
    return {};
  }
  const values: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)='([^']*)'$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) {
      values[match[1]] = match[2];
    }
  }
  return values;
}

/** Returns the server addresses. Variables in the process environment win over the env file. */
export function testServers(): TestServers {
  const file = readEnvFile(envFilePath());
  const value = (name: string, fallback: string): string => process.env[name] ?? file[name] ?? fallback;

  // Keep scheme, credentials and hosts; drop the database and the options.
  const mongoUri = value('MONGODB_URI', 'mongodb://127.0.0.1:27017/linia');
  return {
    mongoBaseUri: mongoUri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+).*$/, '$1'),
    redisUrl: value('REDIS_URL', 'redis://127.0.0.1:6379'),
    imap: {
      host: value('IMAP_HOST', '127.0.0.1'),
      port: Number(value('IMAP_PORT', '1143')),
      user: value('IMAP_USER', 'support@linia.test'),
      password: value('IMAP_PASSWORD', 'linia-dev-password'),
    },
    ferretdbPostgresUrl: process.env.FERRETDB_POSTGRESQL_URL ?? file.FERRETDB_POSTGRESQL_URL ?? null,
  };
}

let nameCounter = 0;

/**
 * Returns a name that no other test run or worker uses, for databases,
 * mailboxes and Redis key prefixes: lower-case letters, digits and
 * underscores, at most 63 characters (FerretDB's database name limit).
 */
export function uniqueName(prefix: string): string {
  nameCounter += 1;
  const cleanPrefix = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 24);
  const random = Math.random().toString(36).slice(2, 8);
  return `${cleanPrefix}_${process.pid}_${Date.now().toString(36)}_${random}_${nameCounter}`;
}

function serverAddress(name: ServerName, servers: TestServers): { host: string; port: number } {
  if (name === 'imap') {
    return { host: servers.imap.host, port: servers.imap.port };
  }
  const url = new URL(name === 'mongodb' ? servers.mongoBaseUri : servers.redisUrl);
  return { host: url.hostname, port: Number(url.port || (name === 'mongodb' ? 27017 : 6379)) };
}

function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    const finish = (connected: boolean): void => {
      socket.destroy();
      resolvePromise(connected);
    };
    socket.setTimeout(CONNECT_TIMEOUT_MS, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/**
 * Throws one error naming every listed server that does not accept a
 * connection, telling the reader to run `npm run services`. Call it in beforeAll.
 */
export async function requireServers(...names: ServerName[]): Promise<TestServers> {
  const servers = testServers();
  const missing: string[] = [];
  for (const name of names) {
    const { host, port } = serverAddress(name, servers);
    if (!(await tcpConnects(host, port))) {
      missing.push(`${name} at ${host}:${port}`);
    }
  }
  if (missing.length > 0) {
    throw new Error(
      `Test servers not responding: ${missing.join(', ')}. Start them with \`npm run services\` (addresses come from ${envFilePath()} or the environment).`,
    );
  }
  return servers;
}
