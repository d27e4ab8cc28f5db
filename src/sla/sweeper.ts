import type { QueryFilter, Types } from 'mongoose';
import { escalateTicket, type EscalationDependencies } from '../escalation/escalate-ticket.js';
import { CLOSED_STATUSES, TicketModel, type Ticket } from '../store/ticket.model.js';
import { handleSlaNotice } from './ladder-handlers.js';
import { ladderClockFor } from './ladder-clock.js';
import { planFor, queuePlanJobs } from './ladder-timers.js';

/**
 * A deadline is swept only when it is this far overdue, so the sweeper does not
 * race the delayed job that normally fires it. Both would be safe (the handlers
 * are idempotent under the ticket's lock), but the job's run is the expected one.
 */
export const SWEEP_GRACE_MS = 30_000;

/** Tickets handled per sweep; the rest wait for the next minute. */
export const SWEEP_BATCH = 200;

/** Tickets read from the store per batch when the ladder's jobs are restored. */
const RESTORE_BATCH = 200;

export interface SweepResult {
  escalated: number;
  breached: number;
}

type OverdueTicket = Pick<Ticket, '_id' | 'line' | 'planVersion' | 'number'> & {
  due?: { l2At?: Date | null; l3At?: Date | null } | null;
  sla?: { firstResponseAt?: Date | null; responseDueAt?: Date | null; responseBreachedAt?: Date | null } | null;
};

/**
 * Filter of the tickets whose SLA clock runs. `open: true` is the part that FerretDB
 * hands to PostgreSQL, so only open tickets are decoded. The status condition keeps
 * the result exact even for a ticket whose flag is wrong.
 */
const RUNNING_CLOCK: QueryFilter<Ticket> = { open: true, status: { $nin: [...CLOSED_STATUSES] }, 'sla.pausedAt': null };

/** Filter of the tickets whose SLA clock runs and that have a deadline at or before `cutoff`. */
export function overdueFilter(cutoff: Date): QueryFilter<Ticket> {
  return {
    ...RUNNING_CLOCK,
    $or: [
      { line: 'L1', 'due.l2At': { $lte: cutoff } },
      { line: 'L2', 'due.l3At': { $lte: cutoff } },
      { 'sla.firstResponseAt': null, 'sla.responseBreachedAt': null, 'sla.responseDueAt': { $lte: cutoff } },
    ],
  };
}

/**
 * Backstop for lost timers (Redis lost its data, a job failed for good): finds
 * open, unpaused tickets whose stored deadlines passed and runs their handlers
 * directly. The handlers re-check the ticket under its lock and are keyed by
 * ticket, line and plan version, so a deadline whose job ran already changes nothing.
 */
export async function sweepOverdue(deps: EscalationDependencies, graceMs: number = SWEEP_GRACE_MS): Promise<SweepResult> {
  const now = deps.now?.() ?? new Date();
  const cutoff = new Date(now.getTime() - graceMs);
  const overdue = await TicketModel.find(overdueFilter(cutoff), { line: 1, planVersion: 1, number: 1, due: 1, sla: 1 })
    .limit(SWEEP_BATCH)
    .lean<OverdueTicket[]>();

  const result: SweepResult = { escalated: 0, breached: 0 };
  for (const ticket of overdue) {
    const ticketId = ticket._id.toHexString();
    try {
      const responseDue = ticket.sla?.responseDueAt;
      if (responseDue && responseDue <= cutoff && !ticket.sla?.firstResponseAt && !ticket.sla?.responseBreachedAt) {
        const outcome = await handleSlaNotice({ ticketId, planVersion: ticket.planVersion, deadline: 'response' }, deps);
        if (outcome === 'sent') result.breached++;
      }
      const l2Due = ticket.line === 'L1' ? ticket.due?.l2At : null;
      const l3Due = ticket.line === 'L2' ? ticket.due?.l3At : null;
      if (l2Due && l2Due <= cutoff) {
        const outcome = await escalateTicket({ ticketId, line: 'L2', planVersion: ticket.planVersion }, deps);
        if (outcome === 'escalated') result.escalated++;
      } else if (l3Due && l3Due <= cutoff) {
        const outcome = await escalateTicket({ ticketId, line: 'L3', planVersion: ticket.planVersion }, deps);
        if (outcome === 'escalated') result.escalated++;
      }
    } catch (error) {
      // One ticket's failure (e.g. a busy lock) must not stop the sweep; the next sweep tries again.
      deps.log.error({ err: error, ticketId, ticketNumber: ticket.number }, 'sweeper could not handle an overdue ticket');
    }
  }
  if (result.escalated > 0 || result.breached > 0) {
    deps.log.warn({ ...result }, 'sweeper handled deadlines whose timers had not fired');
  }
  return result;
}

/**
 * Queues again every job of every open ticket's plan, from the deadlines stored on
 * it, e.g. when a worker starts after Redis lost its data. Job ids carry the plan
 * version, so jobs still queued are not doubled. The tickets are read through a
 * cursor, one batch at a time. Returns the number of tickets.
 */
export async function restoreLadderJobs(deps: EscalationDependencies): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const clock = deps.clock ?? ladderClockFor(deps.config);
  let restored = 0;
  for await (const ticket of TicketModel.find({ ...RUNNING_CLOCK }).lean<Ticket[]>().cursor({ batchSize: RESTORE_BATCH })) {
    let computed;
    try {
      computed = planFor(ticket, { ...deps, clock });
    } catch (error) {
      // An unknown schedule name (the policy changed) must not stop the other tickets.
      deps.log.error({ err: error, ticketNumber: ticket.number }, 'could not plan the ladder of a ticket; its stored deadlines are kept');
      computed = { responseDueAt: null, l2At: null, l3At: null, reminders: [] };
    }
    // Escalations keep the stored due times, which the sweeper also reads; reminders follow from the policy.
    const plan = {
      ...computed,
      l2At: ticket.line === 'L1' ? (ticket.due?.l2At ?? null) : null,
      l3At: ticket.line === 'L2' ? (ticket.due?.l3At ?? null) : null,
      responseDueAt: ticket.sla?.firstResponseAt || ticket.sla?.responseBreachedAt ? null : (ticket.sla?.responseDueAt ?? null),
    };
    await queuePlanJobs(ticket as { _id: Types.ObjectId; planVersion: number }, plan, deps.queues, now);
    restored++;
  }
  return restored;
}
