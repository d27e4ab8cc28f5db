/**
 * Mailboxes (IMAP folders) of the support user on the Dovecot that
 * `npm run services` starts, so that each test reads its own folder.
 */
import { ImapFlow } from 'imapflow';
import { testServers, type TestServers } from './servers.js';

type ImapSettings = TestServers['imap'];

/** Opens a plain-text connection: the local Dovecot has no TLS. */
async function connectImap(imap: ImapSettings): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
  });
  await client.connect();
  return client;
}

async function withImap<T>(imap: ImapSettings, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = await connectImap(imap);
  try {
    return await work(client);
  } finally {
    await client.logout();
  }
}

/** Creates the mailbox `name`, deleting an old one of that name first, and returns its path. */
export async function createTestMailbox(name: string, imap: ImapSettings = testServers().imap): Promise<string> {
  return withImap(imap, async (client) => {
    const existing = await client.list();
    if (existing.some((mailbox) => mailbox.path === name)) {
      await client.mailboxDelete(name);
    }
    const created = await client.mailboxCreate(name);
    return created.path;
  });
}

/** Appends a raw RFC 5322 message to `mailbox` and returns its UID. */
export async function appendMessage(mailbox: string, raw: Buffer, imap: ImapSettings = testServers().imap): Promise<number> {
  return withImap(imap, async (client) => {
    const result = await client.append(mailbox, raw);
    if (result === false || result.uid === undefined) {
      throw new Error(`IMAP server did not return a UID for the message appended to ${mailbox}: it lacks UIDPLUS`);
    }
    return result.uid;
  });
}

/** Deletes the mailbox `name` and its messages. A missing mailbox is not an error. */
export async function deleteMailbox(name: string, imap: ImapSettings = testServers().imap): Promise<void> {
  await withImap(imap, async (client) => {
    const existing = await client.list();
    if (existing.some((mailbox) => mailbox.path === name)) {
      await client.mailboxDelete(name);
    }
  });
}
