import { Types } from 'mongoose';
import { ticketTag } from '../inbound/subject.js';
import type { SlaNoticeJob } from '../queues/queues.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { appendEvent, withTicket } from '../tickets/ticket-repository.js';
import { breachJobId, ESCALATION_JOB_NAMES, reminderEventKey, reminderJobId } from './ladder-jobs.js';
import { ladderClockFor, type LadderClock } from './ladder-clock.js';
import { closedUntil } from './ladder-timers.js';
import type { SlaDeadline } from './ladder-plan.js';
import { lineTarget } from './ladder-policy.js';
import { noticeLanguage, recordBreach, sendNotice, type NoticeDependencies } from './ladder-notices.js';
import { reminderText } from './ladder-notice-text.js';

export type SlaNoticeOutcome = 'sent' | 'duplicate' | 'missing' | 'closed' | 'stale_plan' | 'paused' | 'not_due' | 'deferred';

export interface SlaNoticeDependencies extends NoticeDependencies {
  now?: () => Date;
  clock?: LadderClock;
}

/** The line that must act before `deadline`, if the ticket still waits for it. */
function holdingLine(ticket: Ticket, deadline: SlaDeadline): 'L1' | 'L2' | null {
  switch (deadline) {
    case 'response':
      return ticket.sla?.firstResponseAt ? null : 'L1';
    case 'L2':
      return ticket.line === 'L1' ? 'L1' : null;
    case 'L3':
      return ticket.line === 'L2' ? 'L2' : null;
  }
}

function dueAtOf(ticket: Ticket, deadline: SlaDeadline): Date | null {
  if (deadline === 'response') return ticket.sla?.responseDueAt ?? null;
  return (deadline === 'L2' ? ticket.due?.l2At : ticket.due?.l3At) ?? null;
}

/**
 * Handles a reminder (`offsetMs` set) or a first-response breach job under the
 * ticket's lock. A job of an older plan, a paused or closed ticket, or a deadline
 * already met does nothing. The timeline event is the notice's natural key, so two
 * copies of one job send one notice.
 */
export async function handleSlaNotice(job: SlaNoticeJob, deps: SlaNoticeDependencies): Promise<SlaNoticeOutcome> {
  if (!Types.ObjectId.isValid(job.ticketId)) {
    return 'missing';
  }
  const outcome = await withTicket(deps.queues, new Types.ObjectId(job.ticketId), (ticket) => noticeLocked(ticket, job, deps));
  return outcome ?? 'missing';
}

async function noticeLocked(ticket: Ticket, job: SlaNoticeJob, deps: SlaNoticeDependencies): Promise<SlaNoticeOutcome> {
  const now = deps.now?.() ?? new Date();
  if (ticket.status === 'resolved' || ticket.status === 'closed') return 'closed';
  if (ticket.planVersion !== job.planVersion) return 'stale_plan';
  if (ticket.sla?.pausedAt) return 'paused';
  const line = holdingLine(ticket, job.deadline);
  if (!line) return 'not_due';
  const dueAt = dueAtOf(ticket, job.deadline);
  const opening = closedUntil(ticket, deps.clock ?? ladderClockFor(deps.config), now);
  if (opening) {
    // A job that fired outside business hours waits for the next opening under its own id.
    const name = job.offsetMs === undefined ? ESCALATION_JOB_NAMES.breach : ESCALATION_JOB_NAMES.reminder;
    const baseId = job.offsetMs === undefined ? breachJobId(job.ticketId, job.planVersion, job.deadline) : reminderJobId(job.ticketId, job.planVersion, job.deadline, job.offsetMs);
    await deps.queues.escalation.add(name, job, { jobId: `${baseId}-at${opening.getTime()}`, delay: opening.getTime() - now.getTime() });
    return 'deferred';
  }

  if (job.offsetMs === undefined) {
    // Only the first-response target is breached by its own job; the lines' breaches come with their escalation.
    if (job.deadline !== 'response') return 'not_due';
    const first = await recordBreach(deps, ticket, 'L1', 'response', job.planVersion, dueAt, now);
    await TicketModel.updateOne({ _id: ticket._id }, { $set: { 'sla.responseBreachedAt': now } });
    return first ? 'sent' : 'duplicate';
  }

  const key = reminderEventKey(job.planVersion, job.deadline, job.offsetMs);
  const first = await appendEvent(ticket, { key, type: 'sla.reminder_sent', line, at: now, detail: `${job.deadline} in ${job.offsetMs} ms` });
  const target = lineTarget(deps.config.policy, line, ticket.category ?? null);
  const text = reminderText(
    {
      ticketTag: ticketTag(ticket.number, deps.config.env.LINIA_TICKET_TAG_PREFIX),
      subject: ticket.subject || '—',
      priority: ticket.priority,
      deadline: job.deadline,
      dueAt,
    },
    job.offsetMs,
    noticeLanguage(deps.config),
  );
  await sendNotice(deps, ticket, `sla:${ticket._id.toHexString()}:${key}`, target, text, first);
  if (first) {
    deps.log.info({ ticketNumber: ticket.number, deadline: job.deadline, offsetMs: job.offsetMs, line }, 'SLA reminder sent');
  }
  return first ? 'sent' : 'duplicate';
}
