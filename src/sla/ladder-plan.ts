import type { LadderClock } from './ladder-clock.js';
import type { LadderTargets } from './ladder-policy.js';

/** A deadline of the ladder: the first response, or the move to L2 or to L3. */
export type SlaDeadline = 'response' | 'L2' | 'L3';

/** The part of a ticket the plan is computed from. */
export interface LadderState {
  createdAt: Date;
  line: 'L1' | 'L2' | 'L3';
  status: string;
  firstResponseAt: Date | null;
  pausedAt: Date | null;
  /** Business milliseconds the clock stood still since the ticket was opened. */
  pausedMs: number;
  /** When the ticket reached its current line (null: when it was opened), and `pausedMs` then. */
  lineStartedAt: Date | null;
  lineStartPausedMs: number;
}

export interface PlannedReminder {
  deadline: SlaDeadline;
  offsetMs: number;
  at: Date;
}

export interface LadderPlan {
  responseDueAt: Date | null;
  l2At: Date | null;
  l3At: Date | null;
  reminders: PlannedReminder[];
}

export const EMPTY_PLAN: LadderPlan = { responseDueAt: null, l2At: null, l3At: null, reminders: [] };

/**
 * Computes the deadlines of a ticket's current line. Each deadline is the start
 * plus the target in business time, extended by the business time the clock was
 * paused since then. A notice that falls outside business hours waits for the
 * next opening, unless the schedule is 24x7. A paused, resolved or closed ticket
 * has no deadlines.
 */
export function planLadder(state: LadderState, targets: LadderTargets, clock: LadderClock): LadderPlan {
  if (state.pausedAt || state.status === 'resolved' || state.status === 'closed') {
    return EMPTY_PLAN;
  }
  const { schedule } = targets;
  const noticeAt = (at: Date): Date => (clock.is24x7(schedule) ? at : clock.nextOpening(at, schedule));
  const reminders: PlannedReminder[] = [];

  // Each deadline sits `budget` of business time after `start`; its reminders sit earlier in the same budget.
  const deadline = (name: SlaDeadline, start: Date, budget: number): Date => {
    for (const offsetMs of targets.remindBeforeMs) {
      if (offsetMs < budget) {
        reminders.push({ deadline: name, offsetMs, at: noticeAt(clock.addBusinessTime(start, budget - offsetMs, schedule)) });
      }
    }
    return noticeAt(clock.addBusinessTime(start, budget, schedule));
  };

  let responseDueAt: Date | null = null;
  if (targets.responseMs !== null && !state.firstResponseAt) {
    responseDueAt = deadline('response', state.createdAt, targets.responseMs + state.pausedMs);
  }
  const lineStart = state.lineStartedAt ?? state.createdAt;
  const pausedOnLine = Math.max(0, state.pausedMs - state.lineStartPausedMs);
  let l2At: Date | null = null;
  let l3At: Date | null = null;
  if (state.line === 'L1') {
    l2At = deadline('L2', lineStart, targets.toL2Ms + pausedOnLine);
  } else if (state.line === 'L2') {
    l3At = deadline('L3', lineStart, targets.toL3Ms + pausedOnLine);
  }
  return { responseDueAt, l2At, l3At, reminders };
}
