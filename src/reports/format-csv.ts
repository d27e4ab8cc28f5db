/**
 * The SLA report as CSV (RFC 4180, comma-separated, CRLF line ends): one row
 * per line, priority and category, then a row with line `all` for every ticket.
 * Column names are fixed English identifiers, so scripts can rely on them in
 * both languages; durations are business minutes and rates are percentages.
 */
import type { SlaFigures, SlaReport } from './sla-report-types.js';

export const CSV_COLUMNS = [
  'line',
  'priority',
  'category',
  'tickets',
  'first_response_met',
  'first_response_missed',
  'first_response_pending',
  'first_response_met_percent',
  'first_response_median_minutes',
  'first_response_p90_minutes',
  'resolution_met',
  'resolution_missed',
  'resolution_pending',
  'resolution_met_percent',
  'resolution_median_minutes',
  'resolution_p90_minutes',
  'escalated_l2',
  'escalated_l3',
  'resolved_once',
  'reopened',
  'reopen_rate_percent',
  'deflected',
  'deflection_percent',
] as const;

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function figureFields(figures: SlaFigures): Array<number | null> {
  return [
    figures.tickets,
    figures.firstResponse.met,
    figures.firstResponse.missed,
    figures.firstResponse.pending,
    figures.firstResponse.metPercent,
    figures.firstResponse.medianMinutes,
    figures.firstResponse.p90Minutes,
    figures.resolution.met,
    figures.resolution.missed,
    figures.resolution.pending,
    figures.resolution.metPercent,
    figures.resolution.medianMinutes,
    figures.resolution.p90Minutes,
    figures.escalations.L2,
    figures.escalations.L3,
    figures.resolvedOnce,
    figures.reopened,
    figures.reopenRatePercent,
    figures.deflected,
    figures.deflectionPercent,
  ];
}

export function formatSlaCsv(report: SlaReport): string {
  const rows: Array<Array<string | number | null>> = [[...CSV_COLUMNS]];
  for (const group of report.groups) {
    rows.push([group.line, group.priority, group.category, ...figureFields(group)]);
  }
  rows.push(['all', 'all', 'all', ...figureFields(report.total)]);
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
