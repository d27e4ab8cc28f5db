/**
 * The SLA ladder against the real local Redis and FerretDB, with a Slack fake and
 * timers of a few seconds on the 24x7 schedule. Each test creates its own tickets
 * in a database and under a queue prefix of its own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { type Types } from 'mongoose';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config/index.js';
import { policySchema } from '../../src/config/policy.js';
import { startSlackFake, DEFAULT_FAKE_TOKEN, type SlackFake } from '../../src/devtools/slack-fake.js';
import { getLogger, setRootLogger } from '../../src/logging/logger.js';
import { escalateTicket } from '../../src/escalation/escalate-ticket.js';
import { escalationJobId } from '../../src/queues/job-ids.js';
import { deleteQueueKeys } from '../../src/queues/queues.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { onTicketActivity } from '../../src/sla/activity.js';
import { ESCALATION_JOB_NAMES, reminderJobId } from '../../src/sla/ladder-jobs.js';
import { handleSlaNotice } from '../../src/sla/ladder-handlers.js';
import { sweepOverdue } from '../../src/sla/sweeper.js';
import { resetStore } from '../../src/store/connection.js';
import { MessageModel } from '../../src/store/message.model.js';
import { TicketEventModel, type TicketEventRecord } from '../../src/store/ticket-event.model.js';
import { TicketModel, type Ticket, type TicketEventType } from '../../src/store/ticket.model.js';
import { appendEvent, findOrCreateTicket, transitionStatus } from '../../src/tickets/ticket-repository.js';
import { changeTicketField } from '../../src/triage/change-ticket.js';
import { triageAndPlan } from '../../src/triage/triage-ticket.js';
import { startEscalationWorker } from '../../workers/escalation.worker.js';
import type { WorkerHandle } from '../../workers/worker-handle.js';
import { requireServers, uniqueName } from '../support/servers.js';

const L1_CHANNEL = 'C0LADDERL1';
const L2_CHANNEL = 'C0LADDERL2';
const L3_CHANNEL = 'C0LADDERL3';
const L1_LEAD = 'U0LEADL1';
const L2_LEAD = 'U0LEADL2';

const POLICY = {
  triage: {
    rules: [
      { name: 'outage', keywords: ['awaria', 'outage'], priority: 'P1' },
      { name: 'pilne', keywords: ['pilne', 'urgent'], priority: 'P2' },
    ],
  },
  ladder: {
    default: { schedule: '24x7', toL2: '1h', toL3: '1h' },
    P1: { response: '1s', toL2: '3s', toL3: '3s', remindBefore: ['1500ms'] },
    P2: { response: '2s', toL2: '2s' },
  },
  lines: {
    L1: { slackChannel: L1_CHANNEL, email: [], lead: { slackUser: L1_LEAD, email: ['lead-l1@firma.example'] } },
    L2: { slackChannel: L2_CHANNEL, email: ['l2@firma.example'], lead: { slackUser: L2_LEAD } },
    L3: { slackChannel: L3_CHANNEL, email: ['l3@firma.example'] },
  },
};

describe('SLA ladder', () => {
  let config: Config;
  let runtime: Runtime;
  let slack: SlackFake;
  let worker: WorkerHandle | null = null;
  const log = getLogger('ladder-test');

  beforeAll(async () => {
    setRootLogger(pino({ level: process.env.LINIA_TEST_LOG_LEVEL ?? 'silent' }));
    const servers = await requireServers('mongodb', 'redis');
    slack = await startSlackFake();
    config = loadConfig(
      {
        MONGODB_URI: `${servers.mongoBaseUri}/${uniqueName('ladder')}`,
        REDIS_URL: servers.redisUrl,
        LINIA_QUEUE_PREFIX: uniqueName('ladder'),
        MAIL_FROM: 'Linia <support@linia.test>',
        SLACK_BOT_TOKEN: DEFAULT_FAKE_TOKEN,
        SLACK_API_URL: slack.url,
        LOG_LEVEL: process.env.LINIA_TEST_LOG_LEVEL ?? 'silent',
      },
      ['slack'],
    );
    config.policy = policySchema.parse(POLICY);
    runtime = await openRuntime(config);
    await resetStore();
    worker = await startEscalationWorker(runtime);
  });

  afterAll(async () => {
    await worker?.close();
    await deleteQueueKeys(runtime.queues);
    await mongoose.connection.dropDatabase().catch(() => undefined);
    await runtime?.close();
    await slack?.close();
  });

  const deps = () => ({ config, queues: runtime.queues, log });

  async function openTicket(subject: string, text = ''): Promise<Ticket> {
    const { ticket } = await findOrCreateTicket({
      originKey: `test:${uniqueName('t')}`,
      channel: 'email',
      subject,
      language: 'pl',
      requester: { address: 'jan@firma.example', name: 'Jan' },
    });
    await appendEvent(ticket, { key: 'created', type: 'ticket.created' });
    await triageAndPlan(deps(), ticket, { subject, text, requesterAddress: 'jan@firma.example', channel: 'email' });
    return (await TicketModel.findById(ticket._id).lean<Ticket>())!;
  }

  const reload = async (id: Types.ObjectId) => (await TicketModel.findById(id).lean<Ticket>())!;
  const events = (id: Types.ObjectId, type: TicketEventType) =>
    TicketEventModel.find({ ticketId: id, type }).sort({ at: 1, _id: 1 }).lean<TicketEventRecord[]>();
  const postsAbout = (ticket: Ticket, channel: string) =>
    slack.calls('chat.postMessage').filter((call) => call.params.channel === channel && String(call.params.text).includes(`#${ticket.number}]`));

  async function waitUntil<T>(check: () => Promise<T | undefined | null | false>, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(100);
    }
  }

  it('records the deciding triage rule on the ticket', async () => {
    const ticket = await openTicket('Awaria poczty', 'Nie działa nikomu.');
    expect(ticket.priority).toBe('P1');
    expect(ticket.triage?.rule).toBe('outage');
    const [triaged] = await events(ticket._id, 'ticket.triaged');
    expect(triaged).toMatchObject({ key: 'triaged', priority: 'P1', rule: 'outage' });
    expect(ticket.sla?.schedule).toBe('24x7');
    expect(ticket.due?.l2At).toBeInstanceOf(Date);
  });

  it('climbs L1 → L2 → L3 with reminders and breach notices', async () => {
    const ticket = await openTicket('Outage of the CRM');
    const created = (ticket as { createdAt?: Date }).createdAt!.getTime();

    await waitUntil(async () => (await reload(ticket._id)).line === 'L3' && (await events(ticket._id, 'sla.breached')).length >= 3, 15_000, 'L3');

    const escalations = await events(ticket._id, 'ticket.escalated');
    expect(escalations.map((event) => event.line)).toEqual(['L2', 'L3']);
    expect(escalations[0].at.getTime()).toBeGreaterThanOrEqual(created + 3_000);
    expect(escalations[1].at.getTime()).toBeGreaterThanOrEqual(escalations[0].at.getTime() + 3_000);

    const reminders = await events(ticket._id, 'sla.reminder_sent');
    expect(reminders.map((event) => event.key).sort()).toEqual([`reminder:1:L2:1500`, `reminder:1:L3:1500`].sort());
    const breaches = await events(ticket._id, 'sla.breached');
    expect(breaches.map((event) => `${event.line}:${event.detail}`)).toEqual(['L1:response', 'L1:L2', 'L2:L3']);

    expect(postsAbout(ticket, L1_CHANNEL)).toHaveLength(1);
    expect(postsAbout(ticket, L1_LEAD)).toHaveLength(2);
    expect(postsAbout(ticket, L2_LEAD)).toHaveLength(1);
    await waitUntil(async () => postsAbout(ticket, L3_CHANNEL).length === 1, 5_000, 'L3 post');
    expect(postsAbout(ticket, L2_CHANNEL).length).toBeGreaterThanOrEqual(2);

    const leadMail = await MessageModel.find({ ticketId: ticket._id, direction: 'out', 'to.address': 'lead-l1@firma.example' }).lean();
    expect(leadMail.map((mail) => mail.subject).sort()).toEqual([
      `[#${ticket.number}] SLA breach at L1: escalation to L2`,
      `[#${ticket.number}] SLA breach at L1: first response`,
    ]);
  }, 30_000);

  it('stops the response clock when an agent claims the ticket', async () => {
    const ticket = await openTicket('Pilne: VPN');
    expect(ticket.priority).toBe('P2');
    await appendEvent(ticket, { key: 'claimed:U0AGENT', type: 'ticket.claimed', detail: 'U0AGENT' });
    expect(await onTicketActivity(deps(), ticket._id.toHexString(), 'claimed', { agent: 'U0AGENT' })).toBe('response_met');

    await sleep(2_800);
    const after = await reload(ticket._id);
    expect(after.sla?.claimedBy).toBe('U0AGENT');
    expect(after.sla?.firstResponseAt).toBeInstanceOf(Date);
    const breaches = await events(ticket._id, 'sla.breached');
    expect(breaches.filter((event) => event.detail === 'response')).toHaveLength(0);
    // The claim stops the response clock only; the ladder still moves the ticket on.
    expect(after.line).toBe('L2');
  }, 15_000);

  it('pauses the update timer after an agent reply until the requester writes', async () => {
    const ticket = await openTicket('Pilne: drukarka');
    expect(await onTicketActivity(deps(), ticket._id.toHexString(), 'agent_replied')).toBe('paused');
    const paused = await reload(ticket._id);
    expect(paused.planVersion).toBe(ticket.planVersion + 1);
    expect(paused.due?.l2At).toBeNull();

    await sleep(3_000);
    expect((await reload(ticket._id)).line).toBe('L1');
    expect(await events(ticket._id, 'ticket.escalated')).toHaveLength(0);

    const resumedAt = Date.now();
    expect(await onTicketActivity(deps(), ticket._id.toHexString(), 'requester_replied')).toBe('resumed');
    const resumed = await reload(ticket._id);
    expect(resumed.sla?.pausedMs).toBeGreaterThanOrEqual(2_900);
    // About 2 s of the 2 s budget were left at the pause; the new deadline counts them from the resume.
    expect(resumed.due!.l2At!.getTime()).toBeGreaterThan(resumedAt);
    const [escalated] = await waitUntil(async () => {
      const found = await events(ticket._id, 'ticket.escalated');
      return found.length > 0 && found;
    }, 6_000, 'L2 after resume');
    expect(escalated.at.getTime()).toBeGreaterThanOrEqual(resumed.due!.l2At!.getTime());
  }, 20_000);

  it('pauses the clock while waiting for the requester', async () => {
    const ticket = await openTicket('Urgent: laptop');
    expect(await onTicketActivity(deps(), ticket._id.toHexString(), 'waiting_for_requester')).toBe('paused');
    expect(await onTicketActivity(deps(), ticket._id.toHexString(), 'waiting_for_requester')).toBe('unchanged');
    await sleep(2_800);
    const after = await reload(ticket._id);
    expect(after.line).toBe('L1');
    expect(after.sla?.pausedAt).toBeInstanceOf(Date);
    expect(await sweepOverdue({ ...deps(), slack: runtime.slack }, 0)).toEqual({ escalated: 0, breached: 0 });
  }, 15_000);

  it('re-plans a reopened ticket under a new job id', async () => {
    const ticket = await openTicket('Urgent: docking station');
    const firstJob = escalationJobId(ticket._id.toHexString(), 'L2', ticket.planVersion);
    expect(await runtime.queues.escalation.getJob(firstJob)).toBeDefined();

    await transitionStatus(runtime.queues, ticket._id, { from: ['new'], to: 'resolved', event: { key: 'resolved:test' }, replan: true });
    expect(await onTicketActivity(deps(), ticket._id.toHexString(), 'resolved')).toBe('stopped');
    await sleep(2_500);
    expect((await reload(ticket._id)).line).toBe('L1');

    const reopened = await transitionStatus(runtime.queues, ticket._id, { from: ['resolved'], to: 'new', event: { key: 'reopened:test' }, replan: true });
    const reopenedAt = Date.now();
    expect(await onTicketActivity(deps(), ticket._id.toHexString(), 'reopened')).toBe('replanned');
    const planned = await reload(ticket._id);
    expect(planned.planVersion).toBe(reopened!.planVersion);
    const newJob = escalationJobId(ticket._id.toHexString(), 'L2', planned.planVersion);
    expect(newJob).not.toBe(firstJob);
    expect(await (await runtime.queues.escalation.getJob(newJob))?.getState()).toBe('delayed');
    // The line clock restarts at the reopen, not at the ticket's opening.
    expect(planned.due!.l2At!.getTime()).toBeGreaterThanOrEqual(reopenedAt + 1_900);

    // A second call (a retried intake) queues the same job again, which BullMQ ignores.
    expect(await onTicketActivity(deps(), ticket._id.toHexString(), 'reopened')).toBe('replanned');
    expect((await reload(ticket._id)).planVersion).toBe(planned.planVersion);

    await waitUntil(async () => (await reload(ticket._id)).line === 'L2', 6_000, 'L2 after reopen');
  }, 20_000);

  it('re-plans when an agent raises the priority', async () => {
    const ticket = await openTicket('Monitor flickers');
    expect(ticket.priority).toBe('P3');
    const oldDue = ticket.due!.l2At!.getTime();
    expect(oldDue - Date.now()).toBeGreaterThan(50 * 60_000);

    const change = await changeTicketField(deps(), ticket.number, 'priority', 'P2', 'U0AGENT');
    expect(change).toEqual({ ticketNumber: ticket.number, field: 'priority', from: 'P3', to: 'P2', changed: true });
    const replanned = await reload(ticket._id);
    expect(replanned.planVersion).toBe(ticket.planVersion + 1);
    expect(replanned.due!.l2At!.getTime()).toBeLessThan(oldDue);
    const [event] = await events(ticket._id, 'priority.changed');
    expect(event).toMatchObject({ priority: 'P2', agent: 'U0AGENT', detail: 'P3 → P2' });

    await waitUntil(async () => (await reload(ticket._id)).line === 'L2', 8_000, 'L2 after priority change');
    // The job of the first plan is still waiting; when it fires it finds a newer plan and does nothing.
    const oldJob = await runtime.queues.escalation.getJob(escalationJobId(ticket._id.toHexString(), 'L2', ticket.planVersion));
    expect(await oldJob?.getState()).toBe('delayed');

    expect((await changeTicketField(deps(), ticket.number, 'priority', 'P2')).changed).toBe(false);
  }, 20_000);

  it('escalates at once when an agent asks for the next line', async () => {
    const ticket = await openTicket('Monitor is dead');
    expect(await onTicketActivity(deps(), ticket._id.toHexString(), 'escalated_now')).toBe('escalating');
    await waitUntil(async () => (await events(ticket._id, 'ticket.escalated')).length === 1, 5_000, 'L2 now');
    const after = await reload(ticket._id);
    expect(after.line).toBe('L2');
    expect(after.planVersion).toBe(ticket.planVersion + 1);
    // An agent's decision is no missed deadline, so L1's lead hears nothing.
    expect((await events(ticket._id, 'sla.breached')).filter((event) => event.detail === 'L2')).toHaveLength(0);
    expect(after.due?.l3At).toBeInstanceOf(Date);
  }, 15_000);

  it('defers a late escalation to the next opening', async () => {
    const ticket = await openTicket('Keyboard missing keys');
    await TicketModel.updateOne({ _id: ticket._id }, { $set: { 'sla.schedule': 'default' } });
    // Saturday 5 December 2026, 13:00 in Warsaw: the default schedule opens on Monday at 08:00 (07:00 UTC).
    const saturday = new Date('2026-12-05T12:00:00Z');
    const job = { ticketId: ticket._id.toHexString(), line: 'L2' as const, planVersion: ticket.planVersion };
    const outcome = await escalateTicket(job, { ...deps(), slack: runtime.slack, now: () => saturday });
    expect(outcome).toBe('deferred');

    const deferredId = `${escalationJobId(job.ticketId, 'L2', job.planVersion)}-at${Date.parse('2026-12-07T07:00:00Z')}`;
    expect(await (await runtime.queues.escalation.getJob(deferredId))?.getState()).toBe('delayed');
    expect((await reload(ticket._id)).line).toBe('L1');
    expect(await events(ticket._id, 'ticket.escalated')).toHaveLength(0);

    const notice = { ticketId: job.ticketId, planVersion: job.planVersion, deadline: 'L2' as const, offsetMs: 60_000 };
    expect(await handleSlaNotice(notice, { ...deps(), slack: runtime.slack, now: () => saturday })).toBe('deferred');
    expect(await events(ticket._id, 'sla.reminder_sent')).toHaveLength(0);
  });

  it('sends one notice for two copies of a reminder job', async () => {
    const ticket = await openTicket('Pilne: konto', '');
    // P2 has no reminders in the policy, so the copies below are the only reminder jobs of this ticket.
    const data = { ticketId: ticket._id.toHexString(), planVersion: ticket.planVersion, deadline: 'L2' as const, offsetMs: 1_000 };
    await Promise.all([
      runtime.queues.escalation.add(ESCALATION_JOB_NAMES.reminder, data, { jobId: reminderJobId(data.ticketId, data.planVersion, 'L2', 1_000) }),
      runtime.queues.escalation.add(ESCALATION_JOB_NAMES.reminder, data, { jobId: `copy-${ticket.number}-a` }),
      runtime.queues.escalation.add(ESCALATION_JOB_NAMES.reminder, data, { jobId: `copy-${ticket.number}-b` }),
    ]);
    await waitUntil(async () => (await events(ticket._id, 'sla.reminder_sent')).length > 0, 5_000, 'reminder');
    await sleep(1_000);
    expect(await events(ticket._id, 'sla.reminder_sent')).toHaveLength(1);
    expect(postsAbout(ticket, L1_CHANNEL)).toHaveLength(1);
    expect(String(postsAbout(ticket, L1_CHANNEL)[0].params.text)).toContain('Reminder: escalation to L2 due in 1 s');
  }, 15_000);

  it('escalates through the sweeper after the queue keys were deleted', async () => {
    await worker?.close();
    worker = null;
    const direct = await openTicket('Urgent: badge reader');
    const scheduled = await openTicket('Urgent: door');
    await deleteQueueKeys(runtime.queues);
    expect(await runtime.queues.escalation.getDelayedCount()).toBe(0);
    await sleep(2_500);

    // Without any queued job, one sweep finds the overdue deadline in the store.
    const result = await sweepOverdue({ ...deps(), slack: runtime.slack }, 0);
    expect(result.escalated).toBeGreaterThanOrEqual(2);
    expect((await reload(direct._id)).line).toBe('L2');
    expect((await reload(scheduled._id)).line).toBe('L2');
    await waitUntil(async () => postsAbout(direct, L2_CHANNEL).length === 1, 5_000, 'L2 post from the sweep');

    // With the worker running, its job scheduler sweeps on its own after another key loss.
    worker = await startEscalationWorker(runtime, { sweepEveryMs: 1_000, sweepGraceMs: 0 });
    const later = await openTicket('Urgent: projector');
    await deleteQueueKeys(runtime.queues);
    expect(await runtime.queues.escalation.getJob(escalationJobId(later._id.toHexString(), 'L2', later.planVersion))).toBeUndefined();
    await waitUntil(async () => (await reload(later._id)).line === 'L2', 10_000, 'sweeper escalation');
  }, 30_000);
});
