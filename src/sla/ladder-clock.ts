import type { Config, Policy } from '../config/index.js';
import { addBusinessTime, businessTimeBetween, isOpen, nextOpening, type BusinessCalendar } from './business-clock.js';
import { resolveCalendar } from './calendars.js';

/**
 * Business-time arithmetic the ladder needs, by schedule name. The ladder code
 * takes this seam instead of calling the business clock directly, so its planning
 * can be tested with any calendar.
 */
export interface LadderClock {
  /** True when the schedule counts every minute, so notices are never held back. */
  is24x7(schedule: string): boolean;
  addBusinessTime(start: Date, durationMs: number, schedule: string): Date;
  businessTimeBetween(from: Date, to: Date, schedule: string): number;
  isOpen(at: Date, schedule: string): boolean;
  nextOpening(at: Date, schedule: string): Date;
}

/**
 * Creates the ladder clock over the business calendars of a policy. Each calendar is
 * resolved once. An unknown schedule throws `UnknownScheduleError` naming the known ones.
 */
export function businessLadderClock(policy: Policy): LadderClock {
  const calendars = new Map<string, BusinessCalendar>();
  const calendar = (name: string): BusinessCalendar => {
    let found = calendars.get(name);
    if (!found) {
      found = resolveCalendar(policy, name);
      calendars.set(name, found);
    }
    return found;
  };
  return {
    is24x7: (schedule) => calendar(schedule).always24x7,
    addBusinessTime: (start, durationMs, schedule) => addBusinessTime(start, durationMs, calendar(schedule)),
    businessTimeBetween: (from, to, schedule) => businessTimeBetween(from, to, calendar(schedule)),
    isOpen: (at, schedule) => isOpen(at, calendar(schedule)),
    nextOpening: (at, schedule) => nextOpening(at, calendar(schedule)),
  };
}

const clocksByConfig = new WeakMap<Config, LadderClock>();

/** Returns the business ladder clock of a configuration, built once per configuration object. */
export function ladderClockFor(config: Config): LadderClock {
  let clock = clocksByConfig.get(config);
  if (!clock) {
    clock = businessLadderClock(config.policy);
    clocksByConfig.set(config, clock);
  }
  return clock;
}
