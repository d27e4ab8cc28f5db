/**
 * Measures one ticket against its priority's targets in business time.
 *
 * The response clock runs from creation to the first claim or public agent
 * reply. When neither came, it runs to the resolution, or to `asOf` for an open
 * ticket. The resolution clock runs from creation to the final resolution, or to
 * `asOf`. Both stand still while the ticket waits for the requester and while it
 * was resolved before a reopen.
 */
import { businessTimeBetween, type BusinessCalendar } from '../sla/business-clock.js';
import type { SupportLine } from '../store/ticket.model.js';
import { PRIORITIES, type Priority, type PriorityTargets, type TargetOutcome, type TicketMeasure } from './sla-report-types.js';
import type { Interval, TicketFacts } from './ticket-timeline.js';

/** Business time between `start` and `stop`, less the business time of the pauses inside that span. */
export function activeBusinessTime(start: Date, stop: Date, pauses: readonly Interval[], calendar: BusinessCalendar): number {
  let total = businessTimeBetween(start, stop, calendar);
  for (const pause of pauses) {
    const from = Math.max(pause.start.getTime(), start.getTime());
    const to = Math.min(pause.end.getTime(), stop.getTime());
    if (to > from) {
      total -= businessTimeBetween(new Date(from), new Date(to), calendar);
    }
  }
  return Math.max(0, total);
}

export function asPriority(value: string): Priority {
  return (PRIORITIES as readonly string[]).includes(value) ? (value as Priority) : 'P3';
}

interface MeasureInput {
  ticketNumber: number;
  priority: Priority;
  category: string | null | undefined;
  facts: TicketFacts;
  targets: PriorityTargets;
  calendar: BusinessCalendar;
  asOf: Date;
}

function measureResponse(input: MeasureInput): { outcome: TargetOutcome; ms: number | null } {
  const { facts, targets, calendar, asOf } = input;
  if (facts.firstResponseAt !== null) {
    const ms = activeBusinessTime(facts.createdAt, facts.firstResponseAt, facts.pauses, calendar);
    return { outcome: ms <= targets.responseMs ? 'met' : 'missed', ms };
  }
  const running = activeBusinessTime(facts.createdAt, facts.resolvedAt ?? asOf, facts.pauses, calendar);
  if (running > targets.responseMs) {
    return { outcome: 'missed', ms: null };
  }
  return { outcome: facts.resolvedAt !== null ? 'not_applicable' : 'pending', ms: null };
}

function measureResolution(input: MeasureInput): { outcome: TargetOutcome; ms: number | null } {
  const { facts, targets, calendar, asOf } = input;
  if (facts.resolvedAt !== null) {
    const ms = activeBusinessTime(facts.createdAt, facts.resolvedAt, facts.pauses, calendar);
    return { outcome: ms <= targets.resolutionMs ? 'met' : 'missed', ms };
  }
  const running = activeBusinessTime(facts.createdAt, asOf, facts.pauses, calendar);
  return { outcome: running > targets.resolutionMs ? 'missed' : 'pending', ms: null };
}

export function measureTicket(input: MeasureInput): TicketMeasure {
  const { facts } = input;
  const response = measureResponse(input);
  const resolution = measureResolution(input);
  const line: SupportLine = facts.highestLine;
  return {
    ticketNumber: input.ticketNumber,
    createdAt: facts.createdAt,
    line,
    priority: input.priority,
    category: input.category ? input.category : null,
    response: response.outcome,
    responseMs: response.ms,
    resolution: resolution.outcome,
    resolutionMs: resolution.ms,
    escalatedTo: facts.escalatedTo,
    everResolved: facts.everResolved,
    reopened: facts.reopened,
    deflected: facts.resolvedAt !== null && facts.kbArticleId !== null && !facts.agentInvolved && line === 'L1',
    kbArticleId: facts.kbArticleId,
  };
}
