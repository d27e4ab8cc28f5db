import type { Policy } from '../config/index.js';
import type { LadderStep, Priority } from '../config/sla-policy.js';

/** SLA targets of one ticket, after merging the policy's defaults, priority and category. */
export interface LadderTargets {
  /** Calendar name for `resolveCalendar`. */
  schedule: string;
  /** First-response target; null when the policy sets none. */
  responseMs: number | null;
  toL2Ms: number;
  toL3Ms: number;
  /** Offsets before each deadline at which the holding line is reminded, longest first. */
  remindBeforeMs: number[];
}

/**
 * Without a `ladder` section, times count every minute, as the escalation timers
 * did before business hours existed; `escalation.toL2After/toL3After` stay the defaults.
 */
export const LEGACY_SCHEDULE = '24x7';

/** Merges `ladder.default`, `ladder.<priority>` and `ladder.<priority>.categories.<category>`, later ones winning. */
export function ladderTargets(policy: Policy, priority: Priority, category: string | null): LadderTargets {
  const forPriority = policy.ladder[priority];
  const forCategory = category ? forPriority?.categories?.[category] : undefined;
  const layers: LadderStep[] = [policy.ladder.default, forPriority ?? {}, forCategory ?? {}];
  const pick = <K extends keyof LadderStep>(key: K): LadderStep[K] => {
    let value: LadderStep[K] = undefined;
    for (const layer of layers) {
      if (layer[key] !== undefined) value = layer[key];
    }
    return value;
  };
  return {
    schedule: pick('schedule') ?? LEGACY_SCHEDULE,
    responseMs: pick('response') ?? null,
    toL2Ms: pick('toL2') ?? policy.escalation.toL2After,
    toL3Ms: pick('toL3') ?? policy.escalation.toL3After,
    remindBeforeMs: [...new Set(pick('remindBefore') ?? [])].filter((offset) => offset > 0).sort((a, b) => b - a),
  };
}

/** Returns where a line's notices go for a category: the category's own team when the policy names one. */
export function lineTarget(policy: Policy, line: 'L1' | 'L2' | 'L3', category: string | null) {
  const base = policy.lines[line];
  const own = category ? base?.categories?.[category] : undefined;
  return {
    slackChannel: own?.slackChannel ?? base?.slackChannel,
    email: own && own.email.length > 0 ? own.email : (base?.email ?? []),
    lead: own?.lead ?? base?.lead,
  };
}
