import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

/** Returns every `.eml` file under `dir`, searched recursively, sorted by path. */
export async function findEmlFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string): Promise<void> => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        await walk(full);
      } else if (entry.isFile() && entry.name.toLowerCase().endsWith('.eml')) {
        found.push(full);
      }
    }
  };
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) {
    throw new Error(`${dir} is not a folder; pass a folder of .eml files with --emails`);
  }
  await walk(dir);
  return found.sort();
}

export interface ImapAccount {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
}

export interface AppendOutcome {
  file: string;
  uid: number | null;
  /** Reason the IMAP server gave for refusing the message; null when it was accepted. */
  error: string | null;
}

function connect(account: ImapAccount): ImapFlow {
  return new ImapFlow({
    host: account.host,
    port: account.port,
    secure: account.secure,
    auth: { user: account.user, pass: account.password },
    logger: false,
  } as ConstructorParameters<typeof ImapFlow>[0]);
}

/** Creates `mailbox` and appends each file to it unchanged, returning the UID each got. */
export async function appendFiles(account: ImapAccount, mailbox: string, files: string[]): Promise<AppendOutcome[]> {
  const client = connect(account);
  await client.connect();
  try {
    await client.mailboxCreate(mailbox);
    const outcomes: AppendOutcome[] = [];
    for (const file of files) {
      const bytes = await readFile(file);
      try {
        const appended = await client.append(mailbox, bytes);
        const uid = appended && typeof appended === 'object' && appended.uid ? Number(appended.uid) : null;
        outcomes.push({ file, uid, error: uid === null ? 'the server did not report a UID' : null });
      } catch (error) {
        outcomes.push({ file, uid: null, error: (error as Error).message });
      }
    }
    return outcomes;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Deletes a mailbox the demo created; a missing mailbox is not an error. */
export async function deleteMailbox(account: ImapAccount, mailbox: string): Promise<void> {
  const client = connect(account);
  await client.connect();
  try {
    await client.mailboxDelete(mailbox).catch(() => undefined);
  } finally {
    await client.logout().catch(() => client.close());
  }
}
