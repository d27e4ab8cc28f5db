import { Types } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { escalationJobId } from '../queues/job-ids.js';
import type { LiniaQueues } from '../queues/queues.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { withTicket } from '../tickets/ticket-repository.js';
import { ladderClockFor, type LadderClock } from './ladder-clock.js';
import { ESCALATION_JOB_NAMES } from './ladder-jobs.js';
import { ladderTargets } from './ladder-policy.js';
import { storeAndQueuePlan, type LadderDependencies } from './ladder-timers.js';
import type { Priority } from '../config/sla-policy.js';

/** Something that happened to a ticket and may move its SLA clock. */
export type TicketActivity =
  | 'claimed'
  | 'agent_replied'
  | 'requester_replied'
  | 'waiting_for_requester'
  | 'resolved'
  | 'reopened'
  | 'priority_changed'
  | 'category_changed'
  | 'escalated_now';

export interface ActivityDependencies {
  config: Config;
  queues: LiniaQueues;
  log: Logger;
  /** Defaults to the business calendars of `config.policy`. */
  clock?: LadderClock;
  now?: () => Date;
}

export interface ActivityDetail {
  /** Agent who claimed the ticket. */
  agent?: string;
}

/** Effect of an activity on the clock, for logs and tests. */
export type ActivityOutcome = 'replanned' | 'paused' | 'resumed' | 'response_met' | 'stopped' | 'escalating' | 'unchanged' | 'missing';

function clockFor(deps: ActivityDependencies): LadderClock {
  return deps.clock ?? ladderClockFor(deps.config);
}

/**
 * Moves a ticket's SLA clock after an activity whose event the caller has already
 * appended, and records no event itself. A claim or an agent reply stops the
 * response clock. An agent reply or waiting for the requester pauses the update
 * timers, and the requester's next message resumes them. A reopen or a priority or
 * category change re-plans them, and "escalate now" queues the next line at once.
 * Takes the ticket's lock, so callers must not hold it. Safe to call twice for one activity.
 */
export async function onTicketActivity(
  deps: ActivityDependencies,
  ticketId: string,
  activity: TicketActivity,
  detail: ActivityDetail = {},
): Promise<ActivityOutcome> {
  if (!Types.ObjectId.isValid(ticketId)) {
    return 'missing';
  }
  const ladder: LadderDependencies = { config: deps.config, queues: deps.queues, log: deps.log, clock: clockFor(deps), now: deps.now };
  const outcome = await withTicket(deps.queues, new Types.ObjectId(ticketId), (ticket) => applyActivity(ticket, activity, detail, ladder));
  if (outcome) {
    deps.log.info({ ticketId, activity, outcome }, 'SLA clock updated');
  }
  return outcome ?? 'missing';
}

function scheduleOf(ticket: Ticket, deps: LadderDependencies): string {
  return ticket.sla?.schedule ?? ladderTargets(deps.config.policy, ticket.priority as Priority, ticket.category ?? null).schedule;
}

/** Builds the `$set` that ends a pause, adding the paused business time to `sla.pausedMs`. */
function endPause(ticket: Ticket, deps: LadderDependencies, now: Date): { 'sla.pausedAt': null; 'sla.pausedMs': number } | null {
  const pausedAt = ticket.sla?.pausedAt;
  if (!pausedAt) return null;
  const paused = deps.clock.businessTimeBetween(pausedAt, now, scheduleOf(ticket, deps));
  return { 'sla.pausedAt': null, 'sla.pausedMs': (ticket.sla?.pausedMs ?? 0) + paused };
}

/** Writes `set` (plus a new plan version when `bump`) and re-plans from the updated ticket. */
async function update(ticket: Ticket, set: Record<string, unknown>, bump: boolean, deps: LadderDependencies): Promise<Ticket> {
  const planVersion = bump ? ticket.planVersion + 1 : ticket.planVersion;
  await TicketModel.updateOne({ _id: ticket._id }, { $set: { ...set, planVersion } });
  const updated = await TicketModel.findById(ticket._id).lean<Ticket>();
  if (!updated) {
    throw new Error(`ticket ${ticket._id.toHexString()} vanished while its SLA clock was updated`);
  }
  await storeAndQueuePlan(updated, deps);
  return updated;
}

function isOpenTicket(ticket: Ticket): boolean {
  return ticket.status !== 'resolved' && ticket.status !== 'closed';
}

async function applyActivity(ticket: Ticket, activity: TicketActivity, detail: ActivityDetail, deps: LadderDependencies): Promise<ActivityOutcome> {
  const now = deps.now?.() ?? new Date();
  const respond = ticket.sla?.firstResponseAt ? {} : { 'sla.firstResponseAt': now };
  switch (activity) {
    case 'claimed': {
      if (ticket.sla?.claimedAt) return 'unchanged';
      await TicketModel.updateOne({ _id: ticket._id }, { $set: { ...respond, 'sla.claimedAt': now, 'sla.claimedBy': detail.agent ?? null } });
      return 'response_met';
    }
    case 'agent_replied':
    case 'waiting_for_requester': {
      const set = activity === 'agent_replied' ? respond : {};
      if (ticket.sla?.pausedAt || !isOpenTicket(ticket)) {
        if (Object.keys(set).length === 0) return 'unchanged';
        await TicketModel.updateOne({ _id: ticket._id }, { $set: set });
        return 'response_met';
      }
      // The new plan version makes every queued timer of this ticket do nothing until the clock resumes.
      await update(ticket, { ...set, 'sla.pausedAt': now }, true, deps);
      return 'paused';
    }
    case 'requester_replied': {
      const resumed = endPause(ticket, deps, now);
      if (!resumed || !isOpenTicket(ticket)) return 'unchanged';
      await update(ticket, resumed, true, deps);
      return 'resumed';
    }
    case 'resolved': {
      await update(ticket, endPause(ticket, deps, now) ?? {}, false, deps);
      return 'stopped';
    }
    case 'reopened':
      return reopen(ticket, deps, now);
    case 'priority_changed':
    case 'category_changed': {
      if (!isOpenTicket(ticket)) return 'unchanged';
      await update(ticket, {}, true, deps);
      return 'replanned';
    }
    case 'escalated_now':
      return escalateNow(ticket, deps, now);
  }
}

/**
 * Restarts the current line's clock from now. A retry after the plan was made at
 * this version (its deadlines are stored) queues the same jobs again instead.
 */
async function reopen(ticket: Ticket, deps: LadderDependencies, now: Date): Promise<ActivityOutcome> {
  if (!isOpenTicket(ticket)) return 'unchanged';
  const planned = ticket.sla?.plannedVersion === ticket.planVersion;
  if (planned && (ticket.due?.l2At || ticket.due?.l3At)) {
    await storeAndQueuePlan(ticket, deps);
    return 'replanned';
  }
  const pausedMs = endPause(ticket, deps, now)?.['sla.pausedMs'] ?? ticket.sla?.pausedMs ?? 0;
  const set = { 'sla.pausedAt': null, 'sla.pausedMs': pausedMs, 'sla.lineStartedAt': now, 'sla.lineStartPausedMs': pausedMs };
  // A caller that reopened without a new plan version would otherwise revive the jobs queued before the resolve.
  await update(ticket, set, planned, deps);
  return 'replanned';
}

/** Queues the move to the next line with no delay, under a new plan version so the waiting job is replaced. */
async function escalateNow(ticket: Ticket, deps: LadderDependencies, now: Date): Promise<ActivityOutcome> {
  if (!isOpenTicket(ticket) || ticket.line === 'L3') return 'unchanged';
  const line = ticket.line === 'L1' ? 'L2' : 'L3';
  const planVersion = ticket.planVersion + 1;
  const set: Record<string, unknown> = { ...(endPause(ticket, deps, now) ?? {}), planVersion, 'sla.plannedVersion': planVersion };
  set[line === 'L2' ? 'due.l2At' : 'due.l3At'] = now;
  await TicketModel.updateOne({ _id: ticket._id }, { $set: set });
  const id = ticket._id.toHexString();
  await deps.queues.escalation.add(ESCALATION_JOB_NAMES.escalate, { ticketId: id, line, planVersion, manual: true }, { jobId: escalationJobId(id, line, planVersion) });
  return 'escalating';
}
