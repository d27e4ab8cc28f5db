/**
 * Compares the business clock with a brute-force counter that looks at every minute
 * of a ten-day window. A minute is open when luxon's local weekday and time of its
 * first instant fall in a weekly interval and its local date is not a holiday.
 * Windows start in the weeks of the European DST changes as well as at random dates.
 */
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { addBusinessTime, businessTimeBetween, isOpen, nextOpening, type BusinessCalendar, type WeeklyInterval } from '../../src/sla/business-clock.js';
import { formatClockTime } from '../../src/sla/clock-weekly.js';

const MINUTE = 60_000;
const WINDOW_MINUTES = 10 * 24 * 60;

/** Mondays of the weeks that hold a DST change in Europe/Warsaw (last Sunday of March and October). */
const DST_WEEKS = ['2025-03-24', '2025-10-20', '2026-03-23', '2026-10-19', '2027-03-22', '2027-10-25'];

interface Case {
  zone: string;
  weekly: WeeklyInterval[];
  anchor: string;
  startMinute: number;
  /** Days after the anchor date that are holidays (-1 is the day before it). */
  holidays: number[];
}

const intervalArb: fc.Arbitrary<WeeklyInterval> = fc
  .record({
    weekday: fc.integer({ min: 1, max: 7 }),
    start: fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 95 }).map((quarter) => quarter * 15), fc.constantFrom(0, 120, 150, 180)),
    length: fc.oneof(fc.integer({ min: 1, max: 1440 }), fc.constantFrom(60, 480, 1440)),
  })
  .map(({ weekday, start, length }) => ({
    weekday: weekday as WeeklyInterval['weekday'],
    start: formatClockTime(start),
    end: formatClockTime(Math.min(1440, start + length)),
  }));

/** Dense schedules (up to 10 intervals anywhere in the week) and sparse ones (a single weekday). */
const weeklyArb: fc.Arbitrary<WeeklyInterval[]> = fc.oneof(
  fc.array(intervalArb, { minLength: 1, maxLength: 10 }),
  fc
    .tuple(fc.integer({ min: 1, max: 7 }), fc.array(intervalArb, { minLength: 1, maxLength: 3 }))
    .map(([weekday, intervals]) => intervals.map((interval) => ({ ...interval, weekday: weekday as WeeklyInterval['weekday'] }))),
);

const anchorArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...DST_WEEKS) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 5 * 365 }).map((day) => DateTime.fromISO('2024-01-01').plus({ days: day }).toISODate() ?? '') },
);

const caseArb: fc.Arbitrary<Case> = fc.record({
  zone: fc.oneof(
    { weight: 6, arbitrary: fc.constant('Europe/Warsaw') },
    { weight: 1, arbitrary: fc.constantFrom('America/New_York', 'Australia/Lord_Howe', 'UTC') },
  ),
  weekly: weeklyArb,
  anchor: anchorArb,
  startMinute: fc.integer({ min: 0, max: 6 * 24 * 60 }),
  holidays: fc.array(fc.integer({ min: -1, max: 20 }), { maxLength: 6 }),
});

function calendarOf(testCase: Case): BusinessCalendar {
  const anchor = DateTime.fromISO(testCase.anchor, { zone: testCase.zone });
  const holidays = new Set(testCase.holidays.map((day) => anchor.plus({ days: day }).toISODate()));
  return { name: 'random', timeZone: testCase.zone, always24x7: false, weekly: testCase.weekly, isHoliday: (date) => holidays.has(date) };
}

function startOf(testCase: Case): number {
  return DateTime.fromISO(testCase.anchor, { zone: testCase.zone }).toMillis() + testCase.startMinute * MINUTE;
}

/** Open flag of each minute of the window, decided from luxon's wall clock alone. */
function bruteForceMinutes(testCase: Case, calendar: BusinessCalendar, start: number): boolean[] {
  const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
  const intervals = testCase.weekly.map((interval) => ({ weekday: interval.weekday, start: minutesOf(interval.start), end: minutesOf(interval.end) }));
  const open: boolean[] = [];
  for (let index = 0; index < WINDOW_MINUTES; index += 1) {
    const local = DateTime.fromMillis(start + index * MINUTE, { zone: testCase.zone });
    const minuteOfDay = local.hour * 60 + local.minute;
    const inHours = intervals.some(
      (interval) => interval.weekday === local.weekday && minuteOfDay >= interval.start && minuteOfDay < interval.end,
    );
    open.push(inHours && !calendar.isHoliday(local.toISODate() ?? ''));
  }
  return open;
}

describe('business clock against a minute counter', () => {
  it('matches addBusinessTime, businessTimeBetween, isOpen and nextOpening', () => {
    fc.assert(
      fc.property(caseArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (testCase, pickA, pickB) => {
        const calendar = calendarOf(testCase);
        const start = startOf(testCase);
        const open = bruteForceMinutes(testCase, calendar, start);
        const prefix = [0];
        for (const flag of open) {
          prefix.push(prefix[prefix.length - 1] + (flag ? 1 : 0));
        }
        const totalOpen = prefix[WINDOW_MINUTES];

        // businessTimeBetween over a random part of the window.
        const span = Math.floor(pickA * WINDOW_MINUTES);
        expect(businessTimeBetween(new Date(start), new Date(start + span * MINUTE), calendar)).toBe(prefix[span] * MINUTE);

        // addBusinessTime for a random target that the window holds.
        if (totalOpen > 0) {
          const target = 1 + Math.floor(pickB * (totalOpen - 1));
          const lastMinute = prefix.findIndex((count) => count === target) - 1;
          const due = addBusinessTime(new Date(start), target * MINUTE, calendar);
          expect(due.getTime()).toBe(start + (lastMinute + 1) * MINUTE);
          expect(businessTimeBetween(new Date(start), due, calendar)).toBe(target * MINUTE);
        }

        // isOpen and nextOpening at a random minute.
        const probe = Math.floor(pickB * (WINDOW_MINUTES - 1));
        expect(isOpen(new Date(start + probe * MINUTE), calendar)).toBe(open[probe]);
        const nextOpen = open.indexOf(true, probe);
        const opening = nextOpening(new Date(start + probe * MINUTE), calendar).getTime();
        if (nextOpen >= 0) {
          expect(opening).toBe(start + nextOpen * MINUTE);
        } else {
          expect(opening).toBeGreaterThanOrEqual(start + WINDOW_MINUTES * MINUTE);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('agrees minute by minute across the Warsaw DST nights', () => {
    const nights: Case[] = ['2026-03-23', '2026-10-19'].map((anchor) => ({
      zone: 'Europe/Warsaw',
      anchor,
      startMinute: 0,
      holidays: [],
      weekly: [
        { weekday: 7, start: '01:30', end: '02:30' },
        { weekday: 7, start: '02:45', end: '03:15' },
        { weekday: 6, start: '23:00', end: '24:00' },
        { weekday: 7, start: '00:00', end: '01:00' },
      ],
    }));
    for (const night of nights) {
      const calendar = calendarOf(night);
      const start = startOf(night);
      const open = bruteForceMinutes(night, calendar, start);
      for (let index = 5 * 24 * 60; index < 7 * 24 * 60; index += 1) {
        expect(isOpen(new Date(start + index * MINUTE), calendar)).toBe(open[index]);
      }
      const counted = open.filter(Boolean).length;
      expect(businessTimeBetween(new Date(start), new Date(start + WINDOW_MINUTES * MINUTE), calendar)).toBe(counted * MINUTE);
    }
  });
});
