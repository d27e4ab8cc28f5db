import { ImapFlow } from 'imapflow';
import { appendMessage, createTestMailbox, deleteMailbox } from '../support/imap-mailbox.js';
import { requireServers, uniqueName, type TestServers } from '../support/servers.js';

// Needs the Dovecot that `npm run services` starts.
describe('test mailboxes on Dovecot', () => {
  let servers: TestServers;

  beforeAll(async () => {
    servers = await requireServers('imap');
  });

  async function connect(): Promise<ImapFlow> {
    const client = new ImapFlow({
      host: servers.imap.host,
      port: servers.imap.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: servers.imap.user, pass: servers.imap.password },
      logger: false,
    });
    await client.connect();
    return client;
  }

  it('creates a mailbox, appends a message and fetches it back', async () => {
    const mailbox = uniqueName('devtools');
    const raw = Buffer.from(
      [
        'From: Jan Kowalski <jan.kowalski@linia.test>',
        'To: support@linia.test',
        'Subject: =?UTF-8?Q?Nie_dzia=C5=82a_drukarka?=',
        'Message-ID: <imap-test-1@linia.test>',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        'Drukarka na 2. piętrze nie drukuje.',
        '',
      ].join('\r\n'),
      'utf8',
    );

    const path = await createTestMailbox(mailbox);
    try {
      const uid = await appendMessage(path, raw);
      expect(uid).toBeGreaterThan(0);

      const client = await connect();
      try {
        const lock = await client.getMailboxLock(path);
        try {
          const fetched = await client.fetchOne(String(uid), { source: true, envelope: true }, { uid: true });
          if (fetched === false) {
            throw new Error(`message UID ${uid} not found in ${path}`);
          }
          expect(fetched.source?.equals(raw)).toBe(true);
          expect(fetched.envelope?.subject).toBe('Nie działa drukarka');
          expect(fetched.envelope?.messageId).toBe('<imap-test-1@linia.test>');
        } finally {
          lock.release();
        }
      } finally {
        await client.logout();
      }
    } finally {
      await deleteMailbox(path);
    }

    const client = await connect();
    try {
      const remaining = await client.list();
      expect(remaining.map((entry) => entry.path)).not.toContain(path);
    } finally {
      await client.logout();
    }
  });

  it('gives a mailbox of an existing name a fresh start', async () => {
    const mailbox = uniqueName('devtools');
    const raw = Buffer.from('Subject: pierwsza\r\n\r\ntreść\r\n', 'utf8');

    await createTestMailbox(mailbox);
    try {
      await appendMessage(mailbox, raw);
      await createTestMailbox(mailbox);

      const client = await connect();
      try {
        const status = await client.status(mailbox, { messages: true });
        expect(status).toMatchObject({ messages: 0 });
      } finally {
        await client.logout();
      }
    } finally {
      await deleteMailbox(mailbox);
    }
  });
});
