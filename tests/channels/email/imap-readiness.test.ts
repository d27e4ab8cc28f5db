import type { WatcherHealth } from '../../../src/channels/email/imap-watcher.js';
import { watcherReadiness } from '../../../workers/imap-watcher.worker.js';

const POLL_MS = 60_000;
const COMMAND_TIMEOUT_MS = 60_000;

function health(overrides: Partial<WatcherHealth>): WatcherHealth {
  return {
    connected: true,
    lastAliveAt: new Date(),
    lastIdleAt: new Date(),
    lastSyncAt: new Date(),
    lagSeconds: 5,
    lastError: null,
    reconnects: 0,
    messagesFetched: 0,
    ...overrides,
  };
}

describe('IMAP watcher readiness', () => {
  it('is ready when connected and recently synced', () => {
    expect(watcherReadiness(health({}), POLL_MS, COMMAND_TIMEOUT_MS)).toEqual({ ok: true });
  });

  it('is not ready while disconnected, with the last error', () => {
    const result = watcherReadiness(health({ connected: false, lastError: 'IMAP NOOP timed out after 60000 ms' }), POLL_MS, COMMAND_TIMEOUT_MS);
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('IMAP not connected: IMAP NOOP timed out after 60000 ms');
  });

  it('is not ready when the last sync is too old', () => {
    const result = watcherReadiness(health({ lagSeconds: 181 }), POLL_MS, COMMAND_TIMEOUT_MS);
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('IMAP mailbox not checked recently (last sync 181 s ago, limit 180 s)');
  });

  it('is not ready before the first sync', () => {
    const result = watcherReadiness(health({ lastSyncAt: null, lagSeconds: null }), POLL_MS, COMMAND_TIMEOUT_MS);
    expect(result.detail).toBe('IMAP mailbox not checked recently (no sync yet, limit 180 s)');
  });
});
