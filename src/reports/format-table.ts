/** The SLA report as an aligned text table for the terminal, in Polish or English. */
import { DateTime } from 'luxon';
import type { CliLanguage } from '../config/index.js';
import { categoryLabel, formatMinutes, formatPercent, label, type LabelId } from './report-labels.js';
import type { SlaFigures, SlaReport } from './sla-report-types.js';

interface Column {
  heading: LabelId;
  /** Numbers are right-aligned. */
  numeric: boolean;
}

const COLUMNS: Column[] = [
  { heading: 'line', numeric: false },
  { heading: 'priority', numeric: false },
  { heading: 'category', numeric: false },
  { heading: 'tickets', numeric: true },
  { heading: 'responseMet', numeric: true },
  { heading: 'resolutionMet', numeric: true },
  { heading: 'responseMedian', numeric: true },
  { heading: 'responseP90', numeric: true },
  { heading: 'resolutionMedian', numeric: true },
  { heading: 'resolutionP90', numeric: true },
  { heading: 'escalatedL2', numeric: true },
  { heading: 'escalatedL3', numeric: true },
  { heading: 'reopenRate', numeric: true },
  { heading: 'deflection', numeric: true },
];

/** Formats the figure cells of one row, in the order of COLUMNS after the three key columns. */
export function figureCells(figures: SlaFigures, language: CliLanguage): string[] {
  return [
    String(figures.tickets),
    formatPercent(figures.firstResponse.metPercent, language),
    formatPercent(figures.resolution.metPercent, language),
    formatMinutes(figures.firstResponse.medianMinutes, language),
    formatMinutes(figures.firstResponse.p90Minutes, language),
    formatMinutes(figures.resolution.medianMinutes, language),
    formatMinutes(figures.resolution.p90Minutes, language),
    String(figures.escalations.L2),
    String(figures.escalations.L3),
    formatPercent(figures.reopenRatePercent, language),
    formatPercent(figures.deflectionPercent, language),
  ];
}

/** Formats the period header line, which the HTML page shares. */
export function periodLine(report: SlaReport, language: CliLanguage): string {
  return `${label('period', language)}: ${report.period.from} – ${report.period.to} (${label('timeZone', language)} ${report.period.timeZone})`;
}

/** Formats the report's cut-off in the period's time zone, e.g. `As of: 2026-12-01 13:00`. */
export function asOfLine(report: SlaReport, language: CliLanguage): string {
  const local = DateTime.fromJSDate(report.asOf, { zone: report.period.timeZone }).toFormat('yyyy-MM-dd HH:mm');
  return `${label('asOf', language)}: ${local}`;
}

export function formatSlaTable(report: SlaReport, language: CliLanguage): string {
  const lines = [label('title', language), periodLine(report, language), asOfLine(report, language), ''];
  if (report.total.tickets === 0) {
    lines.push(label('noTickets', language));
    return `${lines.join('\n')}\n`;
  }

  const rows: string[][] = report.groups.map((group) => [
    group.line,
    group.priority,
    categoryLabel(group.category, language),
    ...figureCells(group, language),
  ]);
  rows.push([label('total', language), '', '', ...figureCells(report.total, language)]);

  const headings = COLUMNS.map((column) => label(column.heading, language));
  const widths = headings.map((heading, index) => Math.max(heading.length, ...rows.map((row) => (row[index] ?? '').length)));
  const render = (cells: string[]): string =>
    cells
      .map((cell, index) => {
        const width = widths[index] ?? cell.length;
        return COLUMNS[index]?.numeric ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();

  lines.push(render(headings));
  lines.push(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows.slice(0, -1)) {
    lines.push(render(row));
  }
  lines.push(widths.map((width) => '-'.repeat(width)).join('  '));
  lines.push(render(rows[rows.length - 1] ?? []));
  return `${lines.join('\n')}\n`;
}
