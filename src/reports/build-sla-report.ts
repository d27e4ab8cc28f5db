/**
 * Builds the SLA report from tickets and their timelines, without the store:
 * each ticket is measured against its targets in its schedule's business time,
 * then the measures are summed per group, week, line and article.
 */
import type { Policy } from '../config/index.js';
import type { BusinessCalendar } from '../sla/business-clock.js';
import { resolveCalendar } from '../sla/calendars.js';
import {
  articleDeflection,
  breachesByLine,
  figuresByCategory,
  figuresByLine,
  figuresByPriority,
  figuresOf,
  groupRows,
  weekRows,
} from './aggregate.js';
import type { ReportPeriod, SlaReport, TicketMeasure } from './sla-report-types.js';
import { priorityTargets, ticketTargets } from './sla-targets.js';
import { asPriority, measureTicket } from './ticket-measure.js';
import { readTicketFacts, type TimelineEvent, type TimelineTicket } from './ticket-timeline.js';

export interface TicketWithTimeline {
  ticket: TimelineTicket;
  events: TimelineEvent[];
}

export interface BuildReportInput {
  policy: Policy;
  period: ReportPeriod;
  /** Clocks of open tickets run to this instant; later events are ignored. */
  asOf: Date;
  tickets: readonly TicketWithTimeline[];
}

/** Measures every ticket; calendars are resolved once per schedule name. */
export function measureTickets(input: BuildReportInput): TicketMeasure[] {
  const calendars = new Map<string, BusinessCalendar>();
  const calendarOf = (name: string): BusinessCalendar => {
    let calendar = calendars.get(name);
    if (!calendar) {
      calendar = resolveCalendar(input.policy, name);
      calendars.set(name, calendar);
    }
    return calendar;
  };

  return input.tickets.map(({ ticket, events }) => {
    const priority = asPriority(ticket.priority);
    const category = ticket.category ? ticket.category : null;
    const targets = ticketTargets(input.policy, priority, category);
    return measureTicket({
      ticketNumber: ticket.number,
      priority,
      category,
      facts: readTicketFacts(ticket, events, input.asOf),
      targets,
      calendar: calendarOf(targets.schedule),
      asOf: input.asOf,
    });
  });
}

export function buildSlaReport(input: BuildReportInput): SlaReport {
  const measures = measureTickets(input);
  return {
    period: input.period,
    asOf: input.asOf,
    targets: priorityTargets(input.policy),
    groups: groupRows(measures),
    byLine: figuresByLine(measures),
    byPriority: figuresByPriority(measures),
    byCategory: figuresByCategory(measures),
    total: figuresOf(measures),
    weeks: weekRows(measures, input.period),
    breachesByLine: breachesByLine(measures),
    articles: articleDeflection(measures),
  };
}
