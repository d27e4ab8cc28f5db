import { simpleParser, type ParsedMail } from 'mailparser';
import { MessageModel } from '../../src/store/message.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { MailboxStateModel } from '../../src/store/mailbox-state.model.js';
import { buildMail, newMessageId } from '../support/mail-builder.js';
import { eventually, startPipeline, SUPPORT_ADDRESS, type PipelineHarness } from '../support/pipeline-harness.js';

async function repliesTo(harness: PipelineHarness, address: string): Promise<ParsedMail[]> {
  const parsed = await Promise.all(harness.smtp.messages().map((message) => simpleParser(message.raw)));
  return parsed.filter((mail) => mail.to && !Array.isArray(mail.to) && mail.to.value.some((entry) => entry.address === address));
}

async function waitForReplies(harness: PipelineHarness, address: string, count: number): Promise<ParsedMail[]> {
  return eventually(async () => {
    const replies = await repliesTo(harness, address);
    return replies.length >= count ? replies : undefined;
  }, 20_000, `${count} replies to ${address}`);
}

describe('e-mail pipeline', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipeline();
  });

  afterAll(async () => {
    await harness?.close();
  });

  describe('when a new request arrives', () => {
    it('creates a ticket and answers from the knowledge base', async () => {
      const messageId = newMessageId();
      const uid = await harness.deliver(
        buildMail({
          from: 'Anna Nowak <anna.nowak@firma.example>',
          subject: 'Nie pamiętam hasła do komputera',
          body: 'Dzień dobry, zapomniałam hasła i nie mogę się zalogować do laptopa. Jak zresetować hasło?',
          messageId,
        }),
      );
      const raw = await harness.processed(uid);
      expect(raw.result?.action).toBe('auto-replied');
      expect(raw.result?.articleId).toMatch(/^pl\//);

      const [reply] = await waitForReplies(harness, 'anna.nowak@firma.example', 1);
      expect(reply.inReplyTo).toBe(`<${messageId}>`);
      expect(reply.subject).toBe(`Re: [#${raw.result?.ticketNumber}] Nie pamiętam hasła do komputera`);
      expect(reply.headers.get('auto-submitted')).toBe('auto-replied');
      expect(reply.text).toContain('rozwiązane');

      const ticket = await TicketModel.findOne({ number: raw.result?.ticketNumber }).lean();
      expect(ticket?.language).toBe('pl');
      expect(ticket?.status).toBe('waiting_for_requester');
      expect(ticket?.requester?.address).toBe('anna.nowak@firma.example');
    });

    it('acknowledges a request the knowledge base cannot answer', async () => {
      const uid = await harness.deliver(
        buildMail({
          from: 'Tom Baker <tom.baker@firma.example>',
          subject: 'New office chair',
          body: 'Hi, my office chair broke yesterday. Could facilities order a new one for desk 14?',
        }),
      );
      const raw = await harness.processed(uid);
      expect(raw.result?.action).toBe('acknowledged');
      const [reply] = await waitForReplies(harness, 'tom.baker@firma.example', 1);
      expect(reply.subject).toBe(`Re: [#${raw.result?.ticketNumber}] New office chair`);
      expect(reply.text).toContain(`[#${raw.result?.ticketNumber}]`);
    });
  });

  describe('when the requester replies to the auto-reply', () => {
    async function openTicket(address: string): Promise<{ number: number; reply: ParsedMail; requestId: string }> {
      const requestId = newMessageId();
      const uid = await harness.deliver(
        buildMail({ from: address, subject: 'VPN does not connect', body: 'The VPN client fails to connect from home since this morning.', messageId: requestId }),
      );
      const raw = await harness.processed(uid);
      const [reply] = await waitForReplies(harness, address, 1);
      return { number: raw.result!.ticketNumber!, reply, requestId };
    }

    it('threads by In-Reply-To', async () => {
      const { number, reply } = await openTicket('irt.user@firma.example');
      const replyId = reply.messageId!.replace(/^<|>$/g, '');
      const uid = await harness.deliver(
        buildMail({ from: 'irt.user@firma.example', subject: 'Re: something else', body: 'Still failing after a restart.', inReplyTo: replyId }),
      );
      const raw = await harness.processed(uid);
      expect(raw.result?.action).toBe('attached');
      expect(raw.result?.ticketNumber).toBe(number);
    });

    it('threads by References when In-Reply-To is unknown', async () => {
      const { number, reply, requestId } = await openTicket('refs.user@firma.example');
      const replyId = reply.messageId!.replace(/^<|>$/g, '');
      const uid = await harness.deliver(
        buildMail({
          from: 'refs.user@firma.example',
          subject: 'more details',
          body: 'Here is the error code: 809.',
          inReplyTo: 'unknown.message@elsewhere.example',
          references: [requestId, replyId],
        }),
      );
      const raw = await harness.processed(uid);
      expect(raw.result?.action).toBe('attached');
      expect(raw.result?.ticketNumber).toBe(number);
    });

    it('threads by the subject tag only for the requester', async () => {
      const { number } = await openTicket('tag.user@firma.example');
      const fromRequester = await harness.deliver(
        buildMail({ from: 'tag.user@firma.example', subject: `Re: [#${number}] VPN does not connect`, body: 'It works from the office.' }),
      );
      const attached = await harness.processed(fromRequester);
      expect(attached.result?.action).toBe('attached');
      expect(attached.result?.ticketNumber).toBe(number);

      const fromStranger = await harness.deliver(
        buildMail({ from: 'stranger@other.example', subject: `Re: [#${number}] VPN does not connect`, body: 'Same VPN problem here.' }),
      );
      const separate = await harness.processed(fromStranger);
      expect(separate.result?.action).not.toBe('attached');
      expect(separate.result?.ticketNumber).not.toBe(number);
    });

    it('resolves the ticket when the reply says it is solved', async () => {
      const { number, reply } = await openTicket('solved.user@firma.example');
      const uid = await harness.deliver(
        buildMail({
          from: 'solved.user@firma.example',
          subject: `Re: [#${number}] VPN does not connect`,
          body: 'Thanks, that fixed it, it works now.',
          inReplyTo: reply.messageId!.replace(/^<|>$/g, ''),
        }),
      );
      await harness.processed(uid);
      const ticket = await TicketModel.findOne({ number }).lean();
      expect(ticket?.status).toBe('resolved');
      const events = await TicketEventModel.find({ ticketId: ticket?._id }).lean();
      expect(events.some((event) => event.type === 'status.changed' && event.status === 'resolved')).toBe(true);
    });
  });

  describe('when the same message arrives twice', () => {
    it('keeps one ticket and one reply for two deliveries', async () => {
      const mail = buildMail({ from: 'twice@firma.example', subject: 'Printer jam on floor 2', body: 'The printer on floor 2 shows a paper jam.' });
      const first = await harness.deliver(mail);
      const second = await harness.deliver(mail);
      const a = await harness.processed(first);
      const b = await harness.processed(second);
      expect(b.result?.ticketNumber).toBe(a.result?.ticketNumber);
      expect(b.result?.reason).toMatch(/duplicate/);
      await waitForReplies(harness, 'twice@firma.example', 1);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await repliesTo(harness, 'twice@firma.example')).toHaveLength(1);
      expect(await TicketModel.countDocuments({ 'requester.address': 'twice@firma.example' })).toBe(1);
    });

    it('keeps one ticket and one reply when re-fetched after a restart', async () => {
      const uid = await harness.deliver(
        buildMail({ from: 'refetch@firma.example', subject: 'Outlook keeps asking for my password', body: 'Outlook asks for the password every few minutes.' }),
      );
      const processed = await harness.processed(uid);
      await waitForReplies(harness, 'refetch@firma.example', 1);

      // A crash before the checkpoint moved: the restarted watcher reads the message again.
      await harness.stopWorkers();
      const watcherKey = `${harness.config.env.IMAP_USER}@${harness.config.env.IMAP_HOST}:${harness.config.env.IMAP_PORT}/${harness.mailbox}`;
      await MailboxStateModel.updateOne({ _id: watcherKey }, { $set: { lastUid: uid - 1 } });
      await harness.startWorkers();
      await eventually(async () => {
        const state = await MailboxStateModel.findById(watcherKey).lean();
        return state && state.lastUid >= uid ? true : undefined;
      });
      await new Promise((resolve) => setTimeout(resolve, 1_500));

      expect(await TicketModel.countDocuments({ 'requester.address': 'refetch@firma.example' })).toBe(1);
      expect(await repliesTo(harness, 'refetch@firma.example')).toHaveLength(1);
      expect(processed.result?.ticketNumber).toBeGreaterThan(0);
    });
  });

  describe('when automatic mail arrives', () => {
    it('records an out-of-office reply without answering it', async () => {
      const uid = await harness.deliver(
        buildMail({
          from: 'away@firma.example',
          subject: 'Automatic reply: on holiday',
          body: 'I am out of the office until Monday.',
          headers: { 'Auto-Submitted': 'auto-replied' },
        }),
      );
      const raw = await harness.processed(uid);
      expect(raw.result?.action).toBe('automatic');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await repliesTo(harness, 'away@firma.example')).toHaveLength(0);
      expect(await MessageModel.countDocuments({ direction: 'out', 'to.address': 'away@firma.example' })).toBe(0);
    });

    it('drops mail sent from its own address', async () => {
      const uid = await harness.deliver(buildMail({ from: SUPPORT_ADDRESS, subject: 'Re: [#1] loop', body: 'This came from ourselves.' }));
      const raw = await harness.processed(uid);
      expect(raw.result?.action).toBe('automatic');
      expect(raw.result?.ticketNumber).toBeNull();
      expect(raw.result?.reason).toMatch(/own address/);
    });
  });
});
