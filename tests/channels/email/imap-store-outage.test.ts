/**
 * The whole mail pipeline with its store (FerretDB) behind a loopback proxy:
 * while the proxy black-holes the store, new mail stays in the IMAP folder,
 * untouched, and becomes tickets once the store responds again.
 */
import { ImapFlow } from 'imapflow';
import { setTimeout as sleep } from 'node:timers/promises';
import { TicketModel } from '../../../src/store/ticket.model.js';
import { buildMail } from '../../support/mail-builder.js';
import { startPipeline, type PipelineHarness } from '../../support/pipeline-harness.js';
import { requireServers, type TestServers } from '../../support/servers.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';

/** Longer than the store's 10 s server-selection timeout and many 1 s polls of the watcher. */
const OUTAGE_MS = 14_000;

interface MailboxEntry {
  uid: number;
  flags: string[];
}

/** Lists UIDs and flags of the folder over a separate direct connection to Dovecot. */
async function listMailbox(servers: TestServers, mailbox: string): Promise<MailboxEntry[]> {
  const client = new ImapFlow({
    host: servers.imap.host,
    port: servers.imap.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: servers.imap.user, pass: servers.imap.password },
    logger: false,
  });
  await client.connect();
  try {
    await client.mailboxOpen(mailbox, { readOnly: true });
    const entries: MailboxEntry[] = [];
    for await (const message of client.fetch('1:*', { uid: true, flags: true })) {
      // \Recent is set by the server per session, not by a client.
      entries.push({ uid: message.uid, flags: [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent') });
    }
    return entries.sort((a, b) => a.uid - b.uid);
  } finally {
    await client.logout();
  }
}

describe('IMAP intake while the store is down', () => {
  let servers: TestServers;
  let storeProxy: TcpProxy;
  let harness: PipelineHarness;
  const savedUri = process.env.MONGODB_URI;

  beforeAll(async () => {
    servers = await requireServers('imap', 'mongodb', 'redis');
    const store = new URL(servers.mongoBaseUri);
    storeProxy = await startTcpProxy(Number(store.port || 27017), store.hostname);
    // The harness takes the store address from MONGODB_URI, so every worker reaches FerretDB through the proxy.
    process.env.MONGODB_URI = `mongodb://${storeProxy.host}:${storeProxy.port}`;
    harness = await startPipeline();
  });

  afterAll(async () => {
    storeProxy?.resume();
    await harness?.close();
    await storeProxy?.close();
    if (savedUri === undefined) delete process.env.MONGODB_URI;
    else process.env.MONGODB_URI = savedUri;
  });

  it('keeps mail in the folder and makes tickets when the store returns', async () => {
    const before = await harness.deliver(buildMail({ from: 'anna.nowak@firma.example', subject: 'Nie działa drukarka', body: 'Drukarka na 2. piętrze nie drukuje.' }));
    const first = await harness.processed(before);
    expect(first.result?.ticketNumber).toBe(1);

    storeProxy.blackHole();
    storeProxy.dropAll();
    const during = [
      await harness.deliver(buildMail({ from: 'piotr.wisniewski@firma.example', subject: 'VPN nie łączy', body: 'Od rana VPN nie łączy się z biurem.' })),
      await harness.deliver(buildMail({ from: 'kate.smith@firma.example', subject: 'Laptop battery', body: 'My laptop battery drains in an hour.' })),
    ];
    await sleep(OUTAGE_MS);

    const watcher = harness.imapWatcher()!.watcher;
    const health = watcher.healthStatus();
    // A store failure leaves the IMAP connection alone.
    expect(health.connected).toBe(true);
    expect(health.reconnects).toBe(0);
    // No sync could finish during the outage, and the lag in the health report shows it.
    expect(health.lagSeconds).toBeGreaterThan(OUTAGE_MS / 1000 - 3);
    const waiting = await listMailbox(servers, harness.mailbox);
    expect(waiting.map((entry) => entry.uid)).toEqual([before, ...during]);
    for (const entry of waiting) expect(entry.flags).toEqual([]);

    storeProxy.resume();
    const results = [];
    for (const uid of during) results.push(await harness.processed(uid, 60_000));
    for (const raw of results) expect(['acknowledged', 'auto-replied']).toContain(raw.result?.action);
    expect(results.map((raw) => raw.result?.ticketNumber).sort()).toEqual([2, 3]);
    expect(await TicketModel.countDocuments()).toBe(3);

    // Still unflagged and in place after the tickets exist: the watcher never changes the mailbox.
    const after = await listMailbox(servers, harness.mailbox);
    expect(after.map((entry) => entry.uid)).toEqual([before, ...during]);
    for (const entry of after) expect(entry.flags).toEqual([]);
  });
});
