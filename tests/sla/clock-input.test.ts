import { DateTime } from 'luxon';
import { formatBusinessDuration, parseBusinessDuration } from '../../src/sla/business-duration.js';
import { parseDateTime } from '../../src/sla/clock-datetime.js';

function warsawIso(at: Date | null): string | null {
  return at ? DateTime.fromJSDate(at, { zone: 'Europe/Warsaw' }).toISO() : null;
}

describe('parseBusinessDuration', () => {
  it.each([
    ['4h', 4 * 3_600_000],
    ['90m', 90 * 60_000],
    ['1h30m', 90 * 60_000],
    ['1H 30M', 90 * 60_000],
    [' 0m ', 0],
  ])('reads %s', (text, ms) => {
    expect(parseBusinessDuration(text)).toBe(ms);
  });

  it.each(['', 'h', '4', '1.5h', '2d', '30s', '30m1h', '4 hours', '-1h', '99999999999999999h'])('rejects "%s"', (text) => {
    expect(parseBusinessDuration(text)).toBeNull();
  });
});

describe('formatBusinessDuration', () => {
  it('writes hours and minutes', () => {
    expect(formatBusinessDuration(4 * 3_600_000)).toBe('4h');
    expect(formatBusinessDuration(90 * 60_000)).toBe('1h30m');
    expect(formatBusinessDuration(45 * 60_000)).toBe('45m');
  });
});

describe('parseDateTime', () => {
  describe('when the text has no offset', () => {
    it('reads wall-clock time in the zone', () => {
      expect(warsawIso(parseDateTime('2026-12-04T15:00', 'Europe/Warsaw'))).toBe('2026-12-04T15:00:00.000+01:00');
      expect(warsawIso(parseDateTime('2026-07-04 15:00:30.5', 'Europe/Warsaw'))).toBe('2026-07-04T15:00:30.500+02:00');
    });

    it('reads 24:00 as the next midnight', () => {
      expect(warsawIso(parseDateTime('2026-12-04T24:00', 'Europe/Warsaw'))).toBe('2026-12-05T00:00:00.000+01:00');
    });

    it('reads a date alone as its midnight', () => {
      expect(warsawIso(parseDateTime('2026-12-04', 'Europe/Warsaw'))).toBe('2026-12-04T00:00:00.000+01:00');
    });

    it('moves a skipped spring-forward time forward', () => {
      expect(warsawIso(parseDateTime('2026-03-29T02:30', 'Europe/Warsaw'))).toBe('2026-03-29T03:30:00.000+02:00');
    });

    it('takes the earlier of a repeated fall-back time', () => {
      expect(warsawIso(parseDateTime('2026-10-25T02:30', 'Europe/Warsaw'))).toBe('2026-10-25T02:30:00.000+02:00');
    });
  });

  describe('when the text has an offset', () => {
    it('uses the offset, not the zone', () => {
      expect(parseDateTime('2026-12-04T15:00Z', 'Europe/Warsaw')?.toISOString()).toBe('2026-12-04T15:00:00.000Z');
      expect(parseDateTime('2026-12-04T15:00-05:00', 'Europe/Warsaw')?.toISOString()).toBe('2026-12-04T20:00:00.000Z');
      expect(parseDateTime('2026-10-25T02:30+01:00', 'Europe/Warsaw')?.toISOString()).toBe('2026-10-25T01:30:00.000Z');
    });
  });

  it.each(['', '15:00', '2026-12', '2026-02-30T10:00', '2026-12-04T25:00', '2026-12-04T24:30', 'tomorrow', '2026-12-04T15:00+19:00', '04.12.2026 15:00'])(
    'rejects "%s"',
    (text) => {
      expect(parseDateTime(text, 'Europe/Warsaw')).toBeNull();
    },
  );
});
