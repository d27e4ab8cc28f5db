import { DateTime } from 'luxon';
import { policySchema, type Policy } from '../../src/config/policy.js';
import { addBusinessTime, isOpen } from '../../src/sla/business-clock.js';
import { resolveCalendar, scheduleNames, UnknownScheduleError } from '../../src/sla/calendars.js';

function policy(raw: Record<string, unknown> = {}): Policy {
  return policySchema.parse(raw);
}

function policyProblems(raw: Record<string, unknown>): string[] {
  const result = policySchema.safeParse(raw);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

function at(local: string, zone = 'Europe/Warsaw'): Date {
  return DateTime.fromISO(local, { zone }).toJSDate();
}

function localIso(instant: Date, zone = 'Europe/Warsaw'): string | null {
  return DateTime.fromJSDate(instant, { zone }).toISO({ suppressMilliseconds: true });
}

describe('resolveCalendar', () => {
  describe('when the schedule is default', () => {
    const calendar = resolveCalendar(policy(), 'default');

    it('opens Monday–Friday 08:00–16:00 in Warsaw', () => {
      expect(calendar.timeZone).toBe('Europe/Warsaw');
      expect(isOpen(at('2026-12-07T08:00'), calendar)).toBe(true);
      expect(isOpen(at('2026-12-07T16:00'), calendar)).toBe(false);
      expect(isOpen(at('2026-12-05T10:00'), calendar)).toBe(false);
    });

    it('closes on Polish holidays', () => {
      expect(isOpen(at('2026-12-24T10:00'), calendar)).toBe(false);
      expect(localIso(addBusinessTime(at('2026-12-23T15:00'), 2 * 3_600_000, calendar))).toBe('2026-12-28T09:00:00+01:00');
    });

    it('closes on extra holidays from the policy', () => {
      const withExtra = resolveCalendar(policy({ holidays: { extra: ['2026-12-07'] } }), 'default');
      expect(isOpen(at('2026-12-07T10:00'), withExtra)).toBe(false);
      expect(isOpen(at('2026-12-08T10:00'), withExtra)).toBe(true);
    });

    it('follows the policy time zone', () => {
      const london = resolveCalendar(policy({ timeZone: 'Europe/London' }), 'default');
      expect(isOpen(at('2026-12-07T08:30', 'Europe/London'), london)).toBe(true);
      expect(isOpen(at('2026-12-07T16:30', 'Europe/London'), london)).toBe(false);
    });
  });

  describe('when the schedule is 24x7', () => {
    it('counts every minute, holidays too', () => {
      const calendar = resolveCalendar(policy(), '24x7');
      expect(calendar.always24x7).toBe(true);
      expect(localIso(addBusinessTime(at('2026-12-24T23:50'), 30 * 60_000, calendar))).toBe('2026-12-25T00:20:00+01:00');
    });
  });

  describe('when the schedule comes from the policy', () => {
    const configured = policy({
      holidays: { extra: ['2026-12-15'] },
      schedules: {
        'l3-onsite': { weekly: { tue: '09:00-15:00' } },
        evenings: { holidays: 'none', timeZone: 'America/New_York', weekly: { 'mon-fri': ['08:00-12:00', '13:00-21:00'], 'sat,sun': '10:00-14:00' } },
        'night-shift': { weekly: { 'fri-mon': ['22:00-24:00', '00:00-06:00'] } },
      },
    });

    it('opens a sparse Tuesday-only team', () => {
      const calendar = resolveCalendar(configured, 'l3-onsite');
      expect(localIso(addBusinessTime(at('2026-12-07T10:00'), 8 * 3_600_000, calendar))).toBe('2026-12-22T11:00:00+01:00');
    });

    it('uses its own zone and no holidays', () => {
      const calendar = resolveCalendar(configured, 'evenings');
      expect(calendar.timeZone).toBe('America/New_York');
      expect(isOpen(at('2026-12-25T13:30', 'America/New_York'), calendar)).toBe(true);
      expect(isOpen(at('2026-12-25T12:30', 'America/New_York'), calendar)).toBe(false);
      expect(isOpen(at('2026-12-26T11:00', 'America/New_York'), calendar)).toBe(true);
    });

    it('expands a wrapping day range', () => {
      const calendar = resolveCalendar(configured, 'night-shift');
      expect(calendar.weekly.map((interval) => interval.weekday).sort()).toEqual([1, 1, 5, 5, 6, 6, 7, 7]);
    });

    it('lists built-in and policy names', () => {
      expect(scheduleNames(configured)).toEqual(['default', '24x7', 'l3-onsite', 'evenings', 'night-shift']);
    });
  });

  describe('when the name is unknown', () => {
    it('names the schedule and the known ones', () => {
      const configured = policy({ schedules: { 'l3-onsite': { weekly: { tue: '09:00-15:00' } } } });
      expect(() => resolveCalendar(configured, 'weekend')).toThrow(UnknownScheduleError);
      expect(() => resolveCalendar(configured, 'weekend')).toThrow('schedule "weekend" is unknown; use one of: default, 24x7, l3-onsite');
    });

    it('does not treat object properties as schedules', () => {
      expect(() => resolveCalendar(policy(), 'toString')).toThrow(UnknownScheduleError);
    });
  });
});

describe('policy clock keys', () => {
  it('defaults to Europe/Warsaw with no schedules or extra holidays', () => {
    const parsed = policy();
    expect(parsed.timeZone).toBe('Europe/Warsaw');
    expect(parsed.schedules).toEqual({});
    expect(parsed.holidays).toEqual({ extra: [] });
  });

  it('rejects an unknown time zone', () => {
    expect(policyProblems({ timeZone: 'Europe/Atlantis' })).toEqual(['timeZone: is not a known time zone; use an IANA name such as Europe/Warsaw or UTC']);
  });

  it('rejects an impossible extra holiday', () => {
    expect(policyProblems({ holidays: { extra: ['2026-02-30'] } })[0]).toMatch(/^holidays\.extra\.0: must be a real date written YYYY-MM-DD/);
  });

  it('rejects an unknown day name', () => {
    expect(policyProblems({ schedules: { team: { weekly: { monday: '08:00-16:00' } } } })[0]).toMatch(/^schedules\.team\.weekly\.monday: "monday" is not a day/);
  });

  it('rejects an opening that crosses midnight', () => {
    expect(policyProblems({ schedules: { team: { weekly: { fri: '22:00-06:00' } } } })[0]).toMatch(/"22:00-06:00" is not an opening; .*split a night shift/);
  });

  it('rejects a schedule without hours', () => {
    expect(policyProblems({ schedules: { team: { weekly: {} } } })[0]).toMatch(/^schedules\.team\.weekly: has no opening hours/);
  });

  it('rejects a schedule named like a built-in one', () => {
    expect(policyProblems({ schedules: { default: { weekly: { mon: '08:00-16:00' } } } })).toContain(
      'schedules.default: "default" is a built-in schedule; give yours another name',
    );
  });

  it('rejects an unknown holidays mode', () => {
    expect(policyProblems({ schedules: { team: { holidays: 'german', weekly: { mon: '08:00-16:00' } } } })[0]).toMatch(/^schedules\.team\.holidays:/);
  });
});

describe('holidays.extra dates', () => {
  it.each(['2026-13-45', '2026-02-30', '26-12-01'])('rejects %s with the key and the expected form', (date) => {
    expect(policyProblems({ holidays: { extra: [date] } })).toEqual([
      'holidays.extra.0: must be a real date written YYYY-MM-DD, e.g. 2026-12-31 (quote it in YAML)',
    ]);
  });
});
