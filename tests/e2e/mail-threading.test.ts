/**
 * Threading, end to end against the real local servers: one conversation, one
 * ticket. Each case delivers a crafted message from tests/fixtures/mail/threading.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { normalizeSubject, replySubject } from '../../src/inbound/subject.js';
import { MessageModel } from '../../src/store/message.model.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { buildMail, newMessageId } from '../support/mail-builder.js';
import { eventually, startPipeline, type PipelineHarness } from '../support/pipeline-harness.js';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'mail', 'threading');

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

async function waitForMailTo(harness: PipelineHarness, address: string, count: number): Promise<ParsedMail[]> {
  return eventually(async () => {
    const raw = harness.smtp.messages().filter((message) => message.envelope.to.includes(address));
    return raw.length >= count ? Promise.all(raw.map((message) => simpleParser(message.raw))) : undefined;
  }, 20_000, `${count} messages to ${address}`);
}

describe('subject prefixes', () => {
  it.each([
    ['Re: Drukarka', 'Drukarka'],
    ['RE[2]: Drukarka', 'Drukarka'],
    ['Fwd: FW: Drukarka', 'Drukarka'],
    ['ODP: Odp: PD: Drukarka', 'Drukarka'],
    ['AW: WG: Drucker', 'Drucker'],
    ['SV: VS: Skrivare', 'Skrivare'],
    ['Re:Re: Printer', 'Printer'],
    ['Re: [#12] RE[3]: Fwd: Odp: [#12] Printer', 'Printer'],
    ['re : fw: aw: Printer', 'Printer'],
  ])('normalizes %s', (subject, expected) => {
    expect(normalizeSubject(subject)).toBe(expected);
  });

  it.each([
    ['Re: Re: [#12] Fwd: [#12] Drukarka', 'Re: [#12] Drukarka'],
    ['ODP: RE[2]: [#12] Re:Re: Konto zablokowane', 'Re: [#12] Konto zablokowane'],
    ['[#7] jeszcze jedno', 'Re: [#12] jeszcze jedno'],
    ['', 'Re: [#12]'],
  ])('writes one Re: and one tag for %j', (subject, expected) => {
    expect(replySubject(subject, 12)).toBe(expected);
  });
});

describe('mail threading', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipeline();
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

  async function deliverAndProcess(raw: string) {
    return harness.processed(await harness.deliver(raw));
  }

  describe('when a CC’d colleague replies to all', () => {
    it('appends and adds a participant', async () => {
      const requester = 'anna.nowak@firma.example';
      const colleague = 'piotr.kowalczyk@firma.example';
      const { number, requestId } = await openTicket(requester, 'Drukarka na drugim piętrze', 'Drukarka na drugim piętrze zacina papier.');
      const raw = await deliverAndProcess(fixture('reply-all-cc.pl.eml', { FROM: colleague, CC: requester, IN_REPLY_TO: requestId }));

      expect(raw.result?.action).toBe('attached');
      expect(raw.result?.ticketNumber).toBe(number);
      const ticket = await TicketModel.findOne({ number }).lean();
      expect(ticket?.participants).toContain(colleague);
      const events = await TicketEventModel.find({ ticketNumber: number, type: 'message.received' }).lean();
      expect(events.map((event) => event.from)).toContain(colleague);

      // The participant may now write with the tag alone.
      const tagged = await deliverAndProcess(fixture('tag-only-reply.en.eml', { FROM: colleague, SUBJECT: `Re: [#${number}] Drukarka` }));
      expect(tagged.result?.action).toBe('attached');
      expect(tagged.result?.ticketNumber).toBe(number);
    });
  });

  describe('when only the subject tag links a reply', () => {
    it('appends for the requester, opens a ticket for a stranger', async () => {
      const requester = 'vpn.user@firma.example';
      const { number } = await openTicket(requester, 'VPN drops', 'The VPN drops every ten minutes.');

      const own = await deliverAndProcess(fixture('tag-only-reply.en.eml', { FROM: requester, SUBJECT: `Re: [#${number}] VPN drops` }));
      expect(own.result?.action).toBe('attached');
      expect(own.result?.ticketNumber).toBe(number);

      const stranger = await deliverAndProcess(fixture('tag-only-reply.en.eml', { FROM: 'someone@other.example', SUBJECT: `Re: [#${number}] VPN drops` }));
      expect(stranger.result?.action).not.toBe('attached');
      expect(stranger.result?.ticketNumber).not.toBe(number);
      const ticket = await TicketModel.findOne({ number }).lean();
      expect(ticket?.participants).not.toContain('someone@other.example');
    });

    it('appends a fresh mail with the number typed in', async () => {
      const requester = 'ewa.mazur@firma.example';
      const { number } = await openTicket(requester, 'Drukarka nie drukuje', 'Drukarka w sekretariacie nie drukuje.');

      const typed = await deliverAndProcess(fixture('typed-number.pl.eml', { FROM: requester, TAG: `[#${number}]` }));
      expect(typed.result?.action).toBe('attached');
      expect(typed.result?.ticketNumber).toBe(number);

      const stranger = 'obcy@inna-firma.example';
      const other = await deliverAndProcess(fixture('typed-number.pl.eml', { FROM: stranger, TAG: `[#${number}]` }));
      const otherNumber = other.result!.ticketNumber!;
      expect(otherNumber).not.toBe(number);
      const [reply] = await waitForMailTo(harness, stranger, 1);
      expect(reply.subject).toBe(`Re: [#${otherNumber}] jeszcze jedno pytanie o drukarkę`);
    });
  });

  describe('when the relay rewrites the Message-ID', () => {
    afterEach(() => harness.smtp.rewriteMessageIds(null));

    it('stores the relay’s id and threads by it', async () => {
      harness.smtp.rewriteMessageIds('relay.firma.example');
      const requester = 'konto.user@firma.example';
      const { number, reply } = await openTicket(requester, 'Konto zablokowane', 'Moje konto jest zablokowane po trzech próbach logowania.');
      const relayId = idOf(reply.messageId);
      expect(relayId).toMatch(/^relay\.[0-9A-F]+@relay\.firma\.example$/);

      const outbound = await eventually(async () => {
        const record = await MessageModel.findOne({ direction: 'out', ticketNumber: number, status: 'sent' }).lean();
        return record ?? undefined;
      });
      expect(outbound.serverMessageIds).toEqual([relayId]);
      expect(outbound.messageId).not.toBe(relayId);

      const byId = await deliverAndProcess(fixture('reply-to-relay-id.pl.eml', { FROM: requester, TAG: `[#${number}]`, IN_REPLY_TO: relayId }));
      expect(byId.result?.action).toBe('attached');
      expect(byId.result?.ticketNumber).toBe(number);
      expect(byId.result?.reason).toMatch(/in-reply-to/);

      const byTag = await deliverAndProcess(fixture('reply-to-relay-id.pl.eml', { FROM: requester, TAG: `[#${number}]`, IN_REPLY_TO: 'lost.id@relay.firma.example' }));
      expect(byTag.result?.ticketNumber).toBe(number);
      expect(byTag.result?.reason).toMatch(/subject-tag/);
    });
  });

  describe('when a reply references an inbound message', () => {
    it('threads by In-Reply-To and by References', async () => {
      const requester = 'laptop.user@firma.example';
      const { number, requestId } = await openTicket(requester, 'Laptop does not charge', 'My laptop stopped charging this morning.');

      const followUpId = newMessageId();
      const followUp = await deliverAndProcess(
        fixture('reply-to-inbound.en.eml', { FROM: requester, MESSAGE_ID: followUpId, IN_REPLY_TO: requestId, REFERENCES: `<${requestId}>` }),
      );
      expect(followUp.result?.ticketNumber).toBe(number);
      expect(followUp.result?.reason).toMatch(/in-reply-to/);

      const viaReferences = await deliverAndProcess(
        fixture('reply-to-inbound.en.eml', { FROM: 'helper@firma.example', IN_REPLY_TO: 'unknown@elsewhere.example', REFERENCES: `<unknown@elsewhere.example> <${followUpId}>` }),
      );
      expect(viaReferences.result?.action).toBe('attached');
      expect(viaReferences.result?.ticketNumber).toBe(number);
      expect(viaReferences.result?.reason).toMatch(/references/);
      expect((await TicketModel.findOne({ number }).lean())?.participants).toContain('helper@firma.example');
    });
  });
});
