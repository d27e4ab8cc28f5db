import type { Types } from 'mongoose';
import { KbFeedbackModel, type KbFeedbackOutcome } from '../store/kb-feedback.model.js';
import { TicketEventModel } from '../store/ticket-event.model.js';

/**
 * Deflection per knowledge-base article: how many tickets each article answered
 * automatically, how many requesters said it solved their problem, and how many of those
 * tickets still went to an agent.
 */

export interface KbArticleStats {
  articleId: string;
  /** Tickets that received the article as an automatic reply. */
  autoAnswers: number;
  /** Tickets whose requester said the article solved the problem. */
  solved: number;
  /** Tickets whose requester said they still need help. */
  needsHelp: number;
  /** Automatically answered tickets that were escalated to L2 or L3 afterwards. */
  escalated: number;
  /** `solved` / `autoAnswers`; null without automatic answers. */
  solvedRate: number | null;
  /** `escalated` / `autoAnswers`; null without automatic answers. */
  escalationRate: number | null;
  /**
   * Share of automatically answered tickets that no agent had to handle: neither escalated
   * nor marked "still need help". Null without automatic answers.
   */
  deflectionRate: number | null;
}

/** The facts the statistics are computed from, one entry per ticket event or feedback answer. */
export interface KbStatsInput {
  autoReplies: Array<{ ticketId: string; articleId: string; at: Date }>;
  escalations: Array<{ ticketId: string; at: Date }>;
  feedback: Array<{ ticketId: string; articleId: string; outcome: KbFeedbackOutcome }>;
}

function rate(count: number, total: number): number | null {
  return total === 0 ? null : count / total;
}

/**
 * Computes the statistics per article. A ticket counts once per article however many
 * replies or answers it got; when both answers came, the later opinion is not known, so
 * the ticket counts in both `solved` and `needsHelp`. An escalation counts against the
 * article only when it came after the article was sent.
 */
export function summarizeKbStats(input: KbStatsInput): KbArticleStats[] {
  const firstReply = new Map<string, Map<string, Date>>();
  for (const reply of input.autoReplies) {
    const byTicket = firstReply.get(reply.articleId) ?? new Map<string, Date>();
    const seen = byTicket.get(reply.ticketId);
    if (!seen || reply.at < seen) {
      byTicket.set(reply.ticketId, reply.at);
    }
    firstReply.set(reply.articleId, byTicket);
  }
  const escalatedAt = new Map<string, Date[]>();
  for (const escalation of input.escalations) {
    escalatedAt.set(escalation.ticketId, [...(escalatedAt.get(escalation.ticketId) ?? []), escalation.at]);
  }
  const feedbackTickets = new Map<string, { solved: Set<string>; needsHelp: Set<string> }>();
  for (const answer of input.feedback) {
    const entry = feedbackTickets.get(answer.articleId) ?? { solved: new Set<string>(), needsHelp: new Set<string>() };
    (answer.outcome === 'solved' ? entry.solved : entry.needsHelp).add(answer.ticketId);
    feedbackTickets.set(answer.articleId, entry);
  }

  const articleIds = [...new Set([...firstReply.keys(), ...feedbackTickets.keys()])].sort();
  return articleIds.map((articleId) => {
    const replies = firstReply.get(articleId) ?? new Map<string, Date>();
    const answers = feedbackTickets.get(articleId) ?? { solved: new Set<string>(), needsHelp: new Set<string>() };
    let escalated = 0;
    let deflected = 0;
    for (const [ticketId, sentAt] of replies) {
      const wasEscalated = (escalatedAt.get(ticketId) ?? []).some((at) => at >= sentAt);
      if (wasEscalated) {
        escalated++;
      }
      if (!wasEscalated && !answers.needsHelp.has(ticketId)) {
        deflected++;
      }
    }
    const autoAnswers = replies.size;
    return {
      articleId,
      autoAnswers,
      solved: answers.solved.size,
      needsHelp: answers.needsHelp.size,
      escalated,
      solvedRate: rate(answers.solved.size, autoAnswers),
      escalationRate: rate(escalated, autoAnswers),
      deflectionRate: rate(deflected, autoAnswers),
    };
  });
}

function idText(id: Types.ObjectId | string): string {
  return typeof id === 'string' ? id : id.toHexString();
}

/** Reads the ticket events and feedback answers from the store and computes the statistics. */
export async function loadKbStats(): Promise<KbArticleStats[]> {
  const [replies, escalations, feedback] = await Promise.all([
    TicketEventModel.find({ type: 'auto_reply.sent', articleId: { $exists: true, $ne: null } }, { ticketId: 1, articleId: 1, at: 1 }).lean(),
    TicketEventModel.find({ type: 'ticket.escalated' }, { ticketId: 1, at: 1 }).lean(),
    KbFeedbackModel.find({}, { ticketId: 1, articleId: 1, outcome: 1 }).lean(),
  ]);
  return summarizeKbStats({
    autoReplies: replies.map((event) => ({ ticketId: idText(event.ticketId), articleId: event.articleId ?? '', at: event.at })),
    escalations: escalations.map((event) => ({ ticketId: idText(event.ticketId), at: event.at })),
    feedback: feedback.map((answer) => ({ ticketId: idText(answer.ticketId), articleId: answer.articleId, outcome: answer.outcome })),
  });
}
