import path from 'node:path';
import type { Command } from 'commander';
import { loadProcessConfig, type CliLanguage } from '../config/index.js';
import { readEvalQueries } from '../kb/eval-queries.js';
import { evaluateMatcher, type EvalReport } from '../kb/evaluate.js';
import { loadKbFolders } from '../kb/markdown-article.js';
import { createBm25Matcher } from '../kb/matcher.js';
import { confidenceThresholdFor, type KbThresholdPolicy } from '../kb/thresholds.js';
import { formatEvalReport } from './kb-eval-output.js';

export interface KbEvalOptions {
  kb: string[];
  queries: string;
  /** Overrides the thresholds of the policy file for every query. */
  threshold?: number;
  /** The policy's knowledge-base thresholds; read from the process configuration when missing. */
  policy?: KbThresholdPolicy;
}

/**
 * Builds an index in memory from the folders, without any server, and evaluates the
 * query file against it. Files that cannot be read are returned as warnings.
 */
export async function runKbEval(options: KbEvalOptions): Promise<{ report: EvalReport; warnings: string[] }> {
  const folders = options.kb.map((dir) => path.resolve(dir));
  const loaded = await loadKbFolders(folders);
  if (loaded.articles.length === 0) {
    const reasons = loaded.errors.map((error) => `${error.source}/${error.file}: ${error.reason}`).join('; ');
    throw new Error(`no article could be read from ${folders.join(', ')}${reasons ? ` (${reasons})` : ''}`);
  }
  const queries = await readEvalQueries(options.queries);
  const policy = options.policy ?? loadProcessConfig().policy.kb;
  const thresholdFor = (category: string | null): number => options.threshold ?? confidenceThresholdFor(policy, category);

  const matcher = createBm25Matcher(loaded.articles);
  const report = evaluateMatcher(matcher, loaded.articles, queries, { thresholdFor });
  const warnings = loaded.errors.map((error) => `${error.source}/${error.file}: ${error.reason}`);
  return { report, warnings };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function thresholdOption(value: string): number {
  const threshold = Number(value);
  if (value.trim() === '' || !Number.isFinite(threshold) || threshold < 0 || threshold > 1) {
    throw new Error(`--threshold must be a number from 0 to 1, got "${value}"`);
  }
  return threshold;
}

/** Adds `linia kb eval` to the `kb` command. */
export function registerKbEvalCommand(kb: Command, language: CliLanguage, onError: (error: unknown) => void): void {
  kb.command('eval')
    .description('measure answer quality on a labelled query file, with an in-memory index of the folders (no server needed)')
    .requiredOption('--kb <dir>', 'knowledge-base folder of Markdown articles (repeatable)', collect)
    .requiredOption('--queries <file>', 'JSON lines of {"id","query","language","expected_article","also_acceptable"}')
    .option('--threshold <confidence>', 'confidence threshold from 0 to 1 (default: from the policy file, else 0.3)')
    .option('--json', 'print the whole report, per-query results included, as one JSON object')
    .action(async (options: { kb: string[]; queries: string; threshold?: string; json?: boolean }) => {
      try {
        const threshold = options.threshold === undefined ? undefined : thresholdOption(options.threshold);
        const { report, warnings } = await runKbEval({ kb: options.kb, queries: options.queries, threshold });
        for (const warning of warnings) {
          process.stderr.write(`  ${warning}\n`);
        }
        process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatEvalReport(report, language));
      } catch (error) {
        onError(error);
      }
    });
}
