import type { CliLanguage } from '../config/index.js';
import type { EvalMetrics, EvalReport } from '../kb/evaluate.js';

/** Text output of `linia kb eval`: a table of the metrics, then the queries the bot got wrong or missed. */

const LABELS = {
  heading: { en: 'Knowledge-base evaluation', pl: 'Ocena bazy wiedzy' },
  summary: {
    en: (queries: number, articles: number, threshold: string) => `${queries} queries, ${articles} articles, threshold ${threshold}`,
    pl: (queries: number, articles: number, threshold: string) => `${queries} pytań, ${articles} artykułów, próg ${threshold}`,
  },
  all: { en: 'all', pl: 'razem' },
  queries: { en: 'queries', pl: 'pytania' },
  answerable: { en: 'answerable', pl: 'z odpowiedzią' },
  unanswerable: { en: 'unanswerable', pl: 'bez odpowiedzi' },
  precisionAt1: { en: 'P@1 (answerable)', pl: 'P@1 (z odpowiedzią)' },
  recallAt3: { en: 'recall@3 (answerable)', pl: 'recall@3 (z odpowiedzią)' },
  wrongAnswerRate: { en: 'wrong answers (all)', pl: 'błędne odpowiedzi (wszystkie)' },
  abstentionRate: { en: 'abstention (unanswerable)', pl: 'wstrzymanie (bez odpowiedzi)' },
  latency: { en: 'latency per query', pl: 'czas na pytanie' },
  unknownLabels: {
    en: 'Labels that name no loaded article (check the ids and the --kb folders):',
    pl: 'Etykiety, które nie wskazują żadnego wczytanego artykułu (sprawdź identyfikatory i foldery --kb):',
  },
  misses: { en: 'Queries not answered correctly:', pl: 'Pytania bez poprawnej odpowiedzi:' },
  expected: { en: 'expected', pl: 'oczekiwany' },
  got: { en: 'top', pl: 'pierwszy' },
  none: { en: 'none', pl: 'brak' },
  outcome: {
    wrong_answer: { en: 'WRONG', pl: 'BŁĄD' },
    abstained: { en: 'abstained', pl: 'wstrzymano' },
    correct: { en: 'correct', pl: 'poprawnie' },
  },
} as const;

function formatRate(value: number | null): string {
  return value === null ? '—' : value.toFixed(3);
}

function formatCount(value: number): string {
  return String(value);
}

/** Formats the metrics as a table with one column for all queries and one per language. */
function metricsTable(report: EvalReport, language: CliLanguage): string[] {
  const columns: Array<[string, EvalMetrics]> = [[LABELS.all[language], report.overall], ...Object.entries(report.byLanguage)];
  const rows: Array<[string, (metrics: EvalMetrics) => string]> = [
    [LABELS.queries[language], (metrics) => formatCount(metrics.queries)],
    [LABELS.answerable[language], (metrics) => formatCount(metrics.answerable)],
    [LABELS.unanswerable[language], (metrics) => formatCount(metrics.unanswerable)],
    [LABELS.precisionAt1[language], (metrics) => formatRate(metrics.precisionAt1)],
    [LABELS.recallAt3[language], (metrics) => formatRate(metrics.recallAt3)],
    [LABELS.wrongAnswerRate[language], (metrics) => formatRate(metrics.wrongAnswerRate)],
    [LABELS.abstentionRate[language], (metrics) => formatRate(metrics.abstentionRate)],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const columnWidth = Math.max(8, ...columns.map(([name]) => name.length + 2));
  const header = `${' '.repeat(labelWidth)}${columns.map(([name]) => name.padStart(columnWidth)).join('')}`;
  return [
    header,
    ...rows.map(([label, value]) => `${label.padEnd(labelWidth)}${columns.map(([, metrics]) => value(metrics).padStart(columnWidth)).join('')}`),
  ];
}

/** Formats the report for a terminal, in the CLI's language. */
export function formatEvalReport(report: EvalReport, language: CliLanguage): string {
  const lines = [
    `${LABELS.heading[language]}: ${LABELS.summary[language](report.overall.queries, report.articles, report.threshold.toFixed(2))}`,
    '',
    ...metricsTable(report, language),
    '',
    `${LABELS.latency[language]}: p50 ${report.latencyMs.p50.toFixed(3)} ms, p99 ${report.latencyMs.p99.toFixed(3)} ms, max ${report.latencyMs.max.toFixed(3)} ms`,
  ];
  if (report.unknownLabels.length > 0) {
    lines.push('', LABELS.unknownLabels[language], ...report.unknownLabels.map((label) => `  ${label}`));
  }
  const misses = report.results.filter((result) => result.outcome === 'wrong_answer' || (result.outcome === 'abstained' && result.expected !== null));
  if (misses.length > 0) {
    lines.push('', LABELS.misses[language]);
    for (const miss of misses) {
      const top = miss.top ? `${miss.top.article} (${miss.top.confidence.toFixed(2)})` : LABELS.none[language];
      lines.push(
        `  ${miss.id} [${miss.language}] ${LABELS.outcome[miss.outcome][language]}: ${LABELS.expected[language]} ${miss.expected ?? LABELS.none[language]}, ${LABELS.got[language]} ${top}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
