/**
 * Reads the tickets created in the report's period, with their timelines,
 * from the store.
 */
import type { Types } from 'mongoose';
import { getLogger } from '../logging/logger.js';
import { TicketEventModel } from '../store/ticket-event.model.js';
import { TicketModel, type SupportLine } from '../store/ticket.model.js';
import type { TicketWithTimeline } from './build-sla-report.js';
import type { ReportPeriod } from './sla-report-types.js';

const log = getLogger('reports');

/** Ticket ids per events query, so one `$in` list stays small. */
const EVENT_BATCH_SIZE = 500;

interface StoredTicket {
  _id: Types.ObjectId;
  number: number;
  createdAt: Date;
  line: SupportLine;
  priority: string;
  category?: string | null;
}

interface StoredEvent {
  ticketId: Types.ObjectId;
  type: string;
  key: string;
  at: Date;
  line?: string | null;
  status?: string | null;
  articleId?: string | null;
}

export async function loadReportTickets(period: ReportPeriod): Promise<TicketWithTimeline[]> {
  const tickets = await TicketModel.find(
    { createdAt: { $gte: period.start, $lt: period.end } },
    { number: 1, createdAt: 1, line: 1, priority: 1, category: 1 },
  )
    .sort({ number: 1 })
    .lean<StoredTicket[]>();

  const eventsByTicket = new Map<string, StoredEvent[]>();
  for (let index = 0; index < tickets.length; index += EVENT_BATCH_SIZE) {
    const ids = tickets.slice(index, index + EVENT_BATCH_SIZE).map((ticket) => ticket._id);
    const events = await TicketEventModel.find(
      { ticketId: { $in: ids } },
      { ticketId: 1, type: 1, key: 1, at: 1, line: 1, status: 1, articleId: 1 },
    ).lean<StoredEvent[]>();
    for (const event of events) {
      const id = event.ticketId.toHexString();
      const list = eventsByTicket.get(id) ?? [];
      list.push(event);
      eventsByTicket.set(id, list);
    }
  }

  log.info({ from: period.from, to: period.to, tickets: tickets.length }, 'loaded tickets for the SLA report');
  return tickets.map((ticket) => ({ ticket, events: eventsByTicket.get(ticket._id.toHexString()) ?? [] }));
}
