import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { testServers, uniqueName } from '../../support/servers';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'linia.js');
/** A name imapflow recognises as the Sent folder on a server without SPECIAL-USE, like the test Dovecot. */
const SENT_FOLDER = 'Sent Messages';

describe('IMAP watcher and special-use folders', () => {
  const servers = testServers();

  beforeAll(async () => {
    const client = new ImapFlow({
      host: servers.imap.host,
      port: servers.imap.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: servers.imap.user, pass: servers.imap.password },
      logger: false,
    });
    await client.connect();
    const folders = await client.list();
    if (!folders.some((folder) => folder.path === SENT_FOLDER)) {
      await client.mailboxCreate(SENT_FOLDER);
    }
    await client.logout();
  });

  it('refuses to start on the Sent folder, naming IMAP_MAILBOX', async () => {
    const failure = await run(process.execPath, [BIN, 'worker', 'imap-watcher'], {
      cwd: ROOT,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH,
        MONGODB_URI: `${servers.mongoBaseUri}/${uniqueName('special_use')}`,
        REDIS_URL: servers.redisUrl,
        LINIA_QUEUE_PREFIX: uniqueName('q'),
        IMAP_HOST: servers.imap.host,
        IMAP_PORT: String(servers.imap.port),
        IMAP_SECURE: 'false',
        IMAP_USER: servers.imap.user,
        IMAP_PASSWORD: servers.imap.password,
        IMAP_MAILBOX: SENT_FOLDER,
        LOG_LEVEL: 'silent',
      },
    }).then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure).not.toBeNull();
    expect(failure?.code).toBe(78);
    expect(failure?.stderr).toContain('IMAP_MAILBOX: "Sent Messages" is the \\Sent special-use folder');
  });
});
