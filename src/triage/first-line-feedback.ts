import { recordKbFeedback, type KbFeedbackInput } from '../kb/feedback.js';
import { getLogger } from '../logging/logger.js';
import { MessageModel } from '../store/message.model.js';
import type { Ticket } from '../store/ticket.model.js';

const log = getLogger('kb-feedback');

/**
 * Records whether the knowledge-base article sent as the ticket's first-line
 * answer solved the problem. The question is the ticket's first message. One
 * record per ticket and article: a button click and a later reply count once.
 * Tickets without an article answer record nothing.
 */
export async function recordFirstLineFeedback(
  ticket: Pick<Ticket, '_id' | 'number' | 'subject' | 'language' | 'kbArticleId'>,
  outcome: KbFeedbackInput['outcome'],
  source: KbFeedbackInput['source'],
  signalKey: string,
): Promise<void> {
  if (!ticket.kbArticleId) {
    return;
  }
  const first = await MessageModel.findOne({ ticketId: ticket._id, direction: 'in' }, { text: 1 }).sort({ createdAt: 1 }).lean();
  const query = [ticket.subject, first?.text ?? ''].filter((part) => part.trim() !== '').join('\n');
  await recordKbFeedback({
    ticketId: ticket._id.toHexString(),
    ticketNumber: ticket.number,
    articleId: ticket.kbArticleId,
    query: query || ticket.subject || '-',
    language: ticket.language,
    outcome,
    source,
    key: `${ticket._id.toHexString()}:${ticket.kbArticleId}`,
  });
  log.debug({ ticketNumber: ticket.number, signalKey, outcome }, 'first-line answer feedback handled');
}
