/**
 * Reads the facts the SLA report needs from one ticket's timeline: when an
 * agent first responded, when the ticket was finally resolved, when it waited
 * for the requester, which lines it reached and whether a knowledge-base
 * answer resolved it without an agent.
 */
import { SUPPORT_LINES, type SupportLine, type TicketStatus } from '../store/ticket.model.js';

/** The ticket fields the report reads. */
export interface TimelineTicket {
  number: number;
  createdAt: Date;
  line: SupportLine;
  priority: string;
  category?: string | null;
}

/** The event fields the report reads. */
export interface TimelineEvent {
  type: string;
  key: string;
  at: Date;
  line?: string | null;
  status?: string | null;
  articleId?: string | null;
}

export interface Interval {
  start: Date;
  end: Date;
}

export interface TicketFacts {
  createdAt: Date;
  /** Earliest claim or public agent reply; either stops the response clock. */
  firstResponseAt: Date | null;
  /** Start of the current resolved (or closed) state, or null while the ticket is open. */
  resolvedAt: Date | null;
  everResolved: boolean;
  reopened: boolean;
  /**
   * Periods in which both clocks stand still: status `waiting_for_requester`,
   * and resolved periods that ended with a reopen. They do not overlap.
   */
  pauses: Interval[];
  highestLine: SupportLine;
  escalatedTo: SupportLine[];
  /** Article of the first automatic knowledge-base answer. */
  kbArticleId: string | null;
  /** An agent claimed the ticket or replied publicly. */
  agentInvolved: boolean;
}

const RESPONSE_EVENTS = new Set(['ticket.claimed', 'agent_reply.sent']);
const DONE_STATUSES = new Set<string>(['resolved', 'closed'] satisfies TicketStatus[]);
const PAUSED_STATUS: TicketStatus = 'waiting_for_requester';

function lineRank(line: string | null | undefined): number {
  return SUPPORT_LINES.indexOf(line as SupportLine);
}

/**
 * Derives the facts from the events up to `asOf`, in time order. Events after
 * `asOf` are ignored, and a pause still running at `asOf` ends there.
 */
export function readTicketFacts(ticket: TimelineTicket, events: readonly TimelineEvent[], asOf: Date): TicketFacts {
  const ordered = events.filter((event) => event.at.getTime() <= asOf.getTime()).sort((a, b) => a.at.getTime() - b.at.getTime());

  let firstResponseAt: Date | null = null;
  let resolvedAt: Date | null = null;
  let everResolved = false;
  let reopened = false;
  let pausedSince: Date | null = null;
  const pauses: Interval[] = [];
  const escalatedTo = new Set<SupportLine>();
  let kbArticleId: string | null = null;

  for (const event of ordered) {
    if (RESPONSE_EVENTS.has(event.type) && firstResponseAt === null) {
      firstResponseAt = event.at;
    }
    if (event.type === 'ticket.escalated' && lineRank(event.line) > 0) {
      escalatedTo.add(event.line as SupportLine);
    }
    if (event.type === 'auto_reply.sent' && event.articleId && kbArticleId === null) {
      kbArticleId = event.articleId;
    }
    if (event.type !== 'status.changed' || !event.status) {
      continue;
    }

    if (pausedSince !== null && event.status !== PAUSED_STATUS) {
      pauses.push({ start: pausedSince, end: event.at });
      pausedSince = null;
    } else if (pausedSince === null && event.status === PAUSED_STATUS) {
      pausedSince = event.at;
    }

    if (DONE_STATUSES.has(event.status)) {
      // A `closed` after `resolved` keeps the resolution time of `resolved`.
      resolvedAt ??= event.at;
      everResolved = true;
    } else if (resolvedAt !== null) {
      // Any open status after a resolution is a reopen, whatever its event key.
      pauses.push({ start: resolvedAt, end: event.at });
      resolvedAt = null;
      reopened = true;
    }
  }
  if (pausedSince !== null) {
    pauses.push({ start: pausedSince, end: asOf });
  }

  const reachedRanks = [lineRank(ticket.line), ...[...escalatedTo].map(lineRank)];
  const highestLine = SUPPORT_LINES[Math.max(0, ...reachedRanks)] ?? 'L1';
  return {
    createdAt: ticket.createdAt,
    firstResponseAt,
    resolvedAt,
    everResolved,
    reopened,
    pauses,
    highestLine,
    escalatedTo: SUPPORT_LINES.filter((line) => escalatedTo.has(line)),
    kbArticleId,
    agentInvolved: ordered.some((event) => RESPONSE_EVENTS.has(event.type)),
  };
}
