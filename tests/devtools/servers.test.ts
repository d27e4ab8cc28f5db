import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireServers, testServers, uniqueName } from '../support/servers.js';

const SERVER_VARIABLES = ['LINIA_SERVICES_DIR', 'MONGODB_URI', 'REDIS_URL', 'IMAP_HOST', 'IMAP_PORT', 'IMAP_USER', 'IMAP_PASSWORD', 'FERRETDB_POSTGRESQL_URL'];

/** Returns a TCP port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no TCP address');
  }
  return address.port;
}

describe('test server settings', () => {
  const saved = new Map<string, string | undefined>();
  let servicesDir: string;

  beforeEach(() => {
    for (const name of SERVER_VARIABLES) {
      saved.set(name, process.env[name]);
      delete process.env[name];
    }
    servicesDir = mkdtempSync(join(tmpdir(), 'linia-services-'));
    process.env.LINIA_SERVICES_DIR = servicesDir;
  });

  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
    rmSync(servicesDir, { recursive: true, force: true });
  });

  it('reads the env file that services.sh writes', () => {
    writeFileSync(
      join(servicesDir, 'env'),
      [
        '# comment',
        "export MONGODB_URI='mongodb://127.0.0.1:27018/linia?directConnection=true'",
        "export REDIS_URL='redis://127.0.0.1:6380'",
        "export IMAP_HOST='127.0.0.1'",
        "export IMAP_PORT='1144'",
        "export IMAP_USER='support@linia.test'",
        "export IMAP_PASSWORD='secret-1'",
        "export IMAP_SECURE='false'",
        "export FERRETDB_POSTGRESQL_URL='postgres://root@127.0.0.1:5433/linia'",
        '',
      ].join('\n'),
    );

    expect(testServers()).toEqual({
      mongoBaseUri: 'mongodb://127.0.0.1:27018',
      redisUrl: 'redis://127.0.0.1:6380',
      imap: { host: '127.0.0.1', port: 1144, user: 'support@linia.test', password: 'secret-1' },
      ferretdbPostgresUrl: 'postgres://root@127.0.0.1:5433/linia',
    });
  });

  it('lets the process environment win over the env file', () => {
    writeFileSync(join(servicesDir, 'env'), "export REDIS_URL='redis://127.0.0.1:6380'\n");
    process.env.REDIS_URL = 'redis://127.0.0.1:6390';

    expect(testServers().redisUrl).toBe('redis://127.0.0.1:6390');
  });

  it('falls back to the default ports without an env file', () => {
    const servers = testServers();

    expect(servers.mongoBaseUri).toBe('mongodb://127.0.0.1:27017');
    expect(servers.imap.port).toBe(1143);
    expect(servers.ferretdbPostgresUrl).toBeNull();
  });

  it('tells the reader to run npm run services', async () => {
    const port = await closedPort();
    process.env.IMAP_PORT = String(port);

    await expect(requireServers('imap')).rejects.toThrow(`imap at 127.0.0.1:${port}`);
    await expect(requireServers('imap')).rejects.toThrow('npm run services');
  });
});

describe('uniqueName', () => {
  it('returns distinct names that suit databases and mailboxes', () => {
    const names = Array.from({ length: 50 }, () => uniqueName('Ticket Store-Test'));

    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name).toMatch(/^ticket_store_test_[a-z0-9_]+$/);
      expect(name.length).toBeLessThanOrEqual(63);
    }
  });
});
