import type { WeeklyInterval } from './business-clock.js';

export const MINUTES_PER_DAY = 24 * 60;

/** One open interval of a local day in minutes after midnight, half-open: [start, end). */
export interface MinuteRange {
  start: number;
  end: number;
}

/**
 * Parses `HH:MM` (00:00–24:00) into minutes after midnight. Returns null for any
 * other text, including 24:01 and 7:5.
 */
export function parseClockTime(text: string): number | null {
  const match = /^(\d{2}):(\d{2})$/.exec(text.trim());
  if (!match) {
    return null;
  }
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) {
    return null;
  }
  return hours * 60 + minutes;
}

/** Formats minutes after midnight as `HH:MM` (1440 is `24:00`). */
export function formatClockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Raised when a calendar's weekly hours cannot be used; the message names the bad entry. */
export class InvalidWeeklyHoursError extends Error {
  override readonly name = 'InvalidWeeklyHoursError';
}

/**
 * Groups weekly intervals by ISO weekday (index 1 = Monday … 7 = Sunday) and merges
 * overlapping or touching ones, so each open minute is counted once.
 */
export function normalizeWeekly(weekly: readonly WeeklyInterval[]): MinuteRange[][] {
  const byWeekday: MinuteRange[][] = Array.from({ length: 8 }, () => []);
  for (const interval of weekly) {
    if (!Number.isInteger(interval.weekday) || interval.weekday < 1 || interval.weekday > 7) {
      throw new InvalidWeeklyHoursError(`weekday ${String(interval.weekday)} is invalid; use 1 (Monday) to 7 (Sunday)`);
    }
    const start = parseClockTime(interval.start);
    const end = parseClockTime(interval.end);
    if (start === null || end === null || start >= end) {
      throw new InvalidWeeklyHoursError(
        `interval ${interval.start}-${interval.end} is invalid; write HH:MM-HH:MM with the start before the end, within one day (24:00 ends the day)`,
      );
    }
    byWeekday[interval.weekday].push({ start, end });
  }
  return byWeekday.map((ranges) => {
    const sorted = [...ranges].sort((left, right) => left.start - right.start);
    const merged: MinuteRange[] = [];
    for (const range of sorted) {
      const last = merged[merged.length - 1];
      if (last && range.start <= last.end) {
        last.end = Math.max(last.end, range.end);
      } else {
        merged.push({ ...range });
      }
    }
    return merged;
  });
}
