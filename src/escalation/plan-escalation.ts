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

/**
 * Queues again the escalation job of every open ticket from the due times stored
 * on it, e.g. after Redis lost its data. Job ids carry the plan version, so a job
 * still queued is not doubled, and the handler ignores jobs of an older plan.
 * Returns the number of tickets looked at.
 */
export async function restorePlannedEscalations(queues: LiniaQueues, now: Date = new Date()): Promise<number> {
  const open = await TicketModel.find(
    { status: { $nin: ['resolved', 'closed'] }, line: { $in: ['L1', 'L2'] } },
    { line: 1, planVersion: 1, due: 1 },
  ).lean();
  let restored = 0;
  for (const ticket of open) {
    const line = ticket.line === 'L1' ? 'L2' : 'L3';
    const dueAt = line === 'L2' ? ticket.due?.l2At : ticket.due?.l3At;
    if (!dueAt) {
      continue;
    }
    const ticketId = ticket._id.toHexString();
    await queues.escalation.add(
      'escalate',
      { ticketId, line, planVersion: ticket.planVersion },
      { jobId: escalationJobId(ticketId, line, ticket.planVersion), delay: Math.max(0, dueAt.getTime() - now.getTime()) },
    );
    restored++;
  }
  return restored;
}
