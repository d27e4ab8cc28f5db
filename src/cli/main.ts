import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import pino from 'pino';
import { createLogger, setRootLogger } from '../logging/logger.js';
import { ConfigError, loadProcessConfig, processLogLevel, message, parseDuration, processCliLanguage } from '../config/index.js';
import { projectRoot } from '../project-root.js';
import { runDemo } from './demo-command.js';
import { formatDemoJson, formatDemoTable } from './demo-output.js';
import { registerKbCommands } from './kb-commands.js';
import { registerMailCommands } from './mail-commands.js';
import { registerReportCommands } from './report-commands.js';
import { registerSlaCommands } from './sla-commands.js';
import { WORKER_NAMES } from './run-workers.js';
import { runStart, runSingleWorker } from './start-command.js';
import { registerTicketCommands } from './ticket-commands.js';

const language = processCliLanguage();

/** Accepts a MongoDB database name the demo may empty: letters, digits, _ and -, at most 63 characters. */
function databaseName(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(value)) {
    throw new InvalidArgumentError('use letters, digits, _ and - only, at most 63 characters, e.g. linia_demo');
  }
  return value;
}

function durationOption(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) {
    throw new InvalidArgumentError('expected a duration such as 5s, 2m or 1h30m');
  }
  return ms;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Prints a failure in the CLI's language and sets a non-zero exit code. */
export function reportFailure(error: unknown): void {
  if (error instanceof ConfigError) {
    process.stderr.write(`${message('configInvalid', language)}\n`);
    for (const problem of error.problems) {
      process.stderr.write(`  - ${problem}\n`);
    }
    process.stderr.write(`${message('configFixHint', language)}\n`);
    process.exitCode = 78;
    return;
  }
  process.stderr.write(`${message('failed', language)}: ${(error as Error).message ?? String(error)}\n`);
  process.exitCode = 1;
}

// A reader that closes the pipe early (`linia kb list | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(0);
  }
  throw error;
});

const program = new Command();
program
  .name('linia')
  .description('Linia: IT support bot. E-mails and Slack messages become tickets, answered from the knowledge base or escalated to L2/L3 agents.')
  .showHelpAfterError()
  .hook('preAction', (_program, action) => {
    // Long-running workers log to standard output as services do; the other commands
    // print their results there, so their logs go to standard error.
    const top = action.parent === program ? action.name() : (action.parent?.name() ?? '');
    if (top !== 'start' && top !== 'worker') {
      setRootLogger(createLogger(processLogLevel() ?? 'warn', pino.destination(2)));
    }
  });

program
  .command('start')
  .description('run every worker the configuration enables in this process, with /healthz, /readyz and /metrics')
  .action(() => runStart(language).catch(reportFailure));

program
  .command('worker')
  .argument('<name>', WORKER_NAMES.join(', '))
  .description('run one worker in this process')
  .action((name: string) => runSingleWorker(name, language).catch(reportFailure));

program
  .command('config')
  .argument('[action]', 'check', 'check')
  .description('validate the configuration and list every problem with its fix')
  .action(() => {
    try {
      const config = loadProcessConfig();
      process.stdout.write(
        `${JSON.stringify(
          {
            mongodb: config.env.MONGODB_URI.replace(/\/\/[^@/]*@/, '//***@'),
            redis: config.env.REDIS_URL.replace(/\/\/[^@/]*@/, '//***@'),
            imap: config.env.IMAP_HOST ? `${config.env.IMAP_USER}@${config.env.IMAP_HOST}:${config.env.IMAP_PORT}/${config.env.IMAP_MAILBOX}` : null,
            smtp: config.env.SMTP_HOST ? `${config.env.SMTP_HOST}:${config.env.SMTP_PORT}` : null,
            slack: Boolean(config.env.SLACK_BOT_TOKEN),
            policy: config.policy,
          },
          null,
          2,
        )}\n`,
      );
    } catch (error) {
      reportFailure(error);
    }
  });

program
  .command('demo')
  .description('run the pipeline on a folder of .eml files against the local servers (npm run services) and print what happened')
  .option('--emails <dir>', 'folder of .eml files, searched recursively', path.join(projectRoot(), 'examples', 'emails'))
  .option('--kb <dir>', 'knowledge-base folder of Markdown articles (repeatable)', collect)
  .option('--json', 'print one JSON object per mail, then a summary object')
  .option('--database <name>', 'database the demo empties and fills', databaseName, 'linia_demo')
  .addOption(new Option('--l2-after <duration>', 'escalate to L2 after this long').argParser(durationOption).default(3_000, '3s'))
  .addOption(new Option('--l3-after <duration>', 'escalate to L3 after this long at L2').argParser(durationOption).default(3_000, '3s'))
  .addOption(new Option('--timeout <duration>', 'longest wait for the pipeline to settle').argParser(durationOption).default(600_000, '10m'))
  .action(async (options: { emails: string; kb?: string[]; json?: boolean; database: string; l2After: number; l3After: number; timeout: number }) => {
    const interrupt = new AbortController();
    process.once('SIGINT', () => interrupt.abort());
    try {
      const report = await runDemo({
        signal: interrupt.signal,
        emails: path.resolve(options.emails),
        kb: (options.kb ?? [path.join(projectRoot(), 'examples', 'kb')]).map((dir) => path.resolve(dir)),
        json: Boolean(options.json),
        toL2After: options.l2After,
        toL3After: options.l3After,
        timeoutMs: options.timeout,
        language,
        database: options.database,
      });
      process.stdout.write(options.json ? formatDemoJson(report) : formatDemoTable(report, language));
    } catch (error) {
      reportFailure(error);
    }
  });

registerKbCommands(program, language, reportFailure);
registerMailCommands(program, language, reportFailure);
registerReportCommands(program, language, reportFailure);
registerSlaCommands(program, language, reportFailure);
registerTicketCommands(program, language, reportFailure);

program.parseAsync(process.argv).catch(reportFailure);
