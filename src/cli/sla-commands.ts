import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { loadProcessConfig, type CliLanguage } from '../config/index.js';
import { addBusinessTime, nextOpening, type BusinessCalendar } from '../sla/business-clock.js';
import { formatBusinessDuration, parseBusinessDuration } from '../sla/business-duration.js';
import { resolveCalendar, UnknownScheduleError } from '../sla/calendars.js';
import { parseDateTime } from '../sla/clock-datetime.js';
import { NoBusinessTimeError } from '../sla/clock-timeline.js';

/** Texts of `linia sla due`; `{x}` marks are replaced by the values. */
const TEXTS = {
  fromMissing: {
    en: 'option --from is missing; give the start as ISO-8601, e.g. --from 2026-12-04T15:00 or --from 2026-12-04T15:00+01:00',
    pl: 'brak opcji --from; podaj początek w formacie ISO-8601, np. --from 2026-12-04T15:00 lub --from 2026-12-04T15:00+01:00',
  },
  fromInvalid: {
    en: '--from "{value}" is not a valid ISO-8601 date-time; write e.g. 2026-12-04T15:00 (time in the schedule\'s zone) or 2026-12-04T15:00+01:00',
    pl: '--from „{value}” nie jest poprawną datą i godziną ISO-8601; napisz np. 2026-12-04T15:00 (czas w strefie harmonogramu) lub 2026-12-04T15:00+01:00',
  },
  targetMissing: {
    en: 'option --target is missing; give the business time in hours and minutes, e.g. --target 4h, 90m or 1h30m',
    pl: 'brak opcji --target; podaj czas pracy w godzinach i minutach, np. --target 4h, 90m lub 1h30m',
  },
  targetInvalid: {
    en: '--target "{value}" is not a duration; write business time in hours and minutes, e.g. 4h, 90m or 1h30m',
    pl: '--target „{value}” nie jest czasem trwania; podaj czas pracy w godzinach i minutach, np. 4h, 90m lub 1h30m',
  },
  targetZero: {
    en: '--target "{value}" is zero; give at least 1m of business time',
    pl: '--target „{value}” wynosi zero; podaj co najmniej 1m czasu pracy',
  },
  scheduleUnknown: {
    en: '--schedule "{value}" is unknown; use one of: {known} (others go under schedules in the policy file)',
    pl: '--schedule „{value}” nie istnieje; użyj jednego z: {known} (inne dodaj w sekcji schedules pliku polityki)',
  },
  noBusinessTime: {
    en: 'schedule "{value}" does not reach {target} of business time within 100 years of --from; use a smaller --target or check the schedule\'s hours and holidays',
    pl: 'harmonogram „{value}” nie osiąga {target} czasu pracy w ciągu 100 lat od --from; podaj mniejszy --target albo sprawdź godziny i święta harmonogramu',
  },
  due: { en: 'Due', pl: 'Termin' },
  notice: { en: 'Notice at the next opening', pl: 'Powiadomienie przy najbliższym otwarciu' },
  from: { en: 'From', pl: 'Od' },
  target: { en: 'Business time', pl: 'Czas pracy' },
  schedule: { en: 'schedule', pl: 'harmonogram' },
} as const;

function text(id: keyof typeof TEXTS, language: CliLanguage, values: Record<string, string> = {}): string {
  return TEXTS[id][language].replace(/\{(\w+)\}/g, (_mark, key: string) => values[key] ?? '');
}

/** Raised for invalid `linia sla due` input; its message is already in the CLI's language. */
class SlaInputError extends Error {
  override readonly name = 'SlaInputError';
}

interface DueOptions {
  from?: string;
  target?: string;
  schedule: string;
  policy?: string;
  json?: boolean;
}

interface DueResult {
  due: DateTime;
  /** First open instant at or after `due`: a deadline at closing time is announced then. */
  noticeAt: DateTime;
  from: DateTime;
  targetMs: number;
  calendar: BusinessCalendar;
}

function computeDue(options: DueOptions, language: CliLanguage): DueResult {
  if (options.from === undefined) {
    throw new SlaInputError(text('fromMissing', language));
  }
  if (options.target === undefined) {
    throw new SlaInputError(text('targetMissing', language));
  }
  const targetMs = parseBusinessDuration(options.target);
  if (targetMs === null) {
    throw new SlaInputError(text('targetInvalid', language, { value: options.target }));
  }
  if (targetMs === 0) {
    throw new SlaInputError(text('targetZero', language, { value: options.target }));
  }

  // The policy file is read only when --policy or LINIA_POLICY_FILE names one.
  const policy = loadProcessConfig([], options.policy ? { LINIA_POLICY_FILE: options.policy } : {}).policy;
  let calendar: BusinessCalendar;
  try {
    calendar = resolveCalendar(policy, options.schedule);
  } catch (error) {
    if (error instanceof UnknownScheduleError) {
      throw new SlaInputError(text('scheduleUnknown', language, { value: error.schedule, known: error.known.join(', ') }));
    }
    throw error;
  }

  const start = parseDateTime(options.from, calendar.timeZone);
  if (!start) {
    throw new SlaInputError(text('fromInvalid', language, { value: options.from }));
  }
  let due: Date;
  try {
    due = addBusinessTime(start, targetMs, calendar);
  } catch (error) {
    if (error instanceof NoBusinessTimeError) {
      throw new SlaInputError(text('noBusinessTime', language, { value: calendar.name, target: options.target }));
    }
    throw error;
  }
  return {
    due: DateTime.fromJSDate(due, { zone: calendar.timeZone }),
    noticeAt: DateTime.fromJSDate(nextOpening(due, calendar), { zone: calendar.timeZone }),
    from: DateTime.fromJSDate(start, { zone: calendar.timeZone }),
    targetMs,
    calendar,
  };
}

function spokenDateTime(at: DateTime, language: CliLanguage): string {
  const time = at.second === 0 && at.millisecond === 0 ? 'HH:mm' : 'HH:mm:ss';
  return at.setLocale(language === 'pl' ? 'pl' : 'en-GB').toFormat(`cccc d MMMM yyyy, ${time}`);
}

function formatHuman(result: DueResult, language: CliLanguage): string {
  const zone = `${result.calendar.timeZone}, UTC${result.due.toFormat('ZZ')}`;
  const target = formatBusinessDuration(result.targetMs);
  const quoted = language === 'pl' ? `„${result.calendar.name}”` : `"${result.calendar.name}"`;
  const lines = [
    `${text('due', language)}: ${spokenDateTime(result.due, language)} (${zone})`,
    `  ${result.due.toISO({ suppressMilliseconds: false })}`,
  ];
  if (result.noticeAt.toMillis() !== result.due.toMillis()) {
    lines.push(`${text('notice', language)}: ${spokenDateTime(result.noticeAt, language)} (UTC${result.noticeAt.toFormat('ZZ')})`);
  }
  lines.push(
    `${text('from', language)}: ${spokenDateTime(result.from, language)} (UTC${result.from.toFormat('ZZ')})`,
    `${text('target', language)}: ${target}, ${text('schedule', language)} ${quoted}`,
    '',
  );
  return lines.join('\n');
}

function formatJson(result: DueResult): string {
  return `${JSON.stringify({
    due: result.due.toISO({ suppressMilliseconds: false }),
    noticeAt: result.noticeAt.toISO({ suppressMilliseconds: false }),
    from: result.from.toISO({ suppressMilliseconds: false }),
    target: formatBusinessDuration(result.targetMs),
    targetMinutes: Math.floor(result.targetMs / 60_000),
    schedule: result.calendar.name,
    timeZone: result.calendar.timeZone,
  })}\n`;
}

/** Adds `linia sla due`: the deadline of a business-time target, computed without any server. */
export function registerSlaCommands(program: Command, language: CliLanguage, onError: (error: unknown) => void): void {
  const sla = program.command('sla').description('SLA deadlines in business hours');

  sla
    .command('due')
    .description('print when a business-time target falls due; --from without an offset is local time of the schedule\'s zone')
    .option('--from <iso-datetime>', 'start, ISO-8601: 2026-12-04T15:00 (schedule\'s zone) or 2026-12-04T15:00+01:00 (required)')
    .option('--target <duration>', 'business time in hours and minutes: 4h, 90m, 1h30m (required)')
    .option('--schedule <name>', 'default (Mon–Fri 08:00–16:00 with Polish holidays), 24x7, or a name from the policy file', 'default')
    .option('--policy <file>', 'policy file with schedules, timeZone and holidays (default: LINIA_POLICY_FILE)')
    .option(
      '--json',
      'print one JSON object; "due" is ISO-8601 with milliseconds and the UTC offset of the schedule\'s zone, "noticeAt" the first open instant at or after it',
    )
    .action((options: DueOptions) => {
      try {
        const result = computeDue(options, language);
        process.stdout.write(options.json ? formatJson(result) : formatHuman(result, language));
      } catch (error) {
        onError(error);
      }
    });
}
