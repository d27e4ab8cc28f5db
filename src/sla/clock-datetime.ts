import { DateTime, IANAZone } from 'luxon';

const DAY_MS = 86_400_000;

/**
 * ISO-8601 calendar date with an optional time and offset: `2026-12-04`,
 * `2026-12-04T15:00`, `2026-12-04 15:00:30.5`, `2026-12-04T15:00Z`, `2026-12-04T15:00+01:00`.
 */
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

function offsetMinutes(text: string): number {
  if (text.toUpperCase() === 'Z') {
    return 0;
  }
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0));
}

/**
 * Parses an ISO-8601 date-time into an instant. Text with `Z` or an offset is that
 * instant. Text without one is wall-clock time in `timeZone`, and a date alone is its
 * midnight. A local time that a DST change skips moves forward by the skipped length,
 * so 02:30 on a spring-forward night in Warsaw is 03:30+02:00. A local time that occurs
 * twice means the earlier instant: 02:30 on a fall-back night is 02:30+02:00. `24:00`
 * is the next midnight. Returns null for text that is not such a date-time or names a
 * day or time that does not exist (2026-02-30, 25:00).
 */
export function parseDateTime(text: string, timeZone: string): Date | null {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (!match) {
    return null;
  }
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', offset] = match;
  const fields = DateTime.fromObject(
    {
      year: Number(year),
      month: Number(month),
      day: Number(day),
      hour: Number(hour),
      minute: Number(minute),
      second: Number(second),
      millisecond: Number(fraction.padEnd(3, '0').slice(0, 3)),
    },
    { zone: 'UTC' },
  );
  if (!fields.isValid) {
    return null;
  }
  // The parsed fields read as UTC: the local wall-clock time as an epoch number.
  const wallMs = fields.toMillis();
  if (offset) {
    const minutes = offsetMinutes(offset);
    return Math.abs(minutes) > 18 * 60 ? null : new Date(wallMs - minutes * 60_000);
  }

  if (!IANAZone.isValidZone(timeZone)) {
    throw new RangeError(`time zone "${timeZone}" is unknown; use an IANA name such as Europe/Warsaw or UTC`);
  }
  const zone = IANAZone.create(timeZone);
  const offsetBefore = zone.offset(wallMs - DAY_MS) * 60_000;
  const offsetAfter = zone.offset(wallMs + DAY_MS) * 60_000;
  const candidates = [...new Set([offsetBefore, offsetAfter])]
    .map((candidateOffset) => wallMs - candidateOffset)
    .filter((instant) => wallMs - zone.offset(instant) * 60_000 === instant);
  if (candidates.length > 0) {
    return new Date(Math.min(...candidates));
  }
  // In a gap: read the time with the offset in force before it, which lands after the gap.
  return new Date(wallMs - offsetBefore);
}
