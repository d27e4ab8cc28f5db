import { message, type CliLanguage } from '../config/index.js';
import type { DemoReport } from './demo-command.js';

const ACTION_LABELS: Record<CliLanguage, Record<string, string>> = {
  en: {
    'auto-replied': 'auto-replied with article',
    acknowledged: 'acknowledged',
    attached: 'attached to ticket',
    automatic: 'recorded as automatic',
    quarantined: 'quarantined',
  },
  pl: {
    'auto-replied': 'odpowiedź z artykułem',
    acknowledged: 'potwierdzono przyjęcie',
    attached: 'dołączono do zgłoszenia',
    automatic: 'zapisano jako automatyczną',
    quarantined: 'kwarantanna',
  },
};

const HEADERS: Record<CliLanguage, [string, string, string]> = {
  en: ['File', 'Ticket', 'What happened'],
  pl: ['Plik', 'Zgłoszenie', 'Co się stało'],
};

/** Prints one JSON object per mail and then the summary object, for scripts. */
export function formatDemoJson(report: DemoReport): string {
  const lines = report.rows.map((row) =>
    JSON.stringify({ file: row.file, ticket: row.ticket, action: row.action, reason: row.reason, article: row.article }),
  );
  lines.push(JSON.stringify({ summary: report.summary }));
  return `${lines.join('\n')}\n`;
}

function describe(row: DemoReport['rows'][number], language: CliLanguage): string {
  const label = ACTION_LABELS[language][row.action];
  const parts = [row.action === 'auto-replied' && row.article ? `${label} ${row.article}` : label];
  if (row.action === 'attached' && row.ticket !== null) {
    parts[0] = `${label} #${row.ticket}`;
  }
  if (row.reason) {
    parts.push(`(${row.reason})`);
  }
  return parts.join(' ');
}

/** Prints the human-readable demo table in the CLI's language. */
export function formatDemoTable(report: DemoReport, language: CliLanguage): string {
  const [fileHeader, ticketHeader, whatHeader] = HEADERS[language];
  const fileWidth = Math.min(60, Math.max(fileHeader.length, ...report.rows.map((row) => row.file.length)));
  const out: string[] = [message('demoHeading', language), ''];
  out.push(`${fileHeader.padEnd(fileWidth)}  ${ticketHeader.padEnd(10)}  ${whatHeader}`);
  out.push(`${'-'.repeat(fileWidth)}  ${'-'.repeat(10)}  ${'-'.repeat(whatHeader.length)}`);
  for (const row of report.rows) {
    const file = row.file.length > fileWidth ? `…${row.file.slice(row.file.length - fileWidth + 1)}` : row.file;
    const ticket = row.ticket === null ? '—' : `#${row.ticket}`;
    out.push(`${file.padEnd(fileWidth)}  ${ticket.padEnd(10)}  ${describe(row, language)}`);
  }
  out.push('', message('demoEscalations', language));
  if (report.escalations.length === 0) {
    out.push(`  ${message('demoNoEscalations', language)}`);
  }
  for (const escalation of report.escalations) {
    const where = escalation.slackChannel ? `Slack ${escalation.slackChannel}${escalation.posted ? '' : ' (!)'}` : 'e-mail';
    out.push(`  #${escalation.ticket} → ${escalation.line}  ${where}  ${escalation.at.toISOString()}`);
  }
  out.push('', `${message('demoSummary', language)}:`);
  for (const [action, count] of Object.entries(report.summary)) {
    out.push(`  ${ACTION_LABELS[language][action].padEnd(28)} ${count}`);
  }
  return `${out.join('\n')}\n`;
}
