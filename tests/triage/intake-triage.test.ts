/**
 * Triage of tickets opened by e-mail, through the whole pipeline (Dovecot, FerretDB,
 * Redis): the priority, the category and the deciding rule land on the ticket and its timeline.
 */
import { policySchema } from '../../src/config/policy.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { buildMail } from '../support/mail-builder.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline-harness.js';

describe('triage at e-mail intake', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipeline({ workers: ['inbound-mail', 'imap-watcher'] });
    const { triage, ladder } = policySchema.parse({
      triage: {
        rules: [
          { name: 'phishing', keywords: ['phishing', 'podejrzany link'], priority: 'P1', category: 'security' },
          { name: 'awaria', keywords: ['awari*', 'nie działa nikomu', 'outage'], priority: 'P1' },
          { name: 'siec', keywords: ['vpn', 'wifi'], category: 'network' },
        ],
      },
      ladder: { P1: { toL2: '15m' } },
    });
    harness.config.policy.triage = triage;
    harness.config.policy.ladder = ladder;
  }, 60_000);

  afterAll(async () => {
    await harness?.close();
  });

  async function ticketFor(from: string, subject: string, body: string) {
    const uid = await harness.deliver(buildMail({ from, subject, body }));
    const raw = await harness.processed(uid);
    const ticket = await TicketModel.findOne({ number: raw.result!.ticketNumber! }).lean();
    const triaged = await TicketEventModel.findOne({ ticketId: ticket!._id, type: 'ticket.triaged' }).lean();
    return { ticket: ticket!, triaged: triaged! };
  }

  it('marks a Polish outage P1 by rule awaria', async () => {
    const { ticket, triaged } = await ticketFor('ola@firma.example', 'Awaria VPN', 'VPN nie działa nikomu w oddziale.');
    expect(ticket.priority).toBe('P1');
    expect(ticket.category).toBe('network');
    expect(ticket.triage).toEqual({ rule: 'awaria', categoryRule: 'siec' });
    expect(triaged).toMatchObject({ priority: 'P1', category: 'network', rule: 'awaria' });
    expect(triaged.detail).toBe('priority P1 (rule awaria); category network (rule siec)');
    // P1 goes to L2 after 15 minutes, counted from the ticket's creation.
    const createdAt = (ticket as { createdAt?: Date }).createdAt!.getTime();
    expect(ticket.due?.l2At?.getTime()).toBe(createdAt + 15 * 60_000);
  }, 40_000);

  it('marks English phishing P1 security', async () => {
    const { ticket, triaged } = await ticketFor('tom@firma.example', 'Phishing?', 'I got a mail asking for my password. Is this phishing?');
    expect(ticket.priority).toBe('P1');
    expect(ticket.category).toBe('security');
    expect(triaged.rule).toBe('phishing');
  }, 40_000);

  it('keeps the defaults when no rule matches', async () => {
    const { ticket, triaged } = await ticketFor('eva@firma.example', 'Office chair', 'My chair squeaks.');
    expect(ticket.priority).toBe('P3');
    expect(ticket.category).toBeNull();
    expect(ticket.triage).toEqual({ rule: null, categoryRule: null });
    expect(triaged.detail).toBe('priority P3 (default); category none (default)');
  }, 40_000);
});
