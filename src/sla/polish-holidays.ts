/**
 * Public holidays in Poland (statutory days free from work): fixed dates, the
 * Easter-based ones, Epiphany since 2011 and Christmas Eve since 2025. Earlier
 * changes to the list are not modelled, so dates before 2011 are approximate.
 */

const FIXED: ReadonlyArray<{ month: number; day: number; since?: number }> = [
  { month: 1, day: 1 }, // New Year's Day
  { month: 1, day: 6, since: 2011 }, // Epiphany
  { month: 5, day: 1 }, // Labour Day
  { month: 5, day: 3 }, // Constitution Day
  { month: 8, day: 15 }, // Assumption of Mary
  { month: 11, day: 1 }, // All Saints' Day
  { month: 11, day: 11 }, // Independence Day
  { month: 12, day: 24, since: 2025 }, // Christmas Eve
  { month: 12, day: 25 }, // Christmas Day
  { month: 12, day: 26 }, // Second day of Christmas
];

/** Days after Easter Sunday: Easter Monday, Pentecost Sunday, Corpus Christi. */
const EASTER_OFFSETS = [0, 1, 49, 60];

/**
 * Returns Easter Sunday of a Gregorian year as month (1–12) and day, computed with the
 * anonymous Gregorian algorithm (Meeus/Jones/Butcher).
 */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

function isoDate(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

const cache = new Map<number, string[]>();

/** Returns the Polish public holidays of `year` as sorted `YYYY-MM-DD` dates. */
export function polishHolidays(year: number): string[] {
  if (!Number.isInteger(year) || year < 1583 || year > 9999) {
    throw new RangeError(`year ${year} is out of range; use a Gregorian year from 1583 to 9999`);
  }
  let dates = cache.get(year);
  if (!dates) {
    const easter = easterSunday(year);
    const fixed = FIXED.filter((holiday) => holiday.since === undefined || year >= holiday.since).map((holiday) =>
      isoDate(year, holiday.month, holiday.day),
    );
    const movable = EASTER_OFFSETS.map((offset) => isoDate(year, easter.month, easter.day + offset));
    dates = [...fixed, ...movable].sort();
    cache.set(year, dates);
  }
  return [...dates];
}

const sets = new Map<number, Set<string>>();

/** Tells whether a `YYYY-MM-DD` date is a Polish public holiday. */
export function isPolishHoliday(localDate: string): boolean {
  const year = Number(localDate.slice(0, 4));
  let set = sets.get(year);
  if (!set) {
    set = new Set(polishHolidays(year));
    sets.set(year, set);
  }
  return set.has(localDate);
}
