import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import { replySubject, ticketTag } from '../inbound/subject.js';
import type { ParsedMail } from '../inbound/parse-mail.js';
import { claimAutoReplySlot } from '../outbound/auto-reply-guard.js';
import { queueOutboundMail } from '../outbound/outbound-mail.js';
import { renderTemplate, type ReplyLanguage } from '../outbound/templates.js';
import type { LiniaQueues } from '../queues/queues.js';
import type { Ticket } from '../store/ticket.model.js';
import { replyLanguage } from './first-line-reply.js';
import { appendEvent } from './ticket-repository.js';

/**
 * The one notice a requester gets when a message is over LINIA_MAX_MESSAGE_BYTES:
 * its text is on the ticket, its attachments were not kept. It goes through the
 * per-sender automatic-reply slot and the normal outbound path, so the suppression
 * list and the reply limit apply, and a second large message within the window gets none.
 */

export interface SizeNoticeDependencies {
  config: Config;
  queues: LiniaQueues;
  log: Logger;
}

export type SizeNoticeOutcome = 'queued' | 'rate-limited';

const BYTES_PER_MB = 1024 * 1024;

/** Formats a size in MB with one decimal in the reply language, e.g. `30,2 MB` or `30.2 MB`. */
export function formatMegabytes(bytes: number, language: ReplyLanguage): string {
  const formatter = new Intl.NumberFormat(language === 'pl' ? 'pl-PL' : 'en-GB', { maximumFractionDigits: 1 });
  return `${formatter.format(bytes / BYTES_PER_MB)} MB`;
}

/**
 * Queues the size notice for `mail` on `ticket` to `to`, unless that address already
 * got an automatic reply within the window, and records either outcome on the
 * ticket. The outbound key `size-notice:<message key>` and the event keys make a retry
 * change nothing.
 */
export async function sendSizeNotice(
  ticket: Ticket,
  mail: ParsedMail,
  to: { address: string; name: string },
  deps: SizeNoticeDependencies,
): Promise<SizeNoticeOutcome> {
  const { config } = deps;
  const limitBytes = config.env.LINIA_MAX_MESSAGE_BYTES;
  const windowMs = config.policy.autoReply.perSenderWindow;
  const overLimit = `message of ${mail.sizeBytes} bytes over the limit of ${limitBytes} bytes`;

  const allowed = await claimAutoReplySlot(deps.queues, to.address, mail.messageKey, windowMs);
  if (!allowed) {
    await appendEvent(ticket, {
      key: `size-notice-limited:${mail.messageKey}`,
      type: 'note.added',
      messageKey: mail.messageKey,
      detail: `${overLimit}, attachments not kept; no size notice: ${to.address} already got an automatic reply within ${Math.round(windowMs / 60_000)} min`,
    });
    deps.log.info({ ticketNumber: ticket.number, messageKey: mail.messageKey }, 'size notice skipped by per-sender limit');
    return 'rate-limited';
  }

  const language = replyLanguage(ticket.language, config.policy.language.default);
  const prefix = config.env.LINIA_TICKET_TAG_PREFIX;
  const rendered = renderTemplate('size-notice', language, {
    ticketTag: ticketTag(ticket.number, prefix),
    requesterName: to.name,
    subject: mail.subject || '—',
    messageSize: formatMegabytes(mail.sizeBytes, language),
    sizeLimit: formatMegabytes(limitBytes, language),
    attachmentNames: mail.attachments
      .map((attachment) => attachment.filename)
      .filter((name): name is string => name !== null && name !== '')
      .join(', '),
  });
  const references = [...mail.references];
  if (mail.messageId) {
    references.push(mail.messageId);
  }
  const key = `size-notice:${mail.messageKey}`;
  // Kind `acknowledgement`: an automatic reply to the requester, so it carries
  // Auto-Submitted and joins the requester's mail thread like the other first replies.
  await queueOutboundMail(
    {
      key,
      kind: 'acknowledgement',
      ticketId: ticket._id,
      ticketNumber: ticket.number,
      to: [to],
      subject: replySubject(mail.subject, ticket.number, prefix),
      text: rendered.text,
      html: rendered.html,
      language,
      inReplyTo: mail.messageId,
      references,
    },
    deps.queues,
    config.messageIdDomain,
  );
  await appendEvent(ticket, {
    key,
    type: 'note.added',
    messageKey: mail.messageKey,
    detail: `${overLimit}: text kept, ${mail.attachments.length} attachment(s) not kept; size notice sent to ${to.address}`,
  });
  deps.log.info({ ticketNumber: ticket.number, messageKey: mail.messageKey, sizeBytes: mail.sizeBytes }, 'size notice queued');
  return 'queued';
}
