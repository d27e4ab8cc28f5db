/**
 * Exactly one ticket per message when watchers overlap, when the watcher was
 * down for a long time, and when the server changes UIDVALIDITY. Runs the whole
 * pipeline against the real Dovecot, FerretDB and Redis.
 */
import { ImapFlow } from 'imapflow';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { ImapWatcher } from '../../../src/channels/email/imap-watcher.js';
import { inboundJobId } from '../../../src/queues/job-ids.js';
import { MailboxStateModel } from '../../../src/store/mailbox-state.model.js';
import { MessageModel } from '../../../src/store/message.model.js';
import { RawMessageModel, type RawMessage } from '../../../src/store/raw-message.model.js';
import { TicketModel } from '../../../src/store/ticket.model.js';
import { createTestMailbox } from '../../support/imap-mailbox.js';
import { buildMail } from '../../support/mail-builder.js';
import { eventually, startPipeline, type PipelineHarness } from '../../support/pipeline-harness.js';
import { requireServers, type TestServers } from '../../support/servers.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';

/** Appends over a direct connection with a chosen INTERNALDATE and flags, as a server restored from backup would show them. */
async function appendWithDate(servers: TestServers, mailbox: string, raw: string, date: Date, flags: string[] = []): Promise<number> {
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
    const result = await client.append(mailbox, raw, flags, date);
    if (!result || result.uid === undefined) throw new Error('Dovecot returned no UID for the append');
    return result.uid;
  } finally {
    await client.logout();
  }
}

/** Waits until no outbound mail is still waiting to be sent, so SMTP counts are stable. */
async function outboundSettled(): Promise<void> {
  await eventually(async () => ((await MessageModel.countDocuments({ direction: 'out', status: 'pending' })) === 0 ? true : undefined), 30_000, 'outbound mail to be sent');
}

/** Waits until every stored copy of the folder's messages is processed. */
async function allDone(): Promise<RawMessage[]> {
  return eventually(async () => {
    const pending = await RawMessageModel.countDocuments({ status: 'pending' });
    return pending === 0 ? RawMessageModel.find({}).lean<RawMessage[]>() : undefined;
  }, 30_000, 'every raw message to be processed');
}

describe('IMAP delivery exactly once', () => {
  let servers: TestServers;
  let harness: PipelineHarness;
  let proxy: TcpProxy;
  const extraWatchers: ImapWatcher[] = [];

  beforeAll(async () => {
    servers = await requireServers('imap', 'mongodb', 'redis');
    harness = await startPipeline();
    proxy = await startTcpProxy(servers.imap.port, servers.imap.host);
  });

  afterAll(async () => {
    for (const watcher of extraWatchers) await watcher.stop();
    await harness?.close();
    await proxy?.close();
  });

  function extraWatcher(port: number): ImapWatcher {
    const watcher = new ImapWatcher({
      host: servers.imap.host,
      port,
      secure: false,
      user: servers.imap.user,
      password: servers.imap.password,
      mailbox: harness.mailbox,
      maxMessageBytes: harness.config.env.LINIA_MAX_MESSAGE_BYTES,
      pollIntervalMs: 1_000,
      watchdogIntervalMs: 1_000,
      commandTimeoutMs: 5_000,
      log: pino({ level: process.env.LINIA_TEST_LOG_LEVEL ?? 'silent' }),
      enqueue: async (message) => {
        const rawMessageId = message._id.toHexString();
        await harness.runtime.queues.inboundMail.add(
          'process',
          { rawMessageId, sourceKey: `imap:${message.mailbox}:${message.uidValidity}:${message.uid}` },
          { jobId: inboundJobId(rawMessageId) },
        );
      },
    });
    extraWatchers.push(watcher);
    return watcher;
  }

  it('makes one ticket per message with three watchers on one folder', async () => {
    // Same mailbox key as the worker's watcher, and one through the proxy, which stores under another key.
    const sameKey = extraWatcher(servers.imap.port);
    const otherKey = extraWatcher(proxy.port);
    await sameKey.start();
    await otherKey.start();

    const senders = ['ewa.zielinska@firma.example', 'tomasz.lewandowski@firma.example', 'john.doe@firma.example'];
    const uids = [];
    for (const [index, from] of senders.entries()) {
      uids.push(await harness.deliver(buildMail({ from, subject: `Problem z kontem ${index + 1}`, body: `Nie mogę się zalogować (${index + 1}).` })));
    }
    for (const uid of uids) await harness.processed(uid);
    await eventually(async () => ((await RawMessageModel.countDocuments({ mailbox: otherKey.mailboxKey })) === 3 ? true : undefined), 15_000, 'the proxied watcher to store its copies');
    const raws = await allDone();

    // Two mailbox keys: one copy per key and UID, never more.
    expect(raws.filter((raw) => raw.mailbox === sameKey.mailboxKey)).toHaveLength(3);
    expect(raws.filter((raw) => raw.mailbox === otherKey.mailboxKey)).toHaveLength(3);
    expect(await TicketModel.countDocuments()).toBe(3);
    const duplicates = raws.filter((raw) => raw.result?.reason?.startsWith('duplicate of'));
    expect(duplicates).toHaveLength(3);
    await outboundSettled();
    for (const from of senders) {
      const replies = harness.smtp.messages().filter((message) => message.envelope.to.includes(from));
      expect(replies).toHaveLength(1);
    }

    await sameKey.stop();
    await otherKey.stop();
  });

  it('catches up from the UID checkpoint after a long downtime', async () => {
    const ticketsBefore = await TicketModel.countDocuments();
    await harness.stopWorkers();

    // Mail that arrived "years ago" and was already read in another client: a date or UNSEEN window would miss it.
    const old = new Date('2019-03-01T08:00:00Z');
    const uids = [
      await appendWithDate(servers, harness.mailbox, buildMail({ from: 'stary.mail@firma.example', subject: 'Stare zgłoszenie', body: 'Mail sprzed lat.', date: old }), old),
      await appendWithDate(servers, harness.mailbox, buildMail({ from: 'przeczytany@firma.example', subject: 'Przeczytany', body: 'Już przeczytany.' }), old, ['\\Seen']),
      await appendWithDate(servers, harness.mailbox, buildMail({ from: 'nowy@firma.example', subject: 'Nowy', body: 'Całkiem nowy mail.' }), new Date()),
    ];

    await harness.startWorkers();
    for (const uid of uids) await harness.processed(uid);
    const watcher = harness.imapWatcher()!.watcher;
    await allDone();

    // The new watcher fetched only the three messages above the checkpoint, not the folder's older ones.
    expect(watcher.healthStatus().messagesFetched).toBe(3);
    expect(await TicketModel.countDocuments()).toBe(ticketsBefore + 3);
    const state = await MailboxStateModel.findById(watcher.mailboxKey).lean();
    expect(state?.lastUid).toBe(uids[2]);
  });

  it('rescans after a UIDVALIDITY change and opens no duplicate tickets', async () => {
    const watcher = harness.imapWatcher()!.watcher;
    const oldState = await MailboxStateModel.findById(watcher.mailboxKey).lean();
    const known = await RawMessageModel.find({ mailbox: watcher.mailboxKey, uidValidity: oldState!.uidValidity }).sort({ uid: 1 }).lean<RawMessage[]>();
    const ticketsBefore = await TicketModel.countDocuments();
    await outboundSettled();
    const repliesBefore = harness.smtp.messages().length;
    await harness.stopWorkers();

    // The folder is rebuilt: same messages, new UIDs, new UIDVALIDITY, plus one new message.
    await sleep(1_100);
    await createTestMailbox(harness.mailbox);
    for (const raw of known) await harness.deliver(Buffer.from(raw.raw!.buffer ?? raw.raw!));
    const fresh = await harness.deliver(buildMail({ from: 'po.odbudowie@firma.example', subject: 'Po odbudowie', body: 'Nowy mail po odbudowie skrzynki.' }));

    await harness.startWorkers();
    const newWatcher = harness.imapWatcher()!.watcher;
    const state = await eventually(async () => {
      const current = await MailboxStateModel.findById(newWatcher.mailboxKey).lean();
      return current && current.uidValidity !== oldState!.uidValidity && current.lastUid >= fresh ? current : undefined;
    }, 20_000, 'the rescan under the new UIDVALIDITY');
    const raws = await allDone();

    const rescanned = raws.filter((raw) => raw.mailbox === newWatcher.mailboxKey && raw.uidValidity === state.uidValidity);
    expect(rescanned).toHaveLength(known.length + 1);
    expect(rescanned.filter((raw) => raw.result?.reason?.startsWith('duplicate of'))).toHaveLength(known.length);
    expect(await TicketModel.countDocuments()).toBe(ticketsBefore + 1);
    await outboundSettled();
    expect(harness.smtp.messages().length).toBe(repliesBefore + 1);
  });
});
