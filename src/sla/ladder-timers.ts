import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { Priority } from '../config/sla-policy.js';
import { escalationJobId } from '../queues/job-ids.js';
import type { LiniaQueues } from '../queues/queues.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import type { LadderClock } from './ladder-clock.js';
import { breachJobId, ESCALATION_JOB_NAMES, reminderJobId } from './ladder-jobs.js';
import { planLadder, type LadderPlan, type LadderState } from './ladder-plan.js';
import { ladderTargets } from './ladder-policy.js';

/** Dependencies of re-planning: the policy, the queues, the business clock and the time. */
export interface LadderDependencies {
  config: Config;
  queues: LiniaQueues;
  clock: LadderClock;
  log: Logger;
  now?: () => Date;
}

/** Reads the ladder state stored on a ticket. Tickets stored before the SLA fields existed count from their creation. */
export function ladderState(ticket: Ticket): LadderState {
  const sla = ticket.sla;
  return {
    createdAt: (ticket as { createdAt?: Date }).createdAt ?? new Date(ticket._id.getTimestamp()),
    line: ticket.line,
    status: ticket.status,
    firstResponseAt: sla?.firstResponseAt ?? null,
    pausedAt: sla?.pausedAt ?? null,
    pausedMs: sla?.pausedMs ?? 0,
    lineStartedAt: sla?.lineStartedAt ?? null,
    lineStartPausedMs: sla?.lineStartPausedMs ?? 0,
  };
}

/** Computes the plan of a ticket from its stored state and the policy. */
export function planFor(ticket: Ticket, deps: LadderDependencies): LadderPlan & { schedule: string } {
  const targets = ladderTargets(deps.config.policy, ticket.priority as Priority, ticket.category ?? null);
  return { ...planLadder(ladderState(ticket), targets, deps.clock), schedule: targets.schedule };
}

/**
 * Stores the deadlines of the ticket's current plan and queues a delayed job for
 * each, under the ticket's plan version. Callers hold the ticket's lock. Job ids
 * carry the plan version, so planning twice at one version queues nothing twice,
 * and the jobs of an earlier version find a newer version on the ticket and do
 * nothing. Reminders whose time has passed are skipped: they belong to an earlier
 * plan or were sent already. Returns the plan.
 */
export async function storeAndQueuePlan(ticket: Ticket, deps: LadderDependencies): Promise<LadderPlan> {
  const now = deps.now?.() ?? new Date();
  const plan = planFor(ticket, deps);
  await TicketModel.updateOne(
    { _id: ticket._id, planVersion: ticket.planVersion },
    {
      $set: {
        'sla.schedule': plan.schedule,
        'sla.responseDueAt': plan.responseDueAt,
        'sla.plannedVersion': ticket.planVersion,
        'due.l2At': plan.l2At,
        'due.l3At': plan.l3At,
      },
    },
  );
  await queuePlanJobs(ticket, plan, deps.queues, now);
  deps.log.debug(
    { ticketNumber: ticket.number, planVersion: ticket.planVersion, l2At: plan.l2At, l3At: plan.l3At, responseDueAt: plan.responseDueAt },
    'ladder planned',
  );
  return plan;
}

/** Queues the delayed jobs of a plan; a job id already in the queue is left as it is. */
export async function queuePlanJobs(
  ticket: Pick<Ticket, '_id' | 'planVersion'>,
  plan: LadderPlan,
  queues: LiniaQueues,
  now: Date,
): Promise<void> {
  const ticketId = ticket._id.toHexString();
  const { planVersion } = ticket;
  const delay = (at: Date): number => Math.max(0, at.getTime() - now.getTime());
  for (const [line, at] of [['L2', plan.l2At], ['L3', plan.l3At]] as const) {
    if (at) {
      await queues.escalation.add(
        ESCALATION_JOB_NAMES.escalate,
        { ticketId, line, planVersion },
        { jobId: escalationJobId(ticketId, line, planVersion), delay: delay(at) },
      );
    }
  }
  if (plan.responseDueAt) {
    await queues.escalation.add(
      ESCALATION_JOB_NAMES.breach,
      { ticketId, planVersion, deadline: 'response' },
      { jobId: breachJobId(ticketId, planVersion, 'response'), delay: delay(plan.responseDueAt) },
    );
  }
  for (const reminder of plan.reminders) {
    if (reminder.at.getTime() < now.getTime()) {
      continue;
    }
    await queues.escalation.add(
      ESCALATION_JOB_NAMES.reminder,
      { ticketId, planVersion, deadline: reminder.deadline, offsetMs: reminder.offsetMs },
      { jobId: reminderJobId(ticketId, planVersion, reminder.deadline, reminder.offsetMs), delay: delay(reminder.at) },
    );
  }
}

/**
 * Returns the next opening of the ticket's schedule when `now` falls outside its
 * business hours, or null when a notice may go out now (open, or a 24x7 schedule).
 * Timers fire inside business hours by plan; this catches jobs that fire late,
 * e.g. after the workers were down over a weekend.
 */
export function closedUntil(ticket: Ticket, clock: LadderClock, now: Date): Date | null {
  const schedule = ticket.sla?.schedule;
  if (!schedule || clock.is24x7(schedule) || clock.isOpen(now, schedule)) {
    return null;
  }
  return clock.nextOpening(now, schedule);
}
