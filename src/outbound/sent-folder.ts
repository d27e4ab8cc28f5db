import { ImapFlow } from 'imapflow';
import { runImapCommand } from '../channels/email/imap-command.js';

/**
 * The folder where the SMTP relay files a copy of each mail it accepted (the
 * sender's Sent folder). Looking there is the only way to learn whether a send
 * that was cut off after the message went out reached the relay.
 */
export interface SentFolder {
  /** True when a message with this Message-ID (without angle brackets) is in the folder. Throws when the folder cannot be read. */
  contains(messageId: string): Promise<boolean>;
  /** Opens the folder once. Resolves to 'missing' when the server reports that it does not exist, 'ok' when it opened. Throws on other failures. */
  verify(): Promise<'ok' | 'missing'>;
}

/** Returns true when the server did not open a folder because it does not exist. */
function isMissingFolder(error: unknown): boolean {
  const cause = (error as { cause?: { serverResponseCode?: string; responseText?: string } }).cause;
  return cause?.serverResponseCode === 'NONEXISTENT' || /doesn't exist|does not exist|no such mailbox/i.test(cause?.responseText ?? '');
}

export interface ImapSentFolderOptions {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  commandTimeoutMs: number;
}

/**
 * Reads the Sent folder over IMAP, one short read-only connection per look-up.
 * Look-ups happen only when an earlier send attempt ended without a reply from
 * the relay, so a connection per look-up costs little.
 */
export function imapSentFolder(options: ImapSentFolderOptions): SentFolder {
  const open = async (): Promise<{ client: ImapFlow; run: <T>(command: string, call: () => Promise<T>) => Promise<T> }> => {
    const client = new ImapFlow({
      host: options.host,
      port: options.port,
      secure: options.secure,
      auth: { user: options.user, pass: options.password },
      logger: false,
      connectionTimeout: options.commandTimeoutMs,
      greetingTimeout: options.commandTimeoutMs,
    });
    // imapflow reports a connection error both as an event and as a rejection, and only the rejection matters here.
    client.on('error', () => undefined);
    const run = <T>(command: string, call: () => Promise<T>): Promise<T> => runImapCommand(client, command, options.commandTimeoutMs, call);
    try {
      await run('CONNECT', () => client.connect());
      await run('EXAMINE', () => client.mailboxOpen(options.mailbox, { readOnly: true }));
    } catch (error) {
      client.close();
      throw error;
    }
    return { client, run };
  };

  return {
    async verify() {
      try {
        const { client } = await open();
        await client.logout().catch(() => client.close());
        return 'ok';
      } catch (error) {
        if (isMissingFolder(error)) return 'missing';
        throw error;
      }
    },

    async contains(messageId) {
      const { client, run } = await open();
      try {
        // SEARCH HEADER matches substrings, so each hit's envelope is compared exactly.
        const found = await run('UID SEARCH', () => client.search({ header: { 'message-id': `<${messageId}>` } }, { uid: true }));
        if (!found || found.length === 0) {
          return false;
        }
        const wanted = `<${messageId}>`.toLowerCase();
        let match = false;
        await run('UID FETCH', async () => {
          for await (const message of client.fetch(found, { envelope: true }, { uid: true })) {
            if ((message.envelope?.messageId ?? '').toLowerCase() === wanted) {
              match = true;
            }
          }
        });
        return match;
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
  };
}
