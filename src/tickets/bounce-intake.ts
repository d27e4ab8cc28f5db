import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { ParsedMail } from '../inbound/parse-mail.js';
import { extractTicketTag } from '../inbound/subject.js';
import { isPermanentFailure, readDeliveryReport, type DeliveryReport } from '../outbound/delivery-report.js';
import { suppressAddress } from '../outbound/suppression.js';
import { MessageModel } from '../store/message.model.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { appendEvent, findTicketById } from './ticket-repository.js';

export interface BounceOutcome {
  /** The ticket the returned message belonged to, or null when none was found. */
  ticket: Ticket | null;
  /** Addresses put on the suppression list by this bounce (already listed ones included). */
  suppressed: string[];
  /** Timeline text: what failed, or why nothing was suppressed. */
  detail: string;
}

async function outboundMessagesOf(report: DeliveryReport) {
  const ids = report.originalMessageIds;
  if (ids.length === 0) {
    return [];
  }
  return MessageModel.find(
    { direction: 'out', $or: [{ messageId: { $in: ids } }, { serverMessageIds: { $in: ids } }] },
    { ticketId: 1, to: 1, key: 1 },
  ).lean();
}

async function ticketByQuotedTag(report: DeliveryReport, config: Config): Promise<Ticket | null> {
  const tag = report.originalSubject ? extractTicketTag(report.originalSubject, config.env.LINIA_TICKET_TAG_PREFIX) : null;
  return tag === null ? null : TicketModel.findOne({ number: tag }).lean<Ticket>();
}

/**
 * Reads a bounce, finds the ticket of the returned message and puts each
 * recipient that failed for good on the suppression list. An address is
 * suppressed only when the bounce returns one of Linia's own outbound messages
 * (found by its quoted Message-ID) and that message was sent to the address, so
 * a forged or misdirected bounce cannot silence anyone. A delayed delivery
 * report only records the bounce. SLA timers and escalation are left alone.
 */
export async function processBounce(
  rawBytes: Buffer,
  mail: ParsedMail,
  threadTicket: Ticket | null,
  config: Config,
  log: Logger,
): Promise<BounceOutcome> {
  let report: DeliveryReport;
  try {
    report = await readDeliveryReport(rawBytes, config.messageIdDomain);
  } catch (error) {
    log.warn({ err: error }, 'delivery report could not be read; bounce recorded without suppression');
    return { ticket: threadTicket, suppressed: [], detail: mail.automaticReason ?? 'bounce' };
  }

  const outbound = await outboundMessagesOf(report);
  const outboundTicketId = outbound.find((message) => message.ticketId)?.ticketId ?? null;
  const ticket = threadTicket ?? (outboundTicketId ? await findTicketById(outboundTicketId) : null) ?? (await ticketByQuotedTag(report, config));

  const sentTo = new Set(outbound.flatMap((message) => message.to.map((recipient) => (recipient.address ?? '').toLowerCase())));
  const failed = report.recipients.filter(isPermanentFailure);
  const suppressed: string[] = [];
  for (const recipient of failed) {
    const address = [recipient.originalAddress, recipient.address].find((candidate) => candidate !== null && sentTo.has(candidate));
    if (!address) {
      log.info({ ticketNumber: ticket?.number ?? null, status: recipient.status }, 'bounce names a recipient of no outbound message of Linia; not suppressed');
      continue;
    }
    const added = await suppressAddress({
      address,
      reason: `permanent delivery failure${recipient.status ? ` ${recipient.status}` : ''} reported by ${mail.from?.address ?? 'the null sender'}`,
      sourceMessageKey: mail.messageKey,
      status: recipient.status,
      ticketNumber: ticket?.number ?? null,
    });
    suppressed.push(address);
    if (ticket) {
      await appendEvent(ticket, {
        key: `address-suppressed:${address}`,
        type: 'address.suppressed',
        messageKey: mail.messageKey,
        from: address,
        detail: `${address} is undeliverable (${recipient.status ?? 'no status'}); Linia sends it no more mail`,
      });
    }
    log.info({ ticketNumber: ticket?.number ?? null, address, status: recipient.status, newlySuppressed: added }, 'address suppressed after a permanent delivery failure');
  }

  const detail =
    failed.length === 0
      ? `${mail.automaticReason ?? 'bounce'}; no permanent failure reported`
      : `delivery failed for ${failed.map((recipient) => `${recipient.address} (${recipient.status ?? 'no status'})`).join(', ')}`;
  return { ticket, suppressed, detail };
}
