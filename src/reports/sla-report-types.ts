/**
 * Shapes of the SLA compliance report. Durations are business minutes of the
 * ticket's priority schedule; percentages are 0–100 with one decimal, or null
 * when nothing was measured.
 */
import type { SupportLine } from '../store/ticket.model.js';

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Outcome of one target for one ticket. */
export type TargetOutcome =
  /** The clock stopped within the target. */
  | 'met'
  /** The clock stopped after the target, or is still running past it. */
  | 'missed'
  /** The clock is still running and the target has not passed yet. */
  | 'pending'
  /** The target does not apply: the ticket was resolved before any response was due. */
  | 'not_applicable';

/** Targets of one priority, in milliseconds of business time on `schedule`. */
export interface PriorityTargets {
  responseMs: number;
  resolutionMs: number;
  schedule: string;
}

export type SlaTargets = Record<Priority, PriorityTargets>;

/** One ticket's outcomes and times, the unit the report sums. */
export interface TicketMeasure {
  ticketNumber: number;
  createdAt: Date;
  /** Highest line the ticket reached. */
  line: SupportLine;
  priority: Priority;
  category: string | null;
  response: TargetOutcome;
  /** Business time to the first response, or null when there was none. */
  responseMs: number | null;
  resolution: TargetOutcome;
  /** Business time to the final resolution, or null while the ticket is open. */
  resolutionMs: number | null;
  escalatedTo: SupportLine[];
  /** Resolved at least once. */
  everResolved: boolean;
  /** Resolved, then opened again at least once. */
  reopened: boolean;
  /** Resolved by a knowledge-base answer with no agent involved. */
  deflected: boolean;
  /** Article of the first automatic knowledge-base answer, if any. */
  kbArticleId: string | null;
}

export interface TargetFigures {
  met: number;
  missed: number;
  pending: number;
  notApplicable: number;
  /** met / (met + missed) in percent. */
  metPercent: number | null;
  medianMinutes: number | null;
  p90Minutes: number | null;
}

export interface SlaFigures {
  tickets: number;
  firstResponse: TargetFigures;
  resolution: TargetFigures;
  escalations: { L2: number; L3: number };
  /** Tickets resolved at least once; the base of the reopen rate. */
  resolvedOnce: number;
  reopened: number;
  /** reopened / resolvedOnce in percent. */
  reopenRatePercent: number | null;
  deflected: number;
  /** deflected / tickets in percent. */
  deflectionPercent: number | null;
}

export interface GroupRow extends SlaFigures {
  line: SupportLine;
  priority: Priority;
  category: string | null;
}

export interface WeekRow {
  /** ISO week, e.g. `2026-W45`. */
  week: string;
  /** Monday of the week, YYYY-MM-DD in the report's time zone. */
  startDate: string;
  tickets: number;
  responseMetPercent: number | null;
  resolutionMetPercent: number | null;
  breaches: number;
}

export interface LineBreaches {
  line: SupportLine;
  tickets: number;
  responseMissed: number;
  resolutionMissed: number;
}

export interface ArticleDeflection {
  articleId: string;
  /** Tickets that got this article as their automatic answer. */
  answered: number;
  deflected: number;
  deflectionPercent: number | null;
}

export interface ReportPeriod {
  /** First day, YYYY-MM-DD, inclusive. */
  from: string;
  /** Last day, YYYY-MM-DD, inclusive. */
  to: string;
  timeZone: string;
  /** Start of `from` in the time zone. */
  start: Date;
  /** Start of the day after `to` in the time zone (exclusive). */
  end: Date;
}

export interface SlaReport {
  period: ReportPeriod;
  /** Events after this instant are not counted; clocks of open tickets run to it. */
  asOf: Date;
  /** Targets per priority; a category with its own ladder entry may have others. */
  targets: SlaTargets;
  groups: GroupRow[];
  byLine: Array<SlaFigures & { line: SupportLine }>;
  byPriority: Array<SlaFigures & { priority: Priority }>;
  byCategory: Array<SlaFigures & { category: string | null }>;
  total: SlaFigures;
  weeks: WeekRow[];
  breachesByLine: LineBreaches[];
  articles: ArticleDeflection[];
}
