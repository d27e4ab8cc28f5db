import type { Command } from 'commander';
import { loadProcessConfig, type CliLanguage } from '../config/index.js';
import { loadKbStats, type KbArticleStats } from '../kb/kb-stats.js';
import { connectStore, disconnectStore } from '../store/connection.js';

const HEADERS = {
  article: { en: 'Article', pl: 'Artykuł' },
  autoAnswers: { en: 'Auto-answers', pl: 'Odpowiedzi' },
  solved: { en: 'Solved', pl: 'Rozwiązane' },
  needsHelp: { en: 'Needs help', pl: 'Potrzebna pomoc' },
  escalated: { en: 'Escalated', pl: 'Eskalowane' },
  solvedRate: { en: 'Solved %', pl: '% rozwiązanych' },
  escalationRate: { en: 'Escalated %', pl: '% eskalowanych' },
  deflectionRate: { en: 'Deflection %', pl: '% bez konsultanta' },
  total: { en: 'All articles', pl: 'Wszystkie artykuły' },
  empty: { en: 'No automatic answers and no feedback recorded yet.', pl: 'Nie zapisano jeszcze żadnych automatycznych odpowiedzi ani opinii.' },
} as const;

function percent(value: number | null): string {
  return value === null ? '—' : `${Math.round(value * 100)}%`;
}

/** Adds up the per-article statistics; rates are over all automatic answers. */
export function totalStats(stats: readonly KbArticleStats[]): KbArticleStats {
  const sum = (pick: (entry: KbArticleStats) => number): number => stats.reduce((total, entry) => total + pick(entry), 0);
  const autoAnswers = sum((entry) => entry.autoAnswers);
  const deflected = sum((entry) => Math.round((entry.deflectionRate ?? 0) * entry.autoAnswers));
  const rate = (count: number): number | null => (autoAnswers === 0 ? null : count / autoAnswers);
  return {
    articleId: '*',
    autoAnswers,
    solved: sum((entry) => entry.solved),
    needsHelp: sum((entry) => entry.needsHelp),
    escalated: sum((entry) => entry.escalated),
    solvedRate: rate(sum((entry) => entry.solved)),
    escalationRate: rate(sum((entry) => entry.escalated)),
    deflectionRate: rate(deflected),
  };
}

/** Formats the statistics as a table, one row per article and a total row. */
export function formatKbStats(stats: readonly KbArticleStats[], language: CliLanguage): string {
  if (stats.length === 0) {
    return `${HEADERS.empty[language]}\n`;
  }
  const columns = ['autoAnswers', 'solved', 'needsHelp', 'escalated', 'solvedRate', 'escalationRate', 'deflectionRate'] as const;
  const cell = (entry: KbArticleStats, column: (typeof columns)[number]): string => {
    const value = entry[column];
    return column.endsWith('Rate') ? percent(value) : String(value);
  };
  const total = { ...totalStats(stats), articleId: HEADERS.total[language] };
  const rows = [...stats, total];
  const idWidth = Math.max(HEADERS.article[language].length, ...rows.map((entry) => entry.articleId.length));
  const widths = columns.map((column) => Math.max(HEADERS[column][language].length, ...rows.map((entry) => cell(entry, column).length)));
  const line = (first: string, cells: string[]): string => `${first.padEnd(idWidth)}  ${cells.map((text, index) => text.padStart(widths[index] ?? 0)).join('  ')}`;
  return `${[
    line(HEADERS.article[language], columns.map((column) => HEADERS[column][language])),
    ...stats.map((entry) => line(entry.articleId, columns.map((column) => cell(entry, column)))),
    line(total.articleId, columns.map((column) => cell(total, column))),
  ].join('\n')}\n`;
}

/** Adds `linia kb stats` to the `kb` command. */
export function registerKbStatsCommand(kb: Command, language: CliLanguage, onError: (error: unknown) => void): void {
  kb.command('stats')
    .description('show per article: automatic answers, solved rate, escalation rate and deflection')
    .option('--json', 'one JSON object per article, then one with the totals')
    .action(async (options: { json?: boolean }) => {
      try {
        const config = loadProcessConfig();
        await connectStore(config.env.MONGODB_URI);
        let stats: KbArticleStats[];
        try {
          stats = await loadKbStats();
        } finally {
          await disconnectStore();
        }
        if (options.json) {
          const lines = [...stats.map((entry) => JSON.stringify(entry)), JSON.stringify({ total: totalStats(stats) })];
          process.stdout.write(`${lines.join('\n')}\n`);
          return;
        }
        process.stdout.write(formatKbStats(stats, language));
      } catch (error) {
        onError(error);
      }
    });
}
