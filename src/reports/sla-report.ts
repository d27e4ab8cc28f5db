/**
 * Entry points of the SLA compliance report: compute it from the store for a
 * period, and render it in one of the four formats.
 */
import type { CliLanguage, Policy } from '../config/index.js';
import { buildSlaReport } from './build-sla-report.js';
import { formatSlaCsv } from './format-csv.js';
import { formatSlaHtml } from './format-html.js';
import { formatSlaJson } from './format-json.js';
import { formatSlaTable } from './format-table.js';
import { loadReportTickets } from './load-report-tickets.js';
import type { ReportPeriod, SlaReport } from './sla-report-types.js';

export const REPORT_FORMATS = ['table', 'csv', 'json', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface SlaReportRequest {
  policy: Policy;
  /** From `parseReportPeriod`, in the policy's time zone. */
  period: ReportPeriod;
  /** Defaults to now. */
  asOf?: Date;
}

/** Computes the report for the tickets created in the period; needs a connected store. */
export async function computeSlaReport(request: SlaReportRequest): Promise<SlaReport> {
  const asOf = request.asOf ?? new Date();
  const tickets = await loadReportTickets(request.period);
  return buildSlaReport({ policy: request.policy, period: request.period, asOf, tickets });
}

export function renderSlaReport(report: SlaReport, format: ReportFormat, language: CliLanguage): string {
  switch (format) {
    case 'table':
      return formatSlaTable(report, language);
    case 'csv':
      return formatSlaCsv(report);
    case 'json':
      return formatSlaJson(report);
    case 'html':
      return formatSlaHtml(report, language);
  }
}
