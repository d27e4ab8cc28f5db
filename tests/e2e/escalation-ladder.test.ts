import { simpleParser } from 'mailparser';
import { EscalationModel } from '../../src/store/escalation.model.js';
import { getLogger } from '../../src/logging/logger.js';
import { escalationJobId } from '../../src/queues/job-ids.js';
import { deleteQueueKeys } from '../../src/queues/queues.js';
import { RawMessageModel } from '../../src/store/raw-message.model.js';
import { processInboundMail } from '../../src/tickets/email-intake.js';
import { createKbAnswerer } from '../../src/triage/kb-answerer.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { buildMail } from '../support/mail-builder.js';
import { eventually, L2_CHANNEL, L3_CHANNEL, startPipeline, type PipelineHarness } from '../support/pipeline-harness.js';

describe('escalation ladder', () => {
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipeline({ toL2After: 2_000, toL3After: 2_000 });
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('escalates an unresolved ticket L1 → L2 → L3 on its timers', async () => {
    const uid = await harness.deliver(
      buildMail({ from: 'ladder@firma.example', subject: 'Server room alarm', body: 'The alarm in the server room is beeping and nobody knows why.' }),
    );
    const raw = await harness.processed(uid);
    const number = raw.result!.ticketNumber!;

    const l2Post = await harness.slack.waitForCall('chat.postMessage', (call) => call.params.channel === L2_CHANNEL, 15_000);
    expect(String(l2Post.params.text)).toContain(`[#${number}]`);
    const afterL2 = await TicketModel.findOne({ number }).lean();
    expect(afterL2?.line).not.toBe('L1');

    const l3Post = await harness.slack.waitForCall('chat.postMessage', (call) => call.params.channel === L3_CHANNEL, 15_000);
    expect(String(l3Post.params.text)).toContain(`[#${number}]`);
    expect(l3Post.receivedAt.getTime()).toBeGreaterThanOrEqual(l2Post.receivedAt.getTime() + 1_500);

    const ticket = await TicketModel.findOne({ number }).lean();
    expect(ticket?.line).toBe('L3');
    expect(ticket?.status).toBe('escalated');
    const events = await TicketEventModel.find({ ticketId: ticket?._id, type: 'ticket.escalated' }).sort({ at: 1 }).lean();
    const lines = events.map((event) => event.line);
    expect(lines).toEqual(['L2', 'L3']);

    const groupMail = await eventually(async () => {
      const parsed = await Promise.all(harness.smtp.messages().map((message) => simpleParser(message.raw)));
      const found = parsed.filter((mail) => mail.subject?.includes(`[#${number}]`) && /L[23]/.test(mail.subject ?? '') && mail.headers.get('auto-submitted') === 'auto-generated');
      return found.length >= 2 ? found : undefined;
    });
    expect(groupMail.map((mail) => (Array.isArray(mail.to) ? '' : mail.to?.text)).sort()).toEqual([
      'l2-agents@linia.test',
      'l3-specialists@linia.test',
    ]);
    expect(await EscalationModel.countDocuments({ ticketNumber: number })).toBe(2);
  });

  it('does not escalate a ticket the requester resolved', async () => {
    const first = await harness.deliver(
      buildMail({ from: 'fixed@firma.example', subject: 'Wi-Fi drops in room 3', body: 'The wifi keeps dropping in meeting room 3.' }),
    );
    const raw = await harness.processed(first);
    const number = raw.result!.ticketNumber!;
    const reply = await harness.deliver(
      buildMail({ from: 'fixed@firma.example', subject: `Re: [#${number}] Wi-Fi drops in room 3`, body: 'Problem solved, thank you!' }),
    );
    await harness.processed(reply);
    expect((await TicketModel.findOne({ number }).lean())?.status).toBe('resolved');

    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const posts = harness.slack.calls('chat.postMessage').filter((call) => String(call.params.text).includes(`[#${number}]`));
    expect(posts).toHaveLength(0);
    expect((await TicketModel.findOne({ number }).lean())?.line).toBe('L1');
  });

  it('runs a duplicated escalation job once', async () => {
    const uid = await harness.deliver(
      buildMail({ from: 'double@firma.example', subject: 'Shared drive is read-only', body: 'The shared drive became read-only for the whole team.' }),
    );
    const raw = await harness.processed(uid);
    const number = raw.result!.ticketNumber!;
    const ticket = await TicketModel.findOne({ number }).lean();
    await harness.slack.waitForCall('chat.postMessage', (call) => String(call.params.text).includes(`[#${number}]`) && call.params.channel === L2_CHANNEL, 15_000);

    // The same job again, as stalled-job recovery or a restart would run it.
    await harness.runtime.queues.escalation.add('escalate', { ticketId: ticket!._id.toHexString(), line: 'L2', planVersion: ticket!.planVersion }, { jobId: `again-${number}` });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const l2Posts = harness.slack
      .calls('chat.postMessage')
      .filter((call) => String(call.params.text).includes(`[#${number}]`) && call.params.channel === L2_CHANNEL);
    expect(l2Posts).toHaveLength(1);
  });

  it('still escalates after Redis lost the queued timer', async () => {
    const uid = await harness.deliver(
      buildMail({ from: 'lost@firma.example', subject: 'Badge reader broken', body: 'The badge reader at the main door rejects every card.' }),
    );
    const raw = await harness.processed(uid);
    const number = raw.result!.ticketNumber!;

    // Redis loses its data while the workers are down: the delayed L2 job is gone.
    await harness.stopWorkers();
    await deleteQueueKeys(harness.runtime.queues);
    expect(await harness.runtime.queues.escalation.getDelayedCount()).toBe(0);
    await harness.startWorkers();

    const post = await harness.slack.waitForCall(
      'chat.postMessage',
      (call) => call.params.channel === L2_CHANNEL && String(call.params.text).includes(`[#${number}]`),
      15_000,
    );
    expect(post).toBeDefined();
  });

  it('re-plans the ladder when a resolved ticket is reopened', async () => {
    const first = await harness.deliver(
      buildMail({ from: 'reopen@firma.example', subject: 'Docking station dead', body: 'My docking station shows no picture.' }),
    );
    const number = (await harness.processed(first)).result!.ticketNumber!;
    const solved = await harness.deliver(
      buildMail({ from: 'reopen@firma.example', subject: `Re: [#${number}] Docking station dead`, body: 'Solved, thanks.' }),
    );
    await harness.processed(solved);
    const resolved = await TicketModel.findOne({ number }).lean();
    expect(resolved?.status).toBe('resolved');

    const again = await harness.deliver(
      buildMail({ from: 'reopen@firma.example', subject: `Re: [#${number}] Docking station dead`, body: 'It stopped working again today.' }),
    );
    const raw = await harness.processed(again);
    expect(raw.result?.reason).toMatch(/reopened/);
    const reopened = await TicketModel.findOne({ number }).lean();
    expect(reopened?.status).toBe('new');
    expect(reopened?.planVersion).toBe(resolved!.planVersion + 1);

    // The same mail again, as after a crash between the reopen and its re-plan: the timer comes back.
    const jobId = escalationJobId(reopened!._id.toHexString(), 'L2', reopened!.planVersion);
    await harness.runtime.queues.escalation.remove(jobId);
    await RawMessageModel.updateOne({ _id: raw._id }, { $set: { status: 'pending', 'result.action': null } });
    const retried = await processInboundMail(raw._id.toHexString(), {
      config: harness.config,
      queues: harness.runtime.queues,
      answerer: createKbAnswerer(harness.config),
      log: getLogger('test'),
    });
    expect(retried.reason).toMatch(/reopened/);
    expect(await harness.runtime.queues.escalation.getJob(jobId)).toBeDefined();

    const post = await harness.slack.waitForCall(
      'chat.postMessage',
      (call) => call.params.channel === L2_CHANNEL && String(call.params.text).includes(`[#${number}]`),
      15_000,
    );
    expect(post).toBeDefined();
  });
});

