import type { Command } from 'commander';
import { loadProcessConfig, type CliLanguage } from '../config/index.js';
import { getLogger } from '../logging/logger.js';
import { openQueues } from '../queues/queues.js';
import { connectStore, disconnectStore } from '../store/connection.js';
import { changeTicketField, isCategoryName, isPriority, TicketNotFoundError, type ChangeResult } from '../triage/change-ticket.js';

const TEXTS = {
  invalidNumber: {
    en: (value: string) => `invalid ticket number "${value}"; write a positive whole number such as 12`,
    pl: (value: string) => `nieprawidłowy numer zgłoszenia „${value}”; podaj dodatnią liczbę całkowitą, np. 12`,
  },
  invalidPriority: {
    en: (value: string) => `invalid priority "${value}"; use P1, P2, P3 or P4`,
    pl: (value: string) => `nieprawidłowy priorytet „${value}”; użyj P1, P2, P3 lub P4`,
  },
  invalidCategory: {
    en: (value: string) => `invalid category "${value}"; use letters, digits, "-" or "_" (at most 64), e.g. network`,
    pl: (value: string) => `nieprawidłowa kategoria „${value}”; użyj liter, cyfr, „-” lub „_” (najwyżej 64), np. network`,
  },
  notFound: {
    en: (ticketNumber: number) => `ticket #${ticketNumber} not found; check the number with the ticket's tag, e.g. [#12]`,
    pl: (ticketNumber: number) => `nie znaleziono zgłoszenia #${ticketNumber}; sprawdź numer w znaczniku zgłoszenia, np. [#12]`,
  },
  changed: {
    en: (result: ChangeResult) => `Ticket #${result.ticketNumber}: ${result.field} ${result.from ?? '—'} → ${result.to ?? '—'}; SLA deadlines re-planned.`,
    pl: (result: ChangeResult) =>
      `Zgłoszenie #${result.ticketNumber}: ${result.field === 'priority' ? 'priorytet' : 'kategoria'} ${result.from ?? '—'} → ${result.to ?? '—'}; terminy SLA przeliczone na nowo.`,
  },
  unchanged: {
    en: (result: ChangeResult) => `Ticket #${result.ticketNumber} already has ${result.field} ${result.to ?? '—'}; nothing changed.`,
    pl: (result: ChangeResult) =>
      `Zgłoszenie #${result.ticketNumber} ma już ${result.field === 'priority' ? 'priorytet' : 'kategorię'} ${result.to ?? '—'}; nic nie zmieniono.`,
  },
} as const;

/** Raised for invalid command arguments; the message is in the CLI's language. */
class TicketArgumentError extends Error {
  override readonly name = 'TicketArgumentError';
}

function parseTicketNumber(value: string, language: CliLanguage): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new TicketArgumentError(TEXTS.invalidNumber[language](value));
  }
  return Number(value);
}

/** Connects the store and Redis, changes the field under the ticket's lock and re-plans its SLA timers. */
async function runChange(
  field: 'priority' | 'category',
  ticketNumber: number,
  value: string,
  agent: string | undefined,
  language: CliLanguage,
): Promise<ChangeResult> {
  const config = loadProcessConfig();
  await connectStore(config.env.MONGODB_URI);
  const queues = openQueues(config.env.REDIS_URL, config.env.LINIA_QUEUE_PREFIX);
  try {
    return await changeTicketField({ config, queues, log: getLogger('ticket-command') }, ticketNumber, field, value, agent);
  } catch (error) {
    if (error instanceof TicketNotFoundError) {
      throw new TicketArgumentError(TEXTS.notFound[language](error.ticketNumber), { cause: error });
    }
    throw error;
  } finally {
    await queues.close();
    await disconnectStore();
  }
}

/** Adds `linia ticket priority|category`. */
export function registerTicketCommands(program: Command, language: CliLanguage, onError: (error: unknown) => void): void {
  const ticket = program.command('ticket').description('change a ticket; its SLA deadlines are re-planned');

  const report = (result: ChangeResult, json: boolean | undefined): void => {
    if (json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    process.stdout.write(`${(result.changed ? TEXTS.changed : TEXTS.unchanged)[language](result)}\n`);
  };

  ticket
    .command('priority')
    .argument('<number>', 'ticket number, e.g. 12')
    .argument('<priority>', 'P1, P2, P3 or P4')
    .option('--agent <name>', 'who made the change, recorded on the timeline')
    .option('--json', 'print the result as one JSON object')
    .description('set the priority and re-plan the SLA deadlines with its targets')
    .action(async (numberText: string, priority: string, options: { agent?: string; json?: boolean }) => {
      try {
        const ticketNumber = parseTicketNumber(numberText, language);
        const normalized = priority.trim().toUpperCase();
        if (!isPriority(normalized)) {
          throw new TicketArgumentError(TEXTS.invalidPriority[language](priority));
        }
        report(await runChange('priority', ticketNumber, normalized, options.agent, language), options.json);
      } catch (error) {
        onError(error);
      }
    });

  ticket
    .command('category')
    .argument('<number>', 'ticket number, e.g. 12')
    .argument('<name>', 'category name, e.g. network')
    .option('--agent <name>', 'who made the change, recorded on the timeline')
    .option('--json', 'print the result as one JSON object')
    .description('set the category and re-plan the SLA deadlines with its targets')
    .action(async (numberText: string, name: string, options: { agent?: string; json?: boolean }) => {
      try {
        const ticketNumber = parseTicketNumber(numberText, language);
        const category = name.trim();
        if (!isCategoryName(category)) {
          throw new TicketArgumentError(TEXTS.invalidCategory[language](name));
        }
        report(await runChange('category', ticketNumber, category, options.agent, language), options.json);
      } catch (error) {
        onError(error);
      }
    });
}
