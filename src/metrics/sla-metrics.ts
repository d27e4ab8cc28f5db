import { DateTime } from 'luxon';
import { Gauge } from 'prom-client';
import type { Policy } from '../config/index.js';
import { getLogger } from '../logging/logger.js';
import { parseReportPeriod } from '../reports/report-period.js';
import { computeSlaReport } from '../reports/sla-report.js';
import type { SlaFigures, SlaReport, TargetFigures } from '../reports/sla-report-types.js';
import { metricsRegistry } from './registry.js';

/**
 * The figures of `linia report sla` as Prometheus gauges, over a rolling window
 * of whole days ending today. They are gauges, not counters, because each
 * scrape recomputes them for the window, so they go down as old tickets leave it.
 */

const log = getLogger('sla-metrics');

/** Days in the rolling window when the caller sets none. */
export const DEFAULT_WINDOW_DAYS = 28;
/** Scrapes within this time reuse one computation, because each one reads every ticket of the window. */
const CACHE_MS = 60_000;
/** Label value of tickets without a category, since an empty label equals a missing one. */
const NO_CATEGORY = 'none';

const GROUP_LABELS = ['line', 'priority', 'category'] as const;
type GroupLabels = Record<(typeof GROUP_LABELS)[number], string>;

interface Observation {
  policy: Policy;
  windowDays: number;
  now: () => Date;
}

let observation: Observation | null = null;
let cached: { at: number; done: Promise<void> } | null = null;

async function refresh(): Promise<void> {
  if (!observation) return;
  const now = observation.now();
  if (cached && now.getTime() - cached.at < CACHE_MS) {
    return cached.done;
  }
  const current = observation;
  const done = (async () => {
    try {
      publishSlaReport(await computeSlaReport({ policy: current.policy, period: rollingPeriod(current, now), asOf: now }));
    } catch (error) {
      // Keep the last values, so one failed computation does not fail the whole /metrics scrape.
      log.error({ err: error }, 'computing SLA metrics failed; keeping the previous values');
    }
  })();
  cached = { at: now.getTime(), done };
  return done;
}

function rollingPeriod(current: Observation, now: Date) {
  const today = DateTime.fromJSDate(now, { zone: current.policy.timeZone });
  const first = today.minus({ days: current.windowDays - 1 });
  return parseReportPeriod(first.toISODate() ?? '', today.toISODate() ?? '', current.policy.timeZone);
}

function groupGauge<L extends string>(name: string, help: string, extraLabels: readonly L[] = []): Gauge<(typeof GROUP_LABELS)[number] | L> {
  return new Gauge({
    name,
    help,
    labelNames: [...GROUP_LABELS, ...extraLabels],
    registers: [metricsRegistry],
    collect: refresh,
  });
}

const tickets = groupGauge('linia_sla_tickets', 'Tickets created in the SLA window, per highest line reached, priority and category');
const targetOutcomes = groupGauge(
  'linia_sla_target_outcomes',
  'Tickets in the SLA window per target (first_response, resolution) and outcome (met, missed, pending)',
  ['target', 'outcome'],
);
const targetMetRatio = groupGauge('linia_sla_target_met_ratio', 'Share of measured tickets that met the target: met / (met + missed)', ['target']);
const businessTime = groupGauge(
  'linia_sla_business_time_seconds',
  'Median (quantile 0.5) and p90 (quantile 0.9) business time to first response and to resolution',
  ['target', 'quantile'],
);
const escalated = groupGauge('linia_sla_escalated_tickets', 'Tickets in the SLA window escalated to each level', ['level']);
const reopenRatio = groupGauge('linia_sla_reopen_ratio', 'Share of the tickets resolved at least once that were reopened');
const deflectionRatio = groupGauge('linia_sla_l1_deflection_ratio', 'Share of tickets resolved by a knowledge-base answer without an agent');
const windowDays = new Gauge({
  name: 'linia_sla_window_days',
  help: 'Days of the rolling window the linia_sla_* figures cover',
  registers: [metricsRegistry],
  collect: refresh,
});

const ALL_GAUGES = [tickets, targetOutcomes, targetMetRatio, businessTime, escalated, reopenRatio, deflectionRatio, windowDays];

function setTarget(labels: GroupLabels, target: 'first_response' | 'resolution', figures: TargetFigures): void {
  for (const outcome of ['met', 'missed', 'pending'] as const) {
    targetOutcomes.set({ ...labels, target, outcome }, figures[outcome]);
  }
  if (figures.metPercent !== null) {
    targetMetRatio.set({ ...labels, target }, figures.metPercent / 100);
  }
  if (figures.medianMinutes !== null) {
    businessTime.set({ ...labels, target, quantile: '0.5' }, figures.medianMinutes * 60);
  }
  if (figures.p90Minutes !== null) {
    businessTime.set({ ...labels, target, quantile: '0.9' }, figures.p90Minutes * 60);
  }
}

function setFigures(labels: GroupLabels, figures: SlaFigures): void {
  tickets.set(labels, figures.tickets);
  setTarget(labels, 'first_response', figures.firstResponse);
  setTarget(labels, 'resolution', figures.resolution);
  escalated.set({ ...labels, level: 'L2' }, figures.escalations.L2);
  escalated.set({ ...labels, level: 'L3' }, figures.escalations.L3);
  if (figures.reopenRatePercent !== null) {
    reopenRatio.set(labels, figures.reopenRatePercent / 100);
  }
  if (figures.deflectionPercent !== null) {
    deflectionRatio.set(labels, figures.deflectionPercent / 100);
  }
}

/** Replaces every linia_sla_* value with the figures of `report`, one series per line, priority and category. */
export function publishSlaReport(report: SlaReport): void {
  for (const gauge of ALL_GAUGES) {
    gauge.reset();
  }
  for (const group of report.groups) {
    setFigures({ line: group.line, priority: group.priority, category: group.category ?? NO_CATEGORY }, group);
  }
  const days = Math.round((report.period.end.getTime() - report.period.start.getTime()) / 86_400_000);
  windowDays.set(days);
}

/**
 * Makes each /metrics scrape recompute the SLA figures for the last `windowDays`
 * days (today included) from the store, at most once per CACHE_MS. It reads
 * through the process's mongoose connection, so call it after `connectStore`.
 */
export function observeSlaMetrics(options: { policy: Policy; windowDays?: number; now?: () => Date }): void {
  const days = options.windowDays ?? DEFAULT_WINDOW_DAYS;
  if (!Number.isInteger(days) || days < 1) {
    throw new RangeError(`SLA metrics window of ${days} days is invalid; use a whole number of days, 1 or more`);
  }
  observation = { policy: options.policy, windowDays: days, now: options.now ?? (() => new Date()) };
  cached = null;
}

/** Stops recomputing and clears the linia_sla_* values. */
export function stopSlaMetrics(): void {
  observation = null;
  cached = null;
  for (const gauge of ALL_GAUGES) {
    gauge.reset();
  }
}
