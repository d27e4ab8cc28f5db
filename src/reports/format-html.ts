/**
 * The SLA report as one self-contained HTML page: inline CSS and server-drawn
 * SVG charts, no script and no external resource, so it opens from disk and
 * prints as it looks.
 */
import type { CliLanguage } from '../config/index.js';
import { asOfLine, figureCells, periodLine } from './format-table.js';
import { categoryLabel, formatMinutes, formatPercent, label, type LabelId } from './report-labels.js';
import { PRIORITIES, type SlaReport } from './sla-report-types.js';
import { escapeXml, horizontalBarChart, verticalBarChart } from './svg-charts.js';

const STYLE = `
:root { color-scheme: light; --ink: #1d2733; --muted: #5b6876; --line: #d9dee4; --panel: #f5f7f9;
  --s1: #2f6db5; --s2: #e07b39; --s3: #2e9e6a; --s4: #8a4fbf; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1120px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 36px 0 12px; }
.meta { color: var(--muted); margin: 0; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin-top: 24px; }
.kpi { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.kpi .value { font-size: 28px; font-weight: 650; }
.kpi .name { color: var(--muted); font-size: 13px; }
.panel { border: 1px solid var(--line); border-radius: 8px; padding: 12px; overflow-x: auto; }
svg.chart { display: block; width: 100%; height: auto; font-size: 12px; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis, svg .legend { fill: var(--muted); }
svg .series-1 { fill: var(--s1); stroke: var(--s1); }
svg .series-2 { fill: var(--s2); stroke: var(--s2); }
svg .series-3 { fill: var(--s3); stroke: var(--s3); }
svg .series-4 { fill: var(--s4); stroke: var(--s4); }
svg rect.bar { stroke: none; }
svg path.trend, svg line.trend { fill: none; stroke-width: 2.5; }
svg circle.point { stroke: #fff; stroke-width: 1.5; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
th { background: var(--panel); font-weight: 600; white-space: normal; vertical-align: bottom; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 650; border-top: 2px solid var(--ink); }
.empty { color: var(--muted); font-style: italic; }
footer { margin-top: 32px; color: var(--muted); font-size: 13px; }
@media print { main { padding: 0; } .panel { break-inside: avoid; } }
`;

const TABLE_HEADINGS: LabelId[] = [
  'line',
  'priority',
  'category',
  'tickets',
  'responseMet',
  'resolutionMet',
  'responseMedian',
  'responseP90',
  'resolutionMedian',
  'resolutionP90',
  'escalatedL2',
  'escalatedL3',
  'reopenRate',
  'deflection',
];
/** Columns before the figures; they are text, the rest are numbers. */
const KEY_COLUMNS = 3;

function cell(text: string, numeric: boolean): string {
  return numeric ? `<td class="num">${escapeXml(text)}</td>` : `<td>${escapeXml(text)}</td>`;
}

function groupsTable(report: SlaReport, language: CliLanguage): string {
  const head = TABLE_HEADINGS.map((id, index) => `<th${index >= KEY_COLUMNS ? ' class="num"' : ''}>${escapeXml(label(id, language))}</th>`).join('');
  const rows = report.groups.map((group) => {
    const cells = [group.line, group.priority, categoryLabel(group.category, language)].map((text) => cell(text, false));
    return `<tr>${cells.join('')}${figureCells(group, language).map((text) => cell(text, true)).join('')}</tr>`;
  });
  const total = `<tr class="total"><td colspan="${KEY_COLUMNS}">${escapeXml(label('total', language))}</td>${figureCells(report.total, language)
    .map((text) => cell(text, true))
    .join('')}</tr>`;
  return `<table id="groups"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}${total}</tbody></table>`;
}

function targetsTable(report: SlaReport, language: CliLanguage): string {
  const head = [label('priority', language), label('schedule', language), label('firstResponse', language), label('resolution', language)]
    .map((text) => `<th>${escapeXml(text)}</th>`)
    .join('');
  const rows = PRIORITIES.map((priority) => {
    const targets = report.targets[priority];
    return `<tr>${cell(priority, false)}${cell(targets.schedule, false)}${cell(formatMinutes(targets.responseMs / 60_000, language), false)}${cell(
      formatMinutes(targets.resolutionMs / 60_000, language),
      false,
    )}</tr>`;
  });
  return `<table id="targets"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function kpi(name: LabelId, value: string, language: CliLanguage): string {
  return `<div class="kpi"><div class="value">${escapeXml(value)}</div><div class="name">${escapeXml(label(name, language))}</div></div>`;
}

function trendChart(report: SlaReport, language: CliLanguage): string {
  return verticalBarChart({
    id: 'chart-trend',
    title: label('trendHeading', language),
    categories: report.weeks.map((week) => week.week),
    bars: [{ id: 'tickets', label: label('seriesTickets', language), values: report.weeks.map((week) => week.tickets) }],
    lines: [
      { id: 'response-met', label: label('seriesResponseMet', language), values: report.weeks.map((week) => week.responseMetPercent) },
      { id: 'resolution-met', label: label('seriesResolutionMet', language), values: report.weeks.map((week) => week.resolutionMetPercent) },
    ],
  });
}

function breachesChart(report: SlaReport, language: CliLanguage): string {
  return verticalBarChart({
    id: 'chart-breaches',
    title: label('breachesHeading', language),
    categories: report.breachesByLine.map((row) => row.line),
    bars: [
      { id: 'response-missed', label: label('seriesResponseBreaches', language), values: report.breachesByLine.map((row) => row.responseMissed) },
      { id: 'resolution-missed', label: label('seriesResolutionBreaches', language), values: report.breachesByLine.map((row) => row.resolutionMissed) },
    ],
  });
}

function articlesChart(report: SlaReport, language: CliLanguage): string {
  if (report.articles.length === 0) {
    return `<p class="empty">${escapeXml(label('noArticles', language))}</p>`;
  }
  return horizontalBarChart({
    id: 'chart-articles',
    title: label('articlesHeading', language),
    categories: report.articles.map((article) => article.articleId),
    bars: [
      { id: 'answered', label: label('seriesAnswered', language), values: report.articles.map((article) => article.answered) },
      { id: 'deflected', label: label('seriesDeflected', language), values: report.articles.map((article) => article.deflected) },
    ],
  });
}

function section(heading: LabelId, body: string, language: CliLanguage): string {
  return `<section><h2>${escapeXml(label(heading, language))}</h2><div class="panel">${body}</div></section>`;
}

export function formatSlaHtml(report: SlaReport, language: CliLanguage): string {
  const { total } = report;
  const title = `${label('title', language)} ${report.period.from} – ${report.period.to}`;
  const body =
    total.tickets === 0
      ? `<p class="empty">${escapeXml(label('noTickets', language))}</p>`
      : [
          `<div class="kpis">`,
          kpi('tickets', String(total.tickets), language),
          kpi('kpiResponse', formatPercent(total.firstResponse.metPercent, language), language),
          kpi('kpiResolution', formatPercent(total.resolution.metPercent, language), language),
          kpi('kpiDeflection', formatPercent(total.deflectionPercent, language), language),
          kpi('kpiReopen', formatPercent(total.reopenRatePercent, language), language),
          `</div>`,
          section('trendHeading', trendChart(report, language), language),
          section('breachesHeading', breachesChart(report, language), language),
          section('articlesHeading', articlesChart(report, language), language),
          section('groupsHeading', groupsTable(report, language), language),
        ].join('\n');

  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>
<h1>${escapeXml(label('title', language))}</h1>
<p class="meta">${escapeXml(periodLine(report, language))}</p>
<p class="meta">${escapeXml(asOfLine(report, language))}</p>
</header>
${body}
${section('targetsHeading', targetsTable(report, language), language)}
<footer><p>${escapeXml(label('definitions', language))}</p></footer>
</main>
</body>
</html>
`;
}
