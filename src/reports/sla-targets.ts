/**
 * First-response and resolution targets of the SLA report, per priority and
 * category, from the policy file.
 *
 * - schedule: the ladder's (`ladder.default`, `ladder.<P>`, `ladder.<P>.categories.<c>`),
 *   which is `24x7` when the policy has no ladder;
 * - response: the ladder's `response`, else `report.targets.<P>.response`, else the default below;
 * - resolution: `report.targets.<P>.resolution`, else the default below, because the
 *   ladder sets escalation times but no resolution target.
 */
import type { Policy } from '../config/index.js';
import { ladderTargets } from '../sla/ladder-policy.js';
import { PRIORITIES, type Priority, type PriorityTargets, type SlaTargets } from './sla-report-types.js';

const HOUR_MS = 3_600_000;

/** Targets when the policy sets none, in business time of the priority's schedule. */
export const DEFAULT_REPORT_TARGETS: Record<Priority, { responseMs: number; resolutionMs: number }> = {
  P1: { responseMs: HOUR_MS / 2, resolutionMs: 4 * HOUR_MS },
  P2: { responseMs: HOUR_MS, resolutionMs: 8 * HOUR_MS },
  P3: { responseMs: 4 * HOUR_MS, resolutionMs: 24 * HOUR_MS },
  P4: { responseMs: 8 * HOUR_MS, resolutionMs: 40 * HOUR_MS },
};

/** Targets of one ticket's priority and category. */
export function ticketTargets(policy: Policy, priority: Priority, category: string | null): PriorityTargets {
  const ladder = ladderTargets(policy, priority, category);
  const configured = policy.report.targets[priority];
  return {
    schedule: ladder.schedule,
    responseMs: ladder.responseMs ?? configured?.response ?? DEFAULT_REPORT_TARGETS[priority].responseMs,
    resolutionMs: configured?.resolution ?? DEFAULT_REPORT_TARGETS[priority].resolutionMs,
  };
}

/** Targets per priority for tickets without a category of their own in the ladder. */
export function priorityTargets(policy: Policy): SlaTargets {
  return Object.fromEntries(PRIORITIES.map((priority) => [priority, ticketTargets(policy, priority, null)])) as SlaTargets;
}
