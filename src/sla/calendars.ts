import type { Policy } from '../config/policy.js';
import type { BusinessCalendar, WeeklyInterval } from './business-clock.js';
import { BUILT_IN_SCHEDULES } from './clock-schedule-schema.js';
import { isPolishHoliday } from './polish-holidays.js';

/** Hours of the built-in `default` schedule: Monday–Friday 08:00–16:00. */
const DEFAULT_WEEKLY: WeeklyInterval[] = ([1, 2, 3, 4, 5] as const).map((weekday) => ({ weekday, start: '08:00', end: '16:00' }));

const WHOLE_WEEK: WeeklyInterval[] = ([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));

/** Raised for a schedule name that is neither built in nor in the policy file. */
export class UnknownScheduleError extends Error {
  override readonly name = 'UnknownScheduleError';

  constructor(
    readonly schedule: string,
    readonly known: string[],
  ) {
    super(`schedule "${schedule}" is unknown; use one of: ${known.join(', ')} (add others under schedules in the policy file)`);
  }
}

/** Names of every schedule a policy offers: the built-in ones first, then the policy's in file order. */
export function scheduleNames(policy: Policy): string[] {
  return [...BUILT_IN_SCHEDULES, ...Object.keys(policy.schedules)];
}

function polishHolidaysWithExtra(extra: readonly string[]): (localDate: string) => boolean {
  const extraDates = new Set(extra);
  return (localDate) => extraDates.has(localDate) || isPolishHoliday(localDate);
}

/**
 * Returns the business calendar called `name`: `default` (Monday–Friday 08:00–16:00
 * in the policy's `timeZone`, closed on Polish public holidays and `holidays.extra`),
 * `24x7` (every minute counts), or a schedule from the policy's `schedules`.
 * Throws `UnknownScheduleError` for any other name.
 */
export function resolveCalendar(policy: Policy, name: string): BusinessCalendar {
  if (name === 'default') {
    return {
      name,
      timeZone: policy.timeZone,
      always24x7: false,
      weekly: DEFAULT_WEEKLY,
      isHoliday: polishHolidaysWithExtra(policy.holidays.extra),
    };
  }
  if (name === '24x7') {
    return { name, timeZone: policy.timeZone, always24x7: true, weekly: WHOLE_WEEK, isHoliday: () => false };
  }
  const schedule = Object.hasOwn(policy.schedules, name) ? policy.schedules[name] : undefined;
  if (!schedule) {
    throw new UnknownScheduleError(name, scheduleNames(policy));
  }
  return {
    name,
    timeZone: schedule.timeZone ?? policy.timeZone,
    always24x7: false,
    weekly: schedule.weekly,
    isHoliday: schedule.holidays === 'polish' ? polishHolidaysWithExtra(policy.holidays.extra) : () => false,
  };
}
