import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { loadProcessConfig, type CliLanguage } from '../config/index.js';
import { label } from '../reports/report-labels.js';
import { InvalidReportPeriodError, parseReportPeriod } from '../reports/report-period.js';
import { computeSlaReport, renderSlaReport, REPORT_FORMATS, type ReportFormat } from '../reports/sla-report.js';
import { connectStore, disconnectStore } from '../store/connection.js';

interface SlaOptions {
  from: string;
  to: string;
  format: ReportFormat;
  out?: string;
  lang?: CliLanguage;
}

/** Writes through a temporary file in the same folder, so a reader never sees half a report. */
async function writeReportFile(file: string, content: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await writeFile(temporary, content, 'utf8');
  await rename(temporary, file);
}

/** Adds `linia report sla`. */
export function registerReportCommands(program: Command, language: CliLanguage, reportFailure: (error: unknown) => void): void {
  const report = program.command('report').description('reports computed from the ticket store');

  report
    .command('sla')
    .description('SLA compliance per line, priority and category for the tickets created from --from to --to')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD, in the policy time zone (timeZone, Europe/Warsaw by default)')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD, included')
    .addOption(new Option('--format <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .option('--out <file>', 'write the report to this file instead of standard output')
    .addOption(new Option('--lang <language>', 'language of the labels (default: LINIA_LANG or the locale)').choices(['pl', 'en']))
    .action(async (options: SlaOptions) => {
      const outputLanguage = options.lang ?? language;
      try {
        const config = loadProcessConfig();
        const period = parseReportPeriod(options.from, options.to, config.policy.timeZone);
        await connectStore(config.env.MONGODB_URI);
        let content: string;
        try {
          const computed = await computeSlaReport({ policy: config.policy, period });
          content = renderSlaReport(computed, options.format, outputLanguage);
        } finally {
          await disconnectStore();
        }
        if (options.out) {
          const file = path.resolve(options.out);
          await writeReportFile(file, content);
          process.stdout.write(`${label('writtenTo', outputLanguage)} ${file}\n`);
        } else {
          process.stdout.write(content);
        }
      } catch (error) {
        reportFailure(error instanceof InvalidReportPeriodError ? new Error(error.localizedMessage(outputLanguage)) : error);
      }
    });
}
