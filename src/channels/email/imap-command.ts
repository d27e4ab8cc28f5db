import type { ImapFlow } from 'imapflow';

/**
 * Failure of one IMAP command or of the connection under it. The watcher
 * handles every such error by closing the connection and reconnecting, while a
 * store or queue error leaves the connection open.
 */
export class ImapCommandError extends Error {
  constructor(
    readonly command: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImapCommandError';
  }
}

/** An IMAP command that got no response within its timeout. The connection it ran on is closed. */
export class ImapCommandTimeoutError extends ImapCommandError {
  constructor(
    command: string,
    readonly timeoutMs: number,
  ) {
    super(command, `IMAP ${command} timed out after ${timeoutMs} ms; closing the connection`);
    this.name = 'ImapCommandTimeoutError';
  }
}

/**
 * Runs one IMAP call with its own time limit. When the limit passes, the
 * connection is closed, because a late response would leave the client and the
 * server out of step. imapflow then rejects the abandoned call with
 * NoConnection, and that rejection is swallowed here. Any other failure, or a
 * connection that became unusable during the call, is raised as an
 * ImapCommandError.
 */
export async function runImapCommand<T>(
  client: ImapFlow,
  command: string,
  timeoutMs: number,
  call: () => Promise<T>,
  onTimeout?: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const pending = call();
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      pending.catch(() => undefined);
      onTimeout?.();
      client.close();
      reject(new ImapCommandTimeoutError(command, timeoutMs));
    }, timeoutMs);
  });
  let result: T;
  try {
    result = await Promise.race([pending, deadline]);
  } catch (error) {
    if (error instanceof ImapCommandError) {
      throw error;
    }
    throw new ImapCommandError(command, `IMAP ${command} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  // Several imapflow calls report a failure by returning false and closing the connection.
  if (!client.usable) {
    throw new ImapCommandError(command, `IMAP connection lost during ${command}`);
  }
  return result;
}
