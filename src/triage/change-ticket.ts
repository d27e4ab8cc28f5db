import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { PRIORITIES, type Priority } from '../config/sla-policy.js';
import type { LiniaQueues } from '../queues/queues.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { onTicketActivity } from '../sla/activity.js';
import type { LadderClock } from '../sla/ladder-clock.js';
import { appendEvent, withTicket } from '../tickets/ticket-repository.js';

export interface ChangeDependencies {
  config: Config;
  queues: LiniaQueues;
  log: Logger;
  clock?: LadderClock;
  now?: () => Date;
}

export interface ChangeResult {
  ticketNumber: number;
  field: 'priority' | 'category';
  from: string | null;
  to: string | null;
  /** False when the ticket had that value already. */
  changed: boolean;
}

/** Raised for a ticket number that is not in the store. */
export class TicketNotFoundError extends Error {
  override readonly name = 'TicketNotFoundError';

  constructor(readonly ticketNumber: number) {
    super(`ticket #${ticketNumber} not found`);
  }
}

export function isPriority(value: string): value is Priority {
  return (PRIORITIES as readonly string[]).includes(value);
}

/** Category names are free text in the policy; this keeps them to one short token. */
const CATEGORY_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_-]{0,63}$/u;

export function isCategoryName(value: string): boolean {
  return CATEGORY_PATTERN.test(value);
}

/**
 * Sets a ticket's priority or category, records `priority.changed` or
 * `category.changed` on its timeline, then re-plans its SLA clock with the new
 * targets (deadlines still count from the ticket's opening). A value the ticket
 * has already changes nothing.
 */
export async function changeTicketField(
  deps: ChangeDependencies,
  ticketNumber: number,
  field: 'priority' | 'category',
  value: string | null,
  agent?: string,
): Promise<ChangeResult> {
  const found = await TicketModel.findOne({ number: ticketNumber }, { _id: 1 }).lean();
  if (!found) {
    throw new TicketNotFoundError(ticketNumber);
  }
  const result = await withTicket(deps.queues, found._id, async (ticket: Ticket): Promise<ChangeResult> => {
    const from = field === 'priority' ? ticket.priority : (ticket.category ?? null);
    if (from === value) {
      return { ticketNumber, field, from, to: value, changed: false };
    }
    await TicketModel.updateOne({ _id: ticket._id }, { $set: { [field]: value } });
    const event = {
      key: `${field}:${ticket.planVersion}:${value ?? 'none'}`,
      type: field === 'priority' ? ('priority.changed' as const) : ('category.changed' as const),
      ...(field === 'priority' ? { priority: value ?? undefined } : { category: value ?? undefined }),
      agent,
      detail: `${from ?? 'none'} → ${value ?? 'none'}`,
      at: deps.now?.() ?? new Date(),
    };
    await appendEvent(ticket, event);
    return { ticketNumber, field, from, to: value, changed: true };
  });
  if (!result) {
    throw new TicketNotFoundError(ticketNumber);
  }
  if (result.changed) {
    await onTicketActivity(deps, found._id.toHexString(), field === 'priority' ? 'priority_changed' : 'category_changed');
    deps.log.info({ ticketNumber, field, from: result.from, to: result.to, agent }, 'ticket changed and re-planned');
  }
  return result;
}
