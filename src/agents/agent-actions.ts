import { Types } from 'mongoose';
import type { SlackWorkDeps } from '../channels/slack/slack-deps.js';
import { withoutRequesterButtons } from '../channels/slack/l1-answer-blocks.js';
import { slackLanguage, slackTexts } from '../channels/slack/texts.js';
import { onTicketActivity } from '../sla/activity.js';
import { recordFirstLineFeedback } from '../triage/first-line-feedback.js';
import { ticketTag } from '../inbound/subject.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { appendEvent, transitionStatus, withTicket } from '../tickets/ticket-repository.js';
import { postInThread, refreshAgentPosts, tellUser } from './agent-posts.js';

/** One button click, as read from a block_actions payload. */
export interface ButtonClick {
  actionId: string;
  ticketId: string;
  user: string;
  /** Location of the clicked message: channel, its ts, and its thread root (its own ts at top level). */
  channel: string;
  messageTs: string;
  threadTs: string;
  /** Blocks of the clicked message, for replacing its buttons. */
  messageBlocks: unknown;
  /** Unique per click; keys the events, so a repeated job records once. */
  triggerId: string;
  /** Slack's response_url of the click, for ephemeral refusals. */
  responseUrl?: string;
}

export type ActionOutcome = 'claimed' | 'resolved' | 'escalation_planned' | 'refused' | 'closed' | 'unchanged' | 'missing';

const OPEN_STATUSES = ['new', 'waiting_for_requester', 'escalated'] as const;

function isClosed(ticket: Ticket): boolean {
  return ticket.status === 'resolved' || ticket.status === 'closed';
}

async function loadTicket(ticketId: string): Promise<Ticket | null> {
  return Types.ObjectId.isValid(ticketId) ? TicketModel.findById(ticketId).lean<Ticket>() : null;
}

/**
 * Moves a ticket to the next line at once. The note is recorded under the ticket
 * lock, then the SLA ladder queues the escalation due now under a new plan
 * version, so the timer planned before does nothing. The escalation worker then
 * posts to the line's channel as for a timer.
 */
async function escalateNow(deps: SlackWorkDeps, ticketId: Types.ObjectId, line: 'L2' | 'L3', reason: string, eventKey: string): Promise<boolean> {
  const allowed = await withTicket(deps.queues, ticketId, async (ticket) => {
    if (isClosed(ticket) || (line === 'L2' && ticket.line !== 'L1') || (line === 'L3' && ticket.line !== 'L2')) {
      return false;
    }
    if (ticket.status === 'waiting_for_requester') {
      await TicketModel.updateOne({ _id: ticketId }, { $set: { status: 'new' } });
    }
    await appendEvent(ticket, { key: eventKey, type: 'note.added', detail: reason });
    return true;
  });
  if (allowed !== true) {
    return false;
  }
  // Called after the lock is released, because the ticket lock is not re-entrant.
  await onTicketActivity(deps, ticketId.toHexString(), 'escalated_now');
  return true;
}

/** "This solved it" and "I still need help" under a first-line answer; only the requester may click them. */
export async function handleRequesterButton(click: ButtonClick, deps: SlackWorkDeps): Promise<ActionOutcome> {
  const ticket = await loadTicket(click.ticketId);
  if (!ticket) {
    return 'missing';
  }
  const texts = slackTexts(slackLanguage(ticket.language, deps.config.policy.language.default));
  const tag = ticketTag(ticket.number, deps.config.env.LINIA_TICKET_TAG_PREFIX);
  if (ticket.requester?.slackUserId !== click.user) {
    await tellUser(deps, click.channel, click.user, texts.notYourTicket, click.threadTs, click.responseUrl);
    return 'refused';
  }
  if (isClosed(ticket)) {
    await tellUser(deps, click.channel, click.user, texts.ticketClosed(tag), click.threadTs, click.responseUrl);
    return 'closed';
  }
  const solved = click.actionId === 'linia_kb_solved';
  const outcome = solved ? 'solved' : 'needs_help';
  await recordFirstLineFeedback(ticket, outcome, 'slack', click.triggerId);

  let result: ActionOutcome;
  let note: string;
  if (solved) {
    const resolved = await transitionStatus(deps.queues, ticket._id, {
      from: OPEN_STATUSES,
      to: 'resolved',
      event: { key: `resolved:${click.triggerId}`, detail: 'requester clicked "This solved it"' },
      set: { resolvedAt: new Date() },
      replan: true,
    });
    result = resolved ? 'resolved' : 'unchanged';
    if (resolved) {
      await onTicketActivity(deps, ticket._id.toHexString(), 'resolved');
    }
    note = texts.markedSolved(tag);
  } else {
    const planned = await escalateNow(deps, ticket._id, 'L2', 'requester clicked "I still need help"', `needs-help:${click.triggerId}`);
    result = planned ? 'escalation_planned' : 'unchanged';
    note = texts.markedNeedsHelp(tag);
  }
  await deps.slack.chat.update({ channel: click.channel, ts: click.messageTs, text: note, blocks: withoutRequesterButtons(click.messageBlocks, note) as never });
  await refreshAgentPosts(deps, ticket._id);
  deps.log.info({ ticketNumber: ticket.number, outcome, result }, 'requester button on the first-line reply handled');
  return result;
}

/** Claim, Resolve and Escalate to L3 on an escalation post; only agents may click them. */
export async function handleAgentButton(click: ButtonClick, deps: SlackWorkDeps): Promise<ActionOutcome> {
  const ticket = await loadTicket(click.ticketId);
  if (!ticket) {
    return 'missing';
  }
  const texts = slackTexts(deps.config.policy.language.default);
  const tag = ticketTag(ticket.number, deps.config.env.LINIA_TICKET_TAG_PREFIX);
  if (!(await deps.agents.isAgent(click.user))) {
    await tellUser(deps, click.channel, click.user, texts.notAgent, undefined, click.responseUrl);
    deps.log.warn({ ticketNumber: ticket.number, user: click.user, action: click.actionId }, 'button click by a non-agent rejected');
    return 'refused';
  }
  if (isClosed(ticket)) {
    await tellUser(deps, click.channel, click.user, texts.ticketClosed(tag), undefined, click.responseUrl);
    await refreshAgentPosts(deps, ticket._id);
    return 'closed';
  }

  let result: ActionOutcome = 'unchanged';
  let announcement: string | null = null;
  if (click.actionId === 'linia_claim') {
    result = await claim(deps, ticket._id, click.user);
    announcement = result === 'claimed' ? texts.claimed(click.user) : null;
  } else if (click.actionId === 'linia_resolve') {
    const resolved = await transitionStatus(deps.queues, ticket._id, {
      from: OPEN_STATUSES,
      to: 'resolved',
      event: { key: `resolved:${click.triggerId}`, detail: `resolved in Slack by ${click.user}` },
      set: { resolvedAt: new Date() },
      replan: true,
    });
    result = resolved ? 'resolved' : 'unchanged';
    announcement = resolved ? texts.resolvedBy(click.user) : null;
    if (resolved) {
      await onTicketActivity(deps, ticket._id.toHexString(), 'resolved');
    }
  } else if (click.actionId === 'linia_escalate_l3') {
    const planned = await escalateNow(deps, ticket._id, 'L3', `agent ${click.user} asked for L3`, `escalate-l3:${click.triggerId}`);
    result = planned ? 'escalation_planned' : 'refused';
    if (planned) {
      announcement = texts.escalationRequested(click.user);
    } else {
      await tellUser(deps, click.channel, click.user, texts.cannotEscalate(tag), undefined, click.responseUrl);
    }
  }
  if (announcement) {
    await postInThread(deps.slack, click.channel, click.threadTs, announcement);
  }
  await refreshAgentPosts(deps, ticket._id);
  deps.log.info({ ticketNumber: ticket.number, user: click.user, action: click.actionId, result }, 'agent button handled');
  return result;
}

/** Assigns the ticket to the agent unless someone claimed it first. */
async function claim(deps: SlackWorkDeps, ticketId: Types.ObjectId, user: string): Promise<ActionOutcome> {
  const profile = await deps.slack.users.info({ user }).catch(() => null);
  const name = profile?.user?.profile?.real_name || profile?.user?.name || user;
  const outcome = await withTicket(deps.queues, ticketId, async (ticket) => {
    if (ticket.assignee?.slackUserId) {
      return 'unchanged' as const;
    }
    await TicketModel.updateOne({ _id: ticketId }, { $set: { 'assignee.slackUserId': user, 'assignee.name': name } });
    await appendEvent(ticket, { key: `claimed:${user}`, type: 'ticket.claimed', from: user, detail: name });
    return 'claimed' as const;
  });
  if (outcome === 'claimed') {
    // After the lock is released: the ticket lock is not re-entrant.
    await onTicketActivity(deps, ticketId.toHexString(), 'claimed', { agent: user });
  }
  return outcome ?? 'missing';
}
