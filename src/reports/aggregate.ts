/**
 * Sums ticket measures into the report's figures: per line, priority and
 * category, per ISO week, breaches per line and deflection per article.
 */
import { DateTime } from 'luxon';
import { SUPPORT_LINES, type SupportLine } from '../store/ticket.model.js';
import {
  PRIORITIES,
  type ArticleDeflection,
  type GroupRow,
  type LineBreaches,
  type Priority,
  type ReportPeriod,
  type SlaFigures,
  type TargetFigures,
  type TicketMeasure,
  type WeekRow,
} from './sla-report-types.js';
import { percent, percentile, toMinutes } from './statistics.js';

function targetFigures(measures: readonly TicketMeasure[], outcomeOf: (m: TicketMeasure) => string, msOf: (m: TicketMeasure) => number | null): TargetFigures {
  const count = (outcome: string): number => measures.filter((measure) => outcomeOf(measure) === outcome).length;
  const met = count('met');
  const missed = count('missed');
  const times = measures.map(msOf).filter((ms): ms is number => ms !== null);
  return {
    met,
    missed,
    pending: count('pending'),
    notApplicable: count('not_applicable'),
    metPercent: percent(met, met + missed),
    medianMinutes: toMinutes(percentile(times, 0.5)),
    p90Minutes: toMinutes(percentile(times, 0.9)),
  };
}

export function figuresOf(measures: readonly TicketMeasure[]): SlaFigures {
  const resolvedOnce = measures.filter((measure) => measure.everResolved).length;
  const reopened = measures.filter((measure) => measure.reopened).length;
  const deflected = measures.filter((measure) => measure.deflected).length;
  return {
    tickets: measures.length,
    firstResponse: targetFigures(measures, (m) => m.response, (m) => m.responseMs),
    resolution: targetFigures(measures, (m) => m.resolution, (m) => m.resolutionMs),
    escalations: {
      L2: measures.filter((measure) => measure.escalatedTo.includes('L2')).length,
      L3: measures.filter((measure) => measure.escalatedTo.includes('L3')).length,
    },
    resolvedOnce,
    reopened,
    reopenRatePercent: percent(reopened, resolvedOnce),
    deflected,
    deflectionPercent: percent(deflected, measures.length),
  };
}

/** Sorts categories by name, with the uncategorised group (null) last. */
export function compareCategories(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b);
}

function distinctCategories(measures: readonly TicketMeasure[]): Array<string | null> {
  return [...new Set(measures.map((measure) => measure.category))].sort(compareCategories);
}

export function groupRows(measures: readonly TicketMeasure[]): GroupRow[] {
  const rows: GroupRow[] = [];
  for (const line of SUPPORT_LINES) {
    for (const priority of PRIORITIES) {
      const inCell = measures.filter((measure) => measure.line === line && measure.priority === priority);
      for (const category of distinctCategories(inCell)) {
        const members = inCell.filter((measure) => measure.category === category);
        rows.push({ line, priority, category, ...figuresOf(members) });
      }
    }
  }
  return rows;
}

export function figuresByLine(measures: readonly TicketMeasure[]): Array<SlaFigures & { line: SupportLine }> {
  return SUPPORT_LINES.map((line) => ({ line, ...figuresOf(measures.filter((measure) => measure.line === line)) }));
}

export function figuresByPriority(measures: readonly TicketMeasure[]): Array<SlaFigures & { priority: Priority }> {
  return PRIORITIES.map((priority) => ({ priority, ...figuresOf(measures.filter((measure) => measure.priority === priority)) }));
}

export function figuresByCategory(measures: readonly TicketMeasure[]): Array<SlaFigures & { category: string | null }> {
  return distinctCategories(measures).map((category) => ({ category, ...figuresOf(measures.filter((measure) => measure.category === category)) }));
}

function breachCount(measures: readonly TicketMeasure[]): number {
  return measures.filter((m) => m.response === 'missed').length + measures.filter((m) => m.resolution === 'missed').length;
}

/** Returns one row per ISO week that overlaps the period, empty weeks included, by creation time in the period's time zone. */
export function weekRows(measures: readonly TicketMeasure[], period: ReportPeriod): WeekRow[] {
  const rows: WeekRow[] = [];
  const last = DateTime.fromJSDate(period.end, { zone: period.timeZone }).minus({ milliseconds: 1 });
  let monday = DateTime.fromJSDate(period.start, { zone: period.timeZone }).startOf('week');
  while (monday <= last) {
    const next = monday.plus({ weeks: 1 });
    const members = measures.filter((measure) => {
      const at = measure.createdAt.getTime();
      return at >= monday.toMillis() && at < next.toMillis();
    });
    const figures = figuresOf(members);
    rows.push({
      week: `${monday.weekYear}-W${String(monday.weekNumber).padStart(2, '0')}`,
      startDate: monday.toISODate() ?? '',
      tickets: members.length,
      responseMetPercent: figures.firstResponse.metPercent,
      resolutionMetPercent: figures.resolution.metPercent,
      breaches: breachCount(members),
    });
    monday = next;
  }
  return rows;
}

export function breachesByLine(measures: readonly TicketMeasure[]): LineBreaches[] {
  return SUPPORT_LINES.map((line) => {
    const members = measures.filter((measure) => measure.line === line);
    return {
      line,
      tickets: members.length,
      responseMissed: members.filter((measure) => measure.response === 'missed').length,
      resolutionMissed: members.filter((measure) => measure.resolution === 'missed').length,
    };
  });
}

/** Returns each article sent to at least one ticket, most deflections first, then most tickets, then by id. */
export function articleDeflection(measures: readonly TicketMeasure[]): ArticleDeflection[] {
  const byArticle = new Map<string, { answered: number; deflected: number }>();
  for (const measure of measures) {
    if (measure.kbArticleId === null) continue;
    const entry = byArticle.get(measure.kbArticleId) ?? { answered: 0, deflected: 0 };
    entry.answered += 1;
    entry.deflected += measure.deflected ? 1 : 0;
    byArticle.set(measure.kbArticleId, entry);
  }
  return [...byArticle.entries()]
    .map(([articleId, entry]) => ({ articleId, ...entry, deflectionPercent: percent(entry.deflected, entry.answered) }))
    .sort((a, b) => b.deflected - a.deflected || b.answered - a.answered || a.articleId.localeCompare(b.articleId));
}
