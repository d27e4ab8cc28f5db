import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { replySubject, ticketTag } from '../inbound/subject.js';
import { claimAutoReplySlot } from '../outbound/auto-reply-guard.js';
import { queueOutboundMail } from '../outbound/outbound-mail.js';
import { renderTemplate, type ReplyLanguage } from '../outbound/templates.js';
import type { LiniaQueues } from '../queues/queues.js';
import type { Ticket } from '../store/ticket.model.js';
import { appendEvent, transitionStatus } from './ticket-repository.js';

/** The best knowledge-base article for a question, when one clears the confidence threshold. */
export interface KbAnswer {
  articleId: string;
  title: string;
  body: string;
  language: string;
  confidence: number;
}

/** Seam between ticket intake and the knowledge base, so intake does not depend on one matcher. */
export interface FirstLineAnswerer {
  bestAnswer(question: string, language: string): Promise<KbAnswer | null>;
}

export interface FirstReplyInput {
  ticket: Ticket;
  inboundKey: string;
  inboundMessageId: string | null;
  inboundReferences: string[];
  replyTo: { address: string; name: string };
  question: string;
  originalSubject: string;
}

export interface FirstReplyDependencies {
  config: Config;
  queues: LiniaQueues;
  answerer: FirstLineAnswerer;
  log: Logger;
}

export type FirstReplyOutcome =
  | { action: 'auto-replied'; articleId: string }
  | { action: 'acknowledged' }
  | { action: 'rate-limited' };

export function replyLanguage(language: string, fallback: ReplyLanguage): ReplyLanguage {
  return language === 'pl' || language === 'en' ? language : fallback;
}

/**
 * Answers a new ticket from the knowledge base when an article clears the
 * threshold, otherwise acknowledges it with the ticket number. At most one
 * automatic reply goes to one address per window; a limited sender gets none and
 * the ticket records why.
 */
export async function sendFirstLineReply(input: FirstReplyInput, deps: FirstReplyDependencies): Promise<FirstReplyOutcome> {
  const { ticket, config } = { ticket: input.ticket, config: deps.config };
  const windowMs = config.policy.autoReply.perSenderWindow;
  const allowed = await claimAutoReplySlot(deps.queues, input.replyTo.address, input.inboundKey, windowMs);
  if (!allowed) {
    await appendEvent(ticket, {
      key: `rate-limited:${input.inboundKey}`,
      type: 'note.added',
      messageKey: input.inboundKey,
      detail: `no automatic reply: ${input.replyTo.address} already got one within ${Math.round(windowMs / 60_000)} min`,
    });
    deps.log.info({ ticketNumber: ticket.number, messageKey: input.inboundKey }, 'automatic reply skipped by per-sender limit');
    return { action: 'rate-limited' };
  }

  const language = replyLanguage(ticket.language, config.policy.language.default);
  const prefix = config.env.LINIA_TICKET_TAG_PREFIX;
  const tag = ticketTag(ticket.number, prefix);
  const answer = await deps.answerer.bestAnswer(input.question, language);
  const rendered = answer
    ? renderTemplate('kb-answer', language, {
        ticketTag: tag,
        requesterName: input.replyTo.name,
        articleTitle: answer.title,
        articleBody: answer.body,
        otherLanguageNote: answer.language !== language,
      })
    : renderTemplate('acknowledgement', language, {
        ticketTag: tag,
        requesterName: input.replyTo.name,
        subject: input.originalSubject || '—',
      });

  const references = [...input.inboundReferences];
  if (input.inboundMessageId) {
    references.push(input.inboundMessageId);
  }
  await queueOutboundMail(
    {
      key: `first-reply:${input.inboundKey}`,
      kind: answer ? 'kb_answer' : 'acknowledgement',
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      to: [input.replyTo],
      subject: replySubject(input.originalSubject, ticket.number, prefix),
      text: rendered.text,
      html: rendered.html,
      language,
      inReplyTo: input.inboundMessageId,
      references,
      articleId: answer?.articleId ?? null,
    },
    deps.queues,
    config.messageIdDomain,
  );

  if (answer) {
    await transitionStatus(deps.queues, ticket._id, {
      from: ['new'],
      to: 'waiting_for_requester',
      event: {
        key: `waiting:${input.inboundKey}`,
        articleId: answer.articleId,
        detail: `answered from the knowledge base (confidence ${answer.confidence.toFixed(2)})`,
      },
      set: { kbArticleId: answer.articleId },
      replan: false,
    });
    return { action: 'auto-replied', articleId: answer.articleId };
  }
  return { action: 'acknowledged' };
}
