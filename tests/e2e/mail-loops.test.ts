/**
 * Loops and automatic mail, end to end against the real local servers: Linia never
 * replies to a machine and never replies to itself. Each case delivers a crafted message
 * from tests/fixtures/mail/loops to the watched IMAP folder.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { loadConfig, ConfigError } from '../../src/config/index.js';
import { assertWatchableMailbox } from '../../src/config/watched-mailbox.js';
import { setRootLogger } from '../../src/logging/logger.js';
import { metricsRegistry } from '../../src/metrics/registry.js';
import { outboundMessageId, queueOutboundMail } from '../../src/outbound/outbound-mail.js';
import { MessageModel } from '../../src/store/message.model.js';
import { SuppressionModel } from '../../src/store/suppression.model.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { buildMail, newMessageId } from '../support/mail-builder.js';
import { eventually, startPipeline, type PipelineHarness } from '../support/pipeline-harness.js';
import { testServers, uniqueName } from '../support/servers.js';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'mail', 'loops');

/** Reads a fixture and fills its `{{NAME}}` placeholders; DATE and MESSAGE_ID get fresh values unless given. */
function fixture(name: string, values: Record<string, string> = {}): string {
  const filled: Record<string, string> = { DATE: new Date().toUTCString(), MESSAGE_ID: newMessageId(), ...values };
  return readFileSync(path.join(FIXTURES, name), 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_match, key: string) => {
    const value = filled[key];
    if (value === undefined) {
      throw new Error(`fixture ${name}: no value for {{${key}}}`);
    }
    return value;
  });
}

function idOf(header: string | undefined): string {
  return (header ?? '').replace(/^<|>$/g, '');
}

async function sinkMailTo(harness: PipelineHarness, address: string): Promise<ParsedMail[]> {
  const recipients = harness.smtp.messages().filter((message) => message.envelope.to.includes(address));
  return Promise.all(recipients.map((message) => simpleParser(message.raw)));
}

async function waitForMailTo(harness: PipelineHarness, address: string, count: number): Promise<ParsedMail[]> {
  return eventually(async () => {
    const mail = await sinkMailTo(harness, address);
    return mail.length >= count ? mail : undefined;
  }, 20_000, `${count} messages to ${address}`);
}

async function eventsOf(ticketNumber: number) {
  return TicketEventModel.find({ ticketNumber }).sort({ at: 1, _id: 1 }).lean();
}

async function counterValue(name: string, labels: Record<string, string>): Promise<number> {
  const metric = metricsRegistry.getSingleMetric(name);
  if (!metric) {
    return 0;
  }
  const { values } = await metric.get();
  const match = values.find((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted));
  return match?.value ?? 0;
}

/** Time for the outbound worker to send anything that was wrongly queued, before asserting that nothing was sent. */
const QUIET_MS = 1_500;

describe('mail loops and automatic mail', () => {
  let harness: PipelineHarness;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    harness = await startPipeline();
    const capture = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
        }
        callback();
      },
    });
    setRootLogger(pino({ level: 'info' }, capture));
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  async function openTicket(from: string, subject: string, body: string): Promise<{ number: number; requestId: string; reply: ParsedMail }> {
    const requestId = newMessageId();
    const uid = await harness.deliver(buildMail({ from, subject, body, messageId: requestId }));
    const raw = await harness.processed(uid);
    const [reply] = await waitForMailTo(harness, from, 1);
    return { number: raw.result!.ticketNumber!, requestId, reply };
  }

  describe('out-of-office replies', () => {
    it('records Auto-Submitted on its ticket', async () => {
      const requester = 'anna.wisniewska@firma.example';
      const { number, reply } = await openTicket(requester, 'Drukarka nie drukuje', 'Drukarka w pokoju 12 nie drukuje, świeci się pomarańczowa lampka.');
      const uid = await harness.deliver(fixture('ooo-auto-submitted.pl.eml', { FROM: requester, TAG: `[#${number}]`, IN_REPLY_TO: idOf(reply.messageId) }));
      const raw = await harness.processed(uid);

      expect(raw.result?.action).toBe('automatic');
      expect(raw.result?.ticketNumber).toBe(number);
      expect(raw.result?.reason).toMatch(/Auto-Submitted: auto-replied/);
      expect((await eventsOf(number)).map((event) => event.type)).toContain('automatic_mail.received');
      await sleep(QUIET_MS);
      expect(await sinkMailTo(harness, requester)).toHaveLength(1);
    });

    it('records Exchange X-Auto-Response-Suppress on its ticket', async () => {
      const requester = 'tom.baker@firma.example';
      const { number, reply } = await openTicket(requester, 'VPN does not connect', 'The VPN client fails to connect from home since this morning.');
      const uid = await harness.deliver(fixture('ooo-exchange.en.eml', { FROM: requester, TAG: `[#${number}]`, IN_REPLY_TO: idOf(reply.messageId) }));
      const raw = await harness.processed(uid);

      expect(raw.result?.action).toBe('automatic');
      expect(raw.result?.ticketNumber).toBe(number);
      expect(raw.result?.reason).toMatch(/X-Auto-Response-Suppress: All/);
      expect((await eventsOf(number)).filter((event) => event.type === 'automatic_mail.received')).toHaveLength(1);
      await sleep(QUIET_MS);
      expect(await sinkMailTo(harness, requester)).toHaveLength(1);
    });

    it('keeps a threaded headerless one without changing status', async () => {
      const requester = 'olga.lis@firma.example';
      const { number, reply } = await openTicket(requester, 'VPN does not connect', 'The VPN client fails to connect from home since this morning.');
      const before = await TicketModel.findOne({ number }).lean();
      const uid = await harness.deliver(fixture('ooo-no-headers-threaded.en.eml', { FROM: requester, TAG: `[#${number}]`, IN_REPLY_TO: idOf(reply.messageId) }));
      const raw = await harness.processed(uid);

      expect(raw.result?.action).toBe('attached');
      expect(raw.result?.ticketNumber).toBe(number);
      expect(raw.result?.reason).toMatch(/auto-reply, status unchanged/);
      const after = await TicketModel.findOne({ number }).lean();
      expect(after?.status).toBe(before?.status);
      await sleep(QUIET_MS);
      expect(await sinkMailTo(harness, requester)).toHaveLength(1);
    });

    it('gets no reply without headers, through the per-sender limit', async () => {
      const requester = 'marek.zieba@firma.example';
      await openTicket(requester, 'Nowa myszka', 'Poproszę o nową myszkę do komputera, stara przestała działać.');
      const uid = await harness.deliver(fixture('ooo-no-headers.pl.eml', { FROM: requester }));
      const raw = await harness.processed(uid);

      expect(raw.result?.action).toBe('acknowledged');
      expect(raw.result?.reason).toMatch(/per-sender automatic reply limit/);
      const events = await eventsOf(raw.result!.ticketNumber!);
      expect(events.some((event) => event.type === 'note.added' && /no automatic reply/.test(event.detail ?? ''))).toBe(true);
      await sleep(QUIET_MS);
      expect(await sinkMailTo(harness, requester)).toHaveLength(1);
    });
  });

  describe('delivery failure reports', () => {
    it('suppresses the requester after a DSN quoting our reply', async () => {
      const requester = 'former.employee@firma.example';
      const { number, reply } = await openTicket(requester, 'New office chair', 'My office chair broke. Could facilities order a new one for desk 14?');
      const before = await TicketModel.findOne({ number }).lean();
      const outboundBefore = await MessageModel.countDocuments({ direction: 'out', ticketNumber: number });

      const uid = await harness.deliver(
        fixture('dsn-failed.en.eml', { RECIPIENT: requester, TAG: `[#${number}]`, ORIGINAL_ID: idOf(reply.messageId) }),
      );
      const raw = await harness.processed(uid);

      expect(raw.result?.action).toBe('automatic');
      expect(raw.result?.ticketNumber).toBe(number);
      expect(raw.result?.reason).toMatch(/delivery failed for former\.employee@firma\.example \(5\.1\.1\)/);
      const events = await eventsOf(number);
      expect(events.filter((event) => event.type === 'bounce.received')).toHaveLength(1);
      expect(events.filter((event) => event.type === 'address.suppressed').map((event) => event.from)).toEqual([requester]);
      expect(await SuppressionModel.findById(requester).lean()).toMatchObject({ status: '5.1.1', ticketNumber: number });

      const after = await TicketModel.findOne({ number }).lean();
      expect(after?.status).toBe(before?.status);
      expect(after?.planVersion).toBe(before?.planVersion);
      expect(after?.due?.l2At?.getTime()).toBe(before?.due?.l2At?.getTime());
      await sleep(QUIET_MS);
      expect(await MessageModel.countDocuments({ direction: 'out', ticketNumber: number })).toBe(outboundBefore);
      expect(await sinkMailTo(harness, requester)).toHaveLength(1);
    });

    it('keeps every send path away from a suppressed address', async () => {
      const requester = 'gone.user@firma.example';
      const { number, reply } = await openTicket(requester, 'Laptop battery', 'The laptop battery lasts only twenty minutes.');
      await harness.processed(await harness.deliver(fixture('dsn-failed.en.eml', { RECIPIENT: requester, TAG: `[#${number}]`, ORIGINAL_ID: idOf(reply.messageId) })));
      const ticket = await TicketModel.findOne({ number }).lean();

      const base = { ticketId: ticket!._id, ticketNumber: number, subject: `[#${number}] Laptop battery`, text: 'x', html: '<p>x</p>', language: 'en', inReplyTo: null, references: [] };
      const domain = harness.config.messageIdDomain;
      await queueOutboundMail({ ...base, key: `test-agent:${number}`, kind: 'agent_reply', to: [{ address: requester }] }, harness.runtime.queues, domain);
      await queueOutboundMail({ ...base, key: `test-ack:${number}`, kind: 'acknowledgement', to: [{ address: requester }] }, harness.runtime.queues, domain);
      await queueOutboundMail(
        { ...base, key: `test-escalation:${number}`, kind: 'escalation', to: [{ address: requester }, { address: 'l2-agents@linia.test' }] },
        harness.runtime.queues,
        domain,
      );

      const statusOf = async (key: string) => (await MessageModel.findOne({ key }).lean())?.status;
      await eventually(async () => ((await statusOf(`test-escalation:${number}`)) === 'sent' ? true : undefined), 20_000, 'escalation mail sent');
      await eventually(async () => ((await statusOf(`test-agent:${number}`)) === 'suppressed' ? true : undefined), 20_000, 'agent reply suppressed');
      await eventually(async () => ((await statusOf(`test-ack:${number}`)) === 'suppressed' ? true : undefined), 20_000, 'acknowledgement suppressed');

      const escalationId = outboundMessageId(`test-escalation:${number}`, number, domain);
      const escalation = harness.smtp.messages().find((message) => message.raw.toString('latin1').includes(escalationId));
      expect(escalation?.envelope.to).toEqual(['l2-agents@linia.test']);
      expect(await sinkMailTo(harness, requester)).toHaveLength(1);
      const notes = (await eventsOf(number)).filter((event) => event.type === 'note.added' && /suppressed/.test(event.detail ?? ''));
      expect(notes).toHaveLength(3);
    });

    it('suppresses from a Polish DSN with the full message', async () => {
      const requester = 'jan.kowal@firma.example';
      const { number, reply } = await openTicket(requester, 'Drukarka nie drukuje', 'Drukarka na trzecim piętrze nie drukuje od rana.');
      const uid = await harness.deliver(fixture('dsn-failed.pl.eml', { RECIPIENT: requester, TAG: `[#${number}]`, ORIGINAL_ID: idOf(reply.messageId) }));
      const raw = await harness.processed(uid);

      expect(raw.result?.ticketNumber).toBe(number);
      expect(await SuppressionModel.findById(requester).lean()).not.toBeNull();
      expect((await eventsOf(number)).map((event) => event.type)).toEqual(expect.arrayContaining(['bounce.received', 'address.suppressed']));
    });

    it('records a delayed DSN without suppressing', async () => {
      const requester = 'slow.mailbox@firma.example';
      const { number, reply } = await openTicket(requester, 'Laptop battery', 'The laptop battery does not charge past 40 percent.');
      const uid = await harness.deliver(fixture('dsn-delayed.en.eml', { RECIPIENT: requester, TAG: `[#${number}]`, ORIGINAL_ID: idOf(reply.messageId) }));
      const raw = await harness.processed(uid);

      expect(raw.result?.ticketNumber).toBe(number);
      expect(raw.result?.reason).toMatch(/no permanent failure/);
      expect(await SuppressionModel.findById(requester).lean()).toBeNull();
      expect((await eventsOf(number)).map((event) => event.type)).not.toContain('address.suppressed');
    });

    it('ignores a forged DSN naming only the tag', async () => {
      const requester = 'target.user@firma.example';
      const { number } = await openTicket(requester, 'Monitor flickers', 'My second monitor flickers every few seconds.');
      const uid = await harness.deliver(fixture('dsn-failed.en.eml', { RECIPIENT: requester, TAG: `[#${number}]`, ORIGINAL_ID: 'made.up.id@attacker.example' }));
      const raw = await harness.processed(uid);

      expect(raw.result?.action).toBe('automatic');
      expect(raw.result?.ticketNumber).toBe(number);
      expect(await SuppressionModel.findById(requester).lean()).toBeNull();
    });
  });

  describe('loops with robots', () => {
    /** Delivers `count` auto-replies of a robot in a row, each one `Re:` longer, and waits until all are processed. */
    async function runLoop(name: string, count: number, prefix: string) {
      const uids: number[] = [];
      for (let i = 0; i < count; i += 1) {
        uids.push(await harness.deliver(fixture(name, { PREFIXES: prefix.repeat(i) })));
        await sleep(150);
      }
      return Promise.all(uids.map((uid) => harness.processed(uid, 40_000)));
    }

    it('flags a no-reply@ loop and never answers it', async () => {
      const sender = 'no-reply@kadry.firma.example';
      const tripsBefore = await counterValue('linia_loop_breaker_trips_total', { kind: 'automatic' });
      const results = await runLoop('noreply-loop.pl.eml', 7, 'Re:_');

      expect(results.map((raw) => raw.result?.action)).toEqual(Array(7).fill('automatic'));
      await sleep(QUIET_MS);
      expect((await sinkMailTo(harness, sender)).length).toBeLessThanOrEqual(1);
      expect(await TicketModel.countDocuments({ 'requester.address': sender })).toBeLessThanOrEqual(2);
      expect(await counterValue('linia_loop_breaker_trips_total', { kind: 'automatic' })).toBe(tripsBefore + 1);
      expect(logLines.some((line) => line.sender === sender && line.level === 40 && /loop breaker/.test(String(line.msg)))).toBe(true);
    }, 60_000);

    it('holds a headerless robot after two tickets', async () => {
      const sender = 'helpdesk@vendor.example';
      const tripsBefore = await counterValue('linia_loop_breaker_trips_total', { kind: 'person' });
      const results = await runLoop('robot-loop.en.eml', 7, 'Re: ');

      const tickets = await TicketModel.find({ 'requester.address': sender }).sort({ number: 1 }).lean();
      expect(tickets).toHaveLength(2);
      const held = results.filter((raw) => /loop breaker/.test(raw.result?.reason ?? ''));
      expect(held).toHaveLength(5);
      expect(held.every((raw) => raw.result?.action === 'automatic' && raw.result.ticketNumber !== null)).toBe(true);
      await sleep(QUIET_MS);
      expect(await sinkMailTo(harness, sender)).toHaveLength(1);

      const loopEvents = await TicketEventModel.find({ type: 'loop.detected', ticketId: { $in: tickets.map((ticket) => ticket._id) } }).lean();
      expect(loopEvents).toHaveLength(1);
      expect(await counterValue('linia_loop_breaker_trips_total', { kind: 'person' })).toBe(tripsBefore + 1);
      expect(logLines.some((line) => line.sender === sender && line.level === 40 && /loop breaker/.test(String(line.msg)))).toBe(true);
    }, 60_000);
  });

  describe("Linia's own mail", () => {
    it.each([
      ['own-address.pl.eml', {}, 'own_address', /own address support@linia\.test/],
      ['own-loop-header.en.eml', {}, 'own_loop_header', /X-Loop: support@linia\.test/],
      ['own-message-id.pl.eml', { OWN_ID: outboundMessageId('first-reply:x', 1, 'test.linia.test') }, 'own_message_id', /generated by Linia/],
    ] as const)('drops %s before ticket logic', async (name, values, reason, detail) => {
      const droppedBefore = await counterValue('linia_inbound_dropped_total', { reason });
      const ticketsBefore = await TicketModel.countDocuments();
      const uid = await harness.deliver(fixture(name, values));
      const raw = await harness.processed(uid);

      expect(raw.result?.action).toBe('automatic');
      expect(raw.result?.ticketNumber).toBeNull();
      expect(raw.result?.reason).toMatch(detail);
      expect(await counterValue('linia_inbound_dropped_total', { reason })).toBe(droppedBefore + 1);
      expect(logLines.some((line) => line.reason === reason && line.msg === 'own message dropped before ticket logic')).toBe(true);
      expect(await TicketModel.countDocuments()).toBe(ticketsBefore);
      expect(await MessageModel.findOne({ direction: 'in', sourceKey: { $regex: `:${uid}$` } }).lean()).toMatchObject({ outcome: 'dropped', ticketId: null });
    });
  });
});

describe('loop-prone configuration', () => {
  function problemsOf(run: () => unknown): string[] {
    try {
      run();
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
    return [];
  }

  it.each([
    ['an escalation group', 'lines:\n  L2:\n    email: [Support@Linia.test]\n', /lines\.L2\.email: Support@Linia\.test is Linia's own mailbox/],
    ['a sub-address', 'lines:\n  L3:\n    email: [support+l3@linia.test]\n', /lines\.L3\.email: support\+l3@linia\.test is Linia's own mailbox/],
  ])('rejects %s equal to the mailbox', (_what, yaml, expected) => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'linia-loop-policy-')), 'policy.yml');
    writeFileSync(file, yaml);
    const problems = problemsOf(() => loadConfig({ LINIA_POLICY_FILE: file, MAIL_FROM: 'IT <support@linia.test>' }));
    expect(problems.some((problem) => expected.test(problem))).toBe(true);
  });

  describe('when the watched folder is special-use', () => {
    let client: ImapFlow;
    const created: string[] = [];

    beforeAll(async () => {
      const { imap } = testServers();
      client = new ImapFlow({ host: imap.host, port: imap.port, secure: false, doSTARTTLS: false, auth: { user: imap.user, pass: imap.password }, logger: false });
      await client.connect();
      const existing = new Set((await client.list()).map((folder) => folder.path));
      for (const name of ['Sent', 'Drafts']) {
        if (!existing.has(name)) {
          await client.mailboxCreate(name);
          created.push(name);
        }
      }
    });

    afterAll(async () => {
      for (const name of created) {
        await client.mailboxDelete(name).catch(() => undefined);
      }
      await client?.logout();
    });

    it.each(['Sent', 'Drafts'])('rejects %s as IMAP_MAILBOX', async (name) => {
      await expect(assertWatchableMailbox(client, name)).rejects.toThrow(new RegExp(`IMAP_MAILBOX: "${name}" is the \\\\${name} special-use folder`));
    });

    it('accepts INBOX and an ordinary folder', async () => {
      const folder = uniqueName('Watch');
      await client.mailboxCreate(folder);
      try {
        await expect(assertWatchableMailbox(client, 'INBOX')).resolves.toBeUndefined();
        await expect(assertWatchableMailbox(client, folder)).resolves.toBeUndefined();
      } finally {
        await client.mailboxDelete(folder);
      }
    });
  });
});
