/** The SLA report as one JSON document; dates are ISO-8601 in UTC. */
import type { SlaReport } from './sla-report-types.js';

export function formatSlaJson(report: SlaReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
