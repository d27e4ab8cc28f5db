import { DateTime } from 'luxon';
import { addBusinessTime, businessTimeBetween, isOpen, nextOpening, type BusinessCalendar, type WeeklyInterval } from '../../src/sla/business-clock.js';
import { isPolishHoliday } from '../../src/sla/polish-holidays.js';

const ZONE = 'Europe/Warsaw';
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Parses local Warsaw wall-clock text such as 2026-12-04T16:55 into an instant. */
function warsaw(local: string): Date {
  const parsed = DateTime.fromISO(local, { zone: ZONE });
  if (!parsed.isValid) {
    throw new Error(`bad test date ${local}`);
  }
  return parsed.toJSDate();
}

/** Formats an instant as local Warsaw wall-clock text with its offset. */
function local(at: Date): string {
  return DateTime.fromJSDate(at, { zone: ZONE }).toISO({ suppressMilliseconds: true }) ?? 'invalid';
}

function weekly(days: WeeklyInterval['weekday'][], start: string, end: string): WeeklyInterval[] {
  return days.map((weekday) => ({ weekday, start, end }));
}

function calendar(intervals: WeeklyInterval[], holidays: (date: string) => boolean = isPolishHoliday): BusinessCalendar {
  return { name: 'test', timeZone: ZONE, always24x7: false, weekly: intervals, isHoliday: holidays };
}

const MON_FRI: WeeklyInterval['weekday'][] = [1, 2, 3, 4, 5];
const EVERY_DAY: WeeklyInterval['weekday'][] = [1, 2, 3, 4, 5, 6, 7];
const ALWAYS: BusinessCalendar = { name: '24x7', timeZone: ZONE, always24x7: true, weekly: weekly(EVERY_DAY, '00:00', '24:00'), isHoliday: () => false };

describe('business clock fixed cases', () => {
  describe('when the calendar is 24/7', () => {
    it('adds 30 min at 23:50 to reach 00:20', () => {
      expect(local(addBusinessTime(warsaw('2026-12-07T23:50'), 30 * MINUTE, ALWAYS))).toBe('2026-12-08T00:20:00+01:00');
    });

    it('counts real time across the spring-forward night', () => {
      expect(local(addBusinessTime(warsaw('2026-03-29T01:50'), 30 * MINUTE, ALWAYS))).toBe('2026-03-29T03:20:00+02:00');
    });

    it('is open at any instant', () => {
      expect(isOpen(warsaw('2026-12-25T03:00'), ALWAYS)).toBe(true);
      expect(nextOpening(warsaw('2026-12-25T03:00'), ALWAYS).getTime()).toBe(warsaw('2026-12-25T03:00').getTime());
    });
  });

  describe('when 48 working hours at 09–21 start Thursday 10 Nov 2022 23:00', () => {
    const start = warsaw('2022-11-10T23:00');

    it('skips Independence Day and the weekend on Mon–Fri hours', () => {
      const due = addBusinessTime(start, 48 * HOUR, calendar(weekly(MON_FRI, '09:00', '21:00')));
      expect(local(due)).toBe('2022-11-17T21:00:00+01:00');
    });

    it('skips only Independence Day on daily hours', () => {
      const due = addBusinessTime(start, 48 * HOUR, calendar(weekly(EVERY_DAY, '09:00', '21:00')));
      expect(local(due)).toBe('2022-11-15T21:00:00+01:00');
    });

    it('counts Friday 11 Nov when no holidays apply', () => {
      const due = addBusinessTime(start, 48 * HOUR, calendar(weekly(MON_FRI, '09:00', '21:00'), () => false));
      expect(local(due)).toBe('2022-11-16T21:00:00+01:00');
    });

    it('measures the same 48 h back with businessTimeBetween', () => {
      const hours = calendar(weekly(MON_FRI, '09:00', '21:00'));
      expect(businessTimeBetween(start, warsaw('2022-11-17T21:00'), hours)).toBe(48 * HOUR);
    });
  });

  describe('when an escalation fires Friday 16:55 on Mon–Fri 09–17', () => {
    const hours = calendar(weekly(MON_FRI, '09:00', '17:00'));
    const escalation = warsaw('2026-12-04T16:55');

    it('runs the 5 min reminder target out at Friday closing time', () => {
      const reminderDue = addBusinessTime(escalation, 5 * MINUTE, hours);
      expect(local(reminderDue)).toBe('2026-12-04T17:00:00+01:00');
      expect(isOpen(reminderDue, hours)).toBe(false);
    });

    it('sends the reminder at Monday 09:00', () => {
      const reminderDue = addBusinessTime(escalation, 5 * MINUTE, hours);
      expect(local(nextOpening(reminderDue, hours))).toBe('2026-12-07T09:00:00+01:00');
    });

    it('holds a wall-clock reminder at 17:25 until Monday 09:00', () => {
      expect(local(nextOpening(warsaw('2026-12-04T17:25'), hours))).toBe('2026-12-07T09:00:00+01:00');
    });

    it('moves 10 min of reminder target to Monday 09:05', () => {
      expect(local(addBusinessTime(escalation, 10 * MINUTE, hours))).toBe('2026-12-07T09:05:00+01:00');
    });
  });

  describe('when a 4 h target starts Monday 17:00 on Mon–Fri 08–18', () => {
    const hours = calendar(weekly(MON_FRI, '08:00', '18:00'));
    const opened = warsaw('2026-12-07T17:00');

    it('falls due Tuesday 11:00', () => {
      expect(local(addBusinessTime(opened, 4 * HOUR, hours))).toBe('2026-12-08T11:00:00+01:00');
    });

    it('reminds 1 h before at Tuesday 10:00', () => {
      const due = addBusinessTime(opened, 4 * HOUR, hours);
      const reminder = addBusinessTime(opened, 4 * HOUR - HOUR, hours);
      expect(local(reminder)).toBe('2026-12-08T10:00:00+01:00');
      expect(businessTimeBetween(reminder, due, hours)).toBe(HOUR);
    });
  });

  describe('when the calendar uses the half-open rule', () => {
    const hours = calendar(weekly(MON_FRI, '08:00', '16:00'));

    it('is open at the opening minute and closed at the closing minute', () => {
      expect(isOpen(warsaw('2026-12-07T08:00'), hours)).toBe(true);
      expect(isOpen(warsaw('2026-12-07T15:59:59.999'), hours)).toBe(true);
      expect(isOpen(warsaw('2026-12-07T16:00'), hours)).toBe(false);
      expect(isOpen(warsaw('2026-12-07T07:59:59.999'), hours)).toBe(false);
    });

    it('counts 00:00–24:00 as the whole day', () => {
      const whole = calendar(weekly([2], '00:00', '24:00'), () => false);
      expect(businessTimeBetween(warsaw('2026-12-07T00:00'), warsaw('2026-12-10T00:00'), whole)).toBe(24 * HOUR);
      expect(local(addBusinessTime(warsaw('2026-12-08T23:59'), 2 * MINUTE, whole))).toBe('2026-12-15T00:01:00+01:00');
    });

    it('returns the start for a zero duration', () => {
      expect(addBusinessTime(warsaw('2026-12-05T12:00'), 0, hours).getTime()).toBe(warsaw('2026-12-05T12:00').getTime());
    });

    it('returns 0 when to is before from', () => {
      expect(businessTimeBetween(warsaw('2026-12-08T12:00'), warsaw('2026-12-07T12:00'), hours)).toBe(0);
    });

    it('keeps seconds of a start inside open hours', () => {
      expect(DateTime.fromJSDate(addBusinessTime(warsaw('2026-12-07T15:59:30.250'), MINUTE, hours), { zone: ZONE }).toISO()).toBe(
        '2026-12-08T08:00:30.250+01:00',
      );
    });

    it('counts overlapping intervals once', () => {
      const overlapping = calendar([...weekly([1], '08:00', '12:00'), ...weekly([1], '10:00', '14:00')], () => false);
      expect(businessTimeBetween(warsaw('2026-12-07T00:00'), warsaw('2026-12-08T00:00'), overlapping)).toBe(6 * HOUR);
    });
  });

  describe('when the day changes its UTC offset', () => {
    const sundays = calendar(weekly([7], '00:00', '24:00'), () => false);

    it('gives the spring-forward Sunday 23 hours', () => {
      expect(businessTimeBetween(warsaw('2026-03-28T12:00'), warsaw('2026-03-30T12:00'), sundays)).toBe(23 * HOUR);
    });

    it('gives the fall-back Sunday 25 hours', () => {
      expect(businessTimeBetween(warsaw('2026-10-24T12:00'), warsaw('2026-10-26T12:00'), sundays)).toBe(25 * HOUR);
    });

    it('opens 02:00–03:00 twice on the fall-back night', () => {
      const night = calendar(weekly([7], '02:00', '03:00'), () => false);
      expect(businessTimeBetween(warsaw('2026-10-25T00:00'), warsaw('2026-10-25T12:00'), night)).toBe(2 * HOUR);
    });

    it('has no 02:00–03:00 on the spring-forward night', () => {
      const night = calendar([...weekly([7], '02:00', '03:00'), ...weekly([1], '09:00', '10:00')], () => false);
      expect(businessTimeBetween(warsaw('2026-03-29T00:00'), warsaw('2026-03-29T12:00'), night)).toBe(0);
      expect(local(nextOpening(warsaw('2026-03-29T00:00'), night))).toBe('2026-03-30T09:00:00+02:00');
    });
  });

  describe('when the calendar has no open hours', () => {
    it('rejects adding time with a clear error', () => {
      const closed = calendar([], () => false);
      expect(() => addBusinessTime(warsaw('2026-12-07T09:00'), HOUR, closed)).toThrow(/no open hours/);
      expect(businessTimeBetween(warsaw('2026-12-07T09:00'), warsaw('2026-12-09T09:00'), closed)).toBe(0);
    });

    it('rejects an unknown time zone', () => {
      const elsewhere = { ...calendar(weekly(MON_FRI, '08:00', '16:00')), timeZone: 'Europe/Atlantis' };
      expect(() => isOpen(warsaw('2026-12-07T09:00'), elsewhere)).toThrow(/time zone "Europe\/Atlantis" is unknown/);
    });

    it('rejects an interval that ends before it starts', () => {
      const backwards = calendar(weekly([1], '18:00', '08:00'));
      expect(() => nextOpening(warsaw('2026-12-07T09:00'), backwards)).toThrow(/18:00-08:00 is invalid/);
    });
  });
});
