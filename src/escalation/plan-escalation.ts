import type { Types } from 'mongoose';
import { escalationJobId } from '../queues/job-ids.js';
import type { LiniaQueues } from '../queues/queues.js';
import { TicketModel } from '../store/ticket.model.js';

/**
 * Records the due time of the next line on the ticket and queues a delayed job for
 * it. The deadline is stored on the ticket. The job only wakes the handler, which
 * re-reads the ticket, so a job of an older plan version does nothing.
 * Callers hold the ticket's lock (`withTicket`), because on FerretDB the due-time
 * write could otherwise overwrite a concurrent change of the ticket.
 */
export async function planEscalation(
  queues: LiniaQueues,
  ticket: { _id: Types.ObjectId; planVersion: number },
  line: 'L2' | 'L3',
  dueAt: Date,
  now: Date = new Date(),
): Promise<void> {
  const dueField = line === 'L2' ? 'due.l2At' : 'due.l3At';
  await TicketModel.updateOne({ _id: ticket._id, planVersion: ticket.planVersion }, { $set: { [dueField]: dueAt } });
  const ticketId = ticket._id.toHexString();
  await queues.escalation.add(
    'escalate',
    { ticketId, line, planVersion: ticket.planVersion },
    { jobId: escalationJobId(ticketId, line, ticket.planVersion), delay: Math.max(0, dueAt.getTime() - now.getTime()) },
  );
}
