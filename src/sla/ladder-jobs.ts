import type { SlaDeadline } from './ladder-plan.js';

/** Job names on the escalation queue; the worker dispatches on them. */
export const ESCALATION_JOB_NAMES = {
  escalate: 'escalate',
  reminder: 'sla-reminder',
  breach: 'sla-breach',
  sweep: 'sla-sweep',
} as const;

/** Id of the job scheduler that runs the sweeper; one per queue, whichever process upserts it. */
export const SWEEPER_SCHEDULER_ID = 'sla-sweeper';

// BullMQ rejects custom job ids that contain `:`, so ids join parts with `-`.

/** Includes the plan version, so a re-plan never collides with a job of an earlier plan. */
export function reminderJobId(ticketId: string, planVersion: number, deadline: SlaDeadline, offsetMs: number): string {
  return `sla-rem-${ticketId}-v${planVersion}-${deadline}-${offsetMs}`;
}

export function breachJobId(ticketId: string, planVersion: number, deadline: SlaDeadline): string {
  return `sla-breach-${ticketId}-v${planVersion}-${deadline}`;
}

/** Natural key of a reminder on the ticket's timeline: two copies of one job send one notice. */
export function reminderEventKey(planVersion: number, deadline: SlaDeadline, offsetMs: number): string {
  return `reminder:${planVersion}:${deadline}:${offsetMs}`;
}

/**
 * Returns the natural key of a breach. The key of the response target has no plan
 * version, so a priority change cannot record that breach twice. A line's breach is
 * recorded once per plan version.
 */
export function breachEventKey(planVersion: number, deadline: SlaDeadline): string {
  return deadline === 'response' ? 'breach:response' : `breach:${planVersion}:${deadline}`;
}
