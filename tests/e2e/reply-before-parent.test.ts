import { RawMessageModel } from '../../src/store/raw-message.model';
import { TicketModel } from '../../src/store/ticket.model';
import { ParentInProgressError, processInboundMail } from '../../src/tickets/email-intake';
import { getLogger } from '../../src/logging/logger';
import { createKbAnswerer } from '../../src/triage/kb-answerer';
import { buildMail, newMessageId } from '../support/mail-builder';
import { eventually, startPipeline, type PipelineHarness } from '../support/pipeline-harness';

jest.setTimeout(60_000);

describe('a reply processed before the message it answers', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipeline({ workers: ['imap-watcher'] });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('waits for its parent and then joins the parent’s ticket', async () => {
    const parentId = newMessageId();
    await harness.deliver(buildMail({ from: 'Ewa Nowak <ewa.nowak@example.test>', subject: 'Monitor miga', body: 'Monitor miga od rana.', messageId: parentId }));
    await harness.deliver(
      buildMail({ from: 'Ewa Nowak <ewa.nowak@example.test>', subject: 'Re: Monitor miga', body: 'Dodam, że to drugi monitor.', inReplyTo: parentId, references: [parentId] }),
    );
    const [parent, reply] = await eventually(async () => {
      const stored = await RawMessageModel.find({}).sort({ uid: 1 }).lean();
      return stored.length === 2 ? stored : undefined;
    });
    const deps = { config: harness.config, queues: harness.runtime.queues, answerer: createKbAnswerer(harness.config), log: getLogger('test') };

    await expect(processInboundMail(reply!._id.toHexString(), deps)).rejects.toBeInstanceOf(ParentInProgressError);
    expect(await TicketModel.countDocuments()).toBe(0);

    const parentResult = await processInboundMail(parent!._id.toHexString(), deps);
    const replyResult = await processInboundMail(reply!._id.toHexString(), deps);
    expect(parentResult.action).not.toBe('attached');
    expect(replyResult.action).toBe('attached');
    expect(replyResult.ticketNumber).toBe(parentResult.ticketNumber);
    expect(await TicketModel.countDocuments()).toBe(1);
  });
});
