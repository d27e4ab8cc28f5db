import { IANAZone } from 'luxon';
import type { BusinessCalendar } from './business-clock.js';
import { normalizeWeekly, type MinuteRange } from './clock-weekly.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * Maximum stretch of wall-clock time searched for open hours: 100 years. A calendar
 * whose every day is a holiday, or a target far beyond what its hours hold, fails
 * with `NoBusinessTimeError` instead of looping for ever.
 */
export const MAX_SEARCH_MS = 100 * 366 * DAY_MS;

/** Raised when a calendar has no open time left within `MAX_SEARCH_MS` of the start. */
export class NoBusinessTimeError extends Error {
  override readonly name = 'NoBusinessTimeError';

  constructor(readonly calendarName: string) {
    super(`calendar "${calendarName}" has no open hours within 100 years of the start; check its weekly hours and holidays`);
  }
}

/** A half-open span of instants [start, end) in epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
}

/** Raised when a calendar names a time zone that the runtime's time-zone data does not know. */
export class UnknownTimeZoneError extends Error {
  override readonly name = 'UnknownTimeZoneError';

  constructor(readonly timeZone: string) {
    super(`time zone "${timeZone}" is unknown; use an IANA name such as Europe/Warsaw or UTC`);
  }
}

const zones = new Map<string, IANAZone>();

function zoneOf(name: string): IANAZone {
  let zone = zones.get(name);
  if (!zone) {
    if (!IANAZone.isValidZone(name)) {
      throw new UnknownTimeZoneError(name);
    }
    zone = IANAZone.create(name);
    zones.set(name, zone);
  }
  return zone;
}

/** UTC offset of `zone` at the instant `at`, in milliseconds. */
function offsetMs(zone: IANAZone, at: number): number {
  return Math.round(zone.offset(at) * MINUTE_MS);
}

/**
 * First instant after `from` (at most `to`) whose offset differs from the offset at
 * `from`; the caller knows the offset at `to` differs. Binary search to the millisecond.
 */
function findTransition(zone: IANAZone, from: number, to: number, offset: number): number {
  let low = from;
  let high = to;
  while (high - low > 1) {
    const middle = low + Math.floor((high - low) / 2);
    if (offsetMs(zone, middle) === offset) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return high;
}

/** `YYYY-MM-DD` of a wall-clock epoch (local time written as if it were UTC). */
function wallDate(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 10);
}

const weeklyCache = new WeakMap<readonly unknown[], MinuteRange[][]>();

function weeklyRanges(calendar: BusinessCalendar): MinuteRange[][] {
  let ranges = weeklyCache.get(calendar.weekly);
  if (!ranges) {
    ranges = normalizeWeekly(calendar.weekly);
    weeklyCache.set(calendar.weekly, ranges);
  }
  return ranges;
}

/**
 * Yields the calendar's open spans at or after `from`, in order, with the first one
 * clipped to start at `from`. Adjacent spans may touch (e.g. at midnight). With
 * `until`, the walk stops there; without it, it throws `NoBusinessTimeError` after
 * `MAX_SEARCH_MS` of wall-clock time.
 *
 * An instant is open when its local wall-clock time falls in one of the weekly
 * intervals of its local weekday and its local date is not a holiday. The walk goes
 * one local day at a time, and splits a day at a UTC-offset change (DST), because
 * between two changes local time is UTC plus a constant. So on a spring-forward day
 * 00:00–24:00 contains 23 hours, and an interval inside the repeated hour of an autumn
 * day is open twice.
 */
export function* openSpans(from: number, calendar: BusinessCalendar, until?: number): Generator<Span> {
  if (calendar.always24x7) {
    yield { start: from, end: until ?? Number.POSITIVE_INFINITY };
    return;
  }
  const zone = zoneOf(calendar.timeZone);
  const ranges = weeklyRanges(calendar);
  const limit = until ?? from + MAX_SEARCH_MS;
  if (ranges.every((day) => day.length === 0)) {
    if (until !== undefined) {
      return;
    }
    throw new NoBusinessTimeError(calendar.name);
  }
  let cursor = from;
  while (cursor < limit) {
    const offset = offsetMs(zone, cursor);
    const dayStartWall = Math.floor((cursor + offset) / DAY_MS) * DAY_MS;
    let chunkEnd = dayStartWall + DAY_MS - offset;
    if (offsetMs(zone, chunkEnd - 1) !== offset) {
      chunkEnd = findTransition(zone, cursor, chunkEnd - 1, offset);
    }

    const date = wallDate(dayStartWall);
    const weekday = new Date(dayStartWall).getUTCDay() || 7;
    if (!calendar.isHoliday(date)) {
      for (const range of ranges[weekday]) {
        const start = Math.max(cursor, dayStartWall + range.start * MINUTE_MS - offset);
        const end = Math.min(chunkEnd, limit, dayStartWall + range.end * MINUTE_MS - offset);
        if (start < end) {
          yield { start, end };
        }
      }
    }
    cursor = chunkEnd;
  }
  if (until === undefined) {
    throw new NoBusinessTimeError(calendar.name);
  }
}

/** Local date (`YYYY-MM-DD`), ISO weekday and minutes after midnight of `at` in `timeZone`. */
export function wallClockOf(at: number, timeZone: string): { date: string; weekday: number; minuteOfDay: number; ms: number } {
  const wall = at + offsetMs(zoneOf(timeZone), at);
  const dayStartWall = Math.floor(wall / DAY_MS) * DAY_MS;
  return {
    date: wallDate(dayStartWall),
    weekday: new Date(dayStartWall).getUTCDay() || 7,
    minuteOfDay: Math.floor((wall - dayStartWall) / MINUTE_MS),
    ms: wall - dayStartWall,
  };
}

/** Weekly ranges of a calendar, merged per ISO weekday (index 1–7). */
export function calendarRanges(calendar: BusinessCalendar): MinuteRange[][] {
  return weeklyRanges(calendar);
}
