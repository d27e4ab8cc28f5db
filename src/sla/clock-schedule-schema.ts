import { IANAZone } from 'luxon';
import { z } from 'zod';
import type { WeeklyInterval } from './business-clock.js';
import { parseClockTime } from './clock-weekly.js';

/**
 * Policy-file forms of the business clock: the time zone, named weekly schedules and
 * extra holidays. Example:
 *
 *   timeZone: Europe/Warsaw
 *   holidays:
 *     extra: ['2026-12-31']
 *   schedules:
 *     l3-onsite:
 *       weekly:
 *         tue: '09:00-15:00'
 *     evenings:
 *       holidays: none
 *       weekly:
 *         mon-fri: ['08:00-12:00', '13:00-21:00']
 *         sat,sun: '10:00-14:00'
 */

export const BUILT_IN_SCHEDULES = ['default', '24x7'] as const;

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const timeZoneSchema = z.string().refine((name) => IANAZone.isValidZone(name), {
  message: 'is not a known time zone; use an IANA name such as Europe/Warsaw or UTC',
});

const localDateSchema = z.string().refine(
  (text) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
    // An impossible month such as 13 gives an invalid Date, whose toISOString() throws.
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
  },
  { message: 'must be a real date written YYYY-MM-DD, e.g. 2026-12-31 (quote it in YAML)' },
);

export const holidaysSchema = z
  .object({
    /** Dates closed on top of the Polish public holidays, in each calendar's local time. */
    extra: z.array(localDateSchema).default([]),
  })
  .strict()
  .default({ extra: [] });

/** Parses a day key: `mon`, a range `mon-fri` (wrapping allowed: `fri-mon`) or a list `sat,sun`. */
function parseDays(key: string): number[] | null {
  const days = new Set<number>();
  for (const part of key.toLowerCase().split(',')) {
    const bounds = part.trim().split('-');
    const indexes = bounds.map((name) => DAY_NAMES.indexOf(name.trim() as (typeof DAY_NAMES)[number]));
    if (bounds.length > 2 || indexes.some((index) => index < 0)) {
      return null;
    }
    const [first, last = first] = indexes;
    for (let step = 0; step <= (last - first + 7) % 7; step += 1) {
      days.add(((first + step) % 7) + 1);
    }
  }
  return [...days].sort((left, right) => left - right);
}

function parseRange(text: string): { start: string; end: string } | null {
  const match = /^\s*(\d{2}:\d{2})\s*[-–]\s*(\d{2}:\d{2})\s*$/.exec(text);
  if (!match) {
    return null;
  }
  const start = parseClockTime(match[1]);
  const end = parseClockTime(match[2]);
  return start !== null && end !== null && start < end ? { start: match[1], end: match[2] } : null;
}

const weeklySchema = z
  .record(z.string(), z.union([z.string(), z.array(z.string())]))
  .transform((entries, context): WeeklyInterval[] => {
    const weekly: WeeklyInterval[] = [];
    for (const [key, value] of Object.entries(entries)) {
      const days = parseDays(key);
      if (!days) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `"${key}" is not a day; use mon, tue, wed, thu, fri, sat, sun, a range such as mon-fri or a list such as sat,sun`,
        });
        continue;
      }
      for (const text of Array.isArray(value) ? value : [value]) {
        const range = parseRange(text);
        if (!range) {
          context.addIssue({
            code: 'custom',
            path: [key],
            message: `"${text}" is not an opening; write HH:MM-HH:MM within one day with the start first, e.g. 08:00-16:00 (00:00-24:00 is the whole day; split a night shift into 22:00-24:00 and 00:00-06:00 of the next day)`,
          });
          continue;
        }
        for (const weekday of days) {
          weekly.push({ weekday: weekday as WeeklyInterval['weekday'], ...range });
        }
      }
    }
    if (weekly.length === 0 && context.issues.length === 0) {
      context.addIssue({ code: 'custom', message: 'has no opening hours; add at least one day, e.g. mon-fri: 08:00-16:00' });
    }
    return weekly;
  });

export const scheduleSchema = z
  .object({
    /** Zone of this schedule's hours; the policy's top-level `timeZone` when omitted. */
    timeZone: timeZoneSchema.optional(),
    /** `polish`: Polish public holidays plus `holidays.extra`; `none`: no day is closed as a holiday. */
    holidays: z.enum(['polish', 'none']).default('polish'),
    weekly: weeklySchema,
  })
  .strict();

export const schedulesSchema = z
  .record(
    z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'schedule names may contain letters, digits, _, . and - only'),
    scheduleSchema,
  )
  .superRefine((schedules, context) => {
    for (const name of BUILT_IN_SCHEDULES) {
      if (Object.hasOwn(schedules, name)) {
        context.addIssue({ code: 'custom', path: [name], message: `"${name}" is a built-in schedule; give yours another name` });
      }
    }
  })
  .default({});

export type ScheduleConfig = z.infer<typeof scheduleSchema>;
