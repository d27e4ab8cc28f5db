import { calendarRanges, openSpans, wallClockOf } from './clock-timeline.js';

/**
 * Business-hours arithmetic: SLA targets count only the open hours of a calendar.
 * Every function reads the weekly intervals as half-open (start included, end
 * excluded) in the calendar's local wall-clock time. So 00:00–24:00 is a whole day,
 * and a ticket that arrives at 16:00 on an 08:00–16:00 schedule waits for the next
 * opening.
 */

/** One weekly opening, in local wall-clock time of the calendar's zone. */
export interface WeeklyInterval {
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  /** `HH:MM`, included. */
  start: string;
  /** `HH:MM`, excluded; `24:00` ends the day. */
  end: string;
}

/** Open hours that SLA time is counted in. */
export interface BusinessCalendar {
  name: string;
  /** IANA time zone of `weekly` and of `isHoliday`'s dates, e.g. Europe/Warsaw. */
  timeZone: string;
  /** Every instant counts; `weekly` and `isHoliday` are then not consulted. */
  always24x7: boolean;
  weekly: WeeklyInterval[];
  /** Whether the local date (`YYYY-MM-DD`) is closed all day. */
  isHoliday(localDate: string): boolean;
}

function instant(value: Date, name: string): number {
  const time = value.getTime();
  if (!Number.isFinite(time)) {
    throw new RangeError(`${name} is an invalid date`);
  }
  return time;
}

/**
 * Returns the earliest instant at which `durationMs` of open time has passed since
 * `start`. When the duration runs out exactly at a closing time, that closing time is
 * returned: Friday 15:55 + 5 min on 08:00–16:00 is Friday 16:00. A notice that must go
 * out during open hours is sent at `nextOpening` of the result.
 * A zero duration returns `start`. Throws `NoBusinessTimeError` when the calendar has
 * no open hours for the duration within 100 years.
 */
export function addBusinessTime(start: Date, durationMs: number, calendar: BusinessCalendar): Date {
  const from = instant(start, 'start');
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`duration ${durationMs} ms is invalid; use a finite number of milliseconds, 0 or more`);
  }
  if (durationMs === 0) {
    return new Date(from);
  }
  let remaining = durationMs;
  for (const span of openSpans(from, calendar)) {
    const length = span.end - span.start;
    if (remaining <= length) {
      return new Date(span.start + remaining);
    }
    remaining -= length;
  }
  // openSpans throws NoBusinessTimeError before it runs out, so this is never reached.
  throw new Error('unreachable: openSpans ended without an error');
}

/** Returns the open time from `from` (included) to `to` (excluded) in milliseconds, or 0 when `to` is not after `from`. */
export function businessTimeBetween(from: Date, to: Date, calendar: BusinessCalendar): number {
  const start = instant(from, 'from');
  const end = instant(to, 'to');
  if (end <= start) {
    return 0;
  }
  let total = 0;
  for (const span of openSpans(start, calendar, end)) {
    total += span.end - span.start;
  }
  return total;
}

/** Tells whether `at` lies in the calendar's open hours (a closing time itself is closed). */
export function isOpen(at: Date, calendar: BusinessCalendar): boolean {
  const time = instant(at, 'at');
  if (calendar.always24x7) {
    return true;
  }
  const local = wallClockOf(time, calendar.timeZone);
  if (calendar.isHoliday(local.date)) {
    return false;
  }
  const ms = local.ms;
  return calendarRanges(calendar)[local.weekday].some((range) => ms >= range.start * 60_000 && ms < range.end * 60_000);
}

/** Returns `at` when the calendar is open then, otherwise the start of its next open span. */
export function nextOpening(at: Date, calendar: BusinessCalendar): Date {
  const time = instant(at, 'at');
  for (const span of openSpans(time, calendar)) {
    return new Date(span.start);
  }
  throw new Error('unreachable: openSpans ended without an error');
}
