/**
 * The report's period: whole calendar days from `--from` to `--to`, both
 * included, in the time zone of the default business calendar.
 */
import { DateTime } from 'luxon';
import type { CliLanguage } from '../config/index.js';
import type { ReportPeriod } from './sla-report-types.js';

/** Maximum period of one report, so a typo in a year does not scan the whole store. */
export const MAX_PERIOD_DAYS = 366 * 5;

export type PeriodProblem = 'not_a_date' | 'reversed' | 'too_long';

const PROBLEM_MESSAGES: Record<PeriodProblem, Record<CliLanguage, (option: string, value: string) => string>> = {
  not_a_date: {
    en: (option, value) => `${option} "${value}" is not a valid date; write it as YYYY-MM-DD, e.g. 2026-11-02`,
    pl: (option, value) => `${option} "${value}" nie jest poprawną datą; podaj ją jako RRRR-MM-DD, np. 2026-11-02`,
  },
  reversed: {
    en: (_option, value) => `--to ${value} is before --from; give the first day in --from`,
    pl: (_option, value) => `--to ${value} jest wcześniej niż --from; pierwszy dzień podaj w --from`,
  },
  too_long: {
    en: () => `the period is longer than ${MAX_PERIOD_DAYS} days; report on a shorter one`,
    pl: () => `okres jest dłuższy niż ${MAX_PERIOD_DAYS} dni; wybierz krótszy`,
  },
};

/** An invalid --from or --to; `localizedMessage` gives the text in the CLI's language. */
export class InvalidReportPeriodError extends Error {
  override readonly name = 'InvalidReportPeriodError';

  constructor(
    readonly problem: PeriodProblem,
    readonly option: '--from' | '--to',
    readonly value: string,
  ) {
    super(PROBLEM_MESSAGES[problem].en(option, value));
  }

  localizedMessage(language: CliLanguage): string {
    return PROBLEM_MESSAGES[this.problem][language](this.option, this.value);
  }
}

function parseDay(value: string, option: '--from' | '--to', timeZone: string): DateTime {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: timeZone }) : null;
  if (!day?.isValid) {
    throw new InvalidReportPeriodError('not_a_date', option, value);
  }
  return day.startOf('day');
}

/** Parses `--from` and `--to` (YYYY-MM-DD, both included) into instants in `timeZone`. */
export function parseReportPeriod(from: string, to: string, timeZone: string): ReportPeriod {
  const first = parseDay(from, '--from', timeZone);
  const last = parseDay(to, '--to', timeZone);
  if (last < first) {
    throw new InvalidReportPeriodError('reversed', '--to', to);
  }
  const end = last.plus({ days: 1 });
  if (end.diff(first, 'days').days > MAX_PERIOD_DAYS) {
    throw new InvalidReportPeriodError('too_long', '--to', to);
  }
  return { from, to, timeZone, start: first.toJSDate(), end: end.toJSDate() };
}
