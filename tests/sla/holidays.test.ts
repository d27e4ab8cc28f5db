import { easterSunday, isPolishHoliday, polishHolidays } from '../../src/sla/polish-holidays.js';

describe('polishHolidays', () => {
  describe('when the year is 2026', () => {
    it('lists every holiday in date order', () => {
      expect(polishHolidays(2026)).toEqual([
        '2026-01-01',
        '2026-01-06',
        '2026-04-05', // Easter Sunday
        '2026-04-06', // Easter Monday
        '2026-05-01',
        '2026-05-03',
        '2026-05-24', // Pentecost Sunday
        '2026-06-04', // Corpus Christi
        '2026-08-15',
        '2026-11-01',
        '2026-11-11',
        '2026-12-24',
        '2026-12-25',
        '2026-12-26',
      ]);
    });
  });

  describe('when the year is 2027', () => {
    const holidays = polishHolidays(2027);

    it('puts Easter Sunday and Monday on 28–29 March', () => {
      expect(holidays).toContain('2027-03-28');
      expect(holidays).toContain('2027-03-29');
    });

    it('puts Pentecost Sunday on 16 May', () => {
      expect(holidays).toContain('2027-05-16');
    });

    it('puts Corpus Christi on 27 May', () => {
      expect(holidays).toContain('2027-05-27');
    });

    it('has 14 days', () => {
      expect(holidays).toHaveLength(14);
    });
  });

  describe('when the date is 24 December', () => {
    it('is a holiday in 2025', () => {
      expect(isPolishHoliday('2025-12-24')).toBe(true);
      expect(polishHolidays(2025)).toContain('2025-12-24');
    });

    it('is a working day in 2024', () => {
      expect(isPolishHoliday('2024-12-24')).toBe(false);
      expect(polishHolidays(2024)).not.toContain('2024-12-24');
    });
  });

  describe('when Epiphany predates 2011', () => {
    it('is a working day in 2010 and a holiday in 2011', () => {
      expect(isPolishHoliday('2010-01-06')).toBe(false);
      expect(isPolishHoliday('2011-01-06')).toBe(true);
    });
  });

  it('rejects a year outside the Gregorian range', () => {
    expect(() => polishHolidays(1500)).toThrow(/year 1500 is out of range/);
  });

  it('returns a copy the caller may change', () => {
    polishHolidays(2026).pop();
    expect(polishHolidays(2026)).toHaveLength(14);
  });
});

describe('easterSunday', () => {
  it.each([
    [2000, 4, 23],
    [2019, 4, 21],
    [2024, 3, 31],
    [2025, 4, 20],
    [2026, 4, 5],
    [2027, 3, 28],
    [2038, 4, 25],
    [2285, 3, 22],
  ])('puts Easter %i on month %i day %i', (year, month, day) => {
    expect(easterSunday(year)).toEqual({ month, day });
  });
});
