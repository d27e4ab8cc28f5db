import { pipelineMetrics } from '../metrics/pipeline-metrics.js';
import { UnrecoverableError } from 'bullmq';
import type { Types } from 'mongoose';
import type { Logger } from 'pino';
import { MessageModel, type OutboundKind } from '../store/message.model.js';
import type { TicketEventType } from '../store/ticket.model.js';
import { appendEvent } from '../tickets/ticket-repository.js';
import type { Mailer } from './mailer.js';
import type { SentFolder } from './sent-folder.js';
import { findSuppressed } from './suppression.js';

export interface SendDependencies {
  mailer: Mailer;
  from: { address: string; name: string };
  log: Logger;
  /** Folder where the relay files copies of accepted mail (SMTP_SENT_MAILBOX), or null when it keeps none. */
  sentFolder?: SentFolder | null;
}

export type SendOutcome = 'sent' | 'already_sent' | 'found_in_sent_folder' | 'already_failed' | 'missing' | 'suppressed';

const SENT_EVENT: Record<OutboundKind, TicketEventType | null> = {
  kb_answer: 'auto_reply.sent',
  acknowledgement: 'acknowledgement.sent',
  agent_reply: 'agent_reply.sent',
  escalation: null,
};

/** Kinds written by the bot itself. They carry RFC 3834 headers, so other robots do not reply to them. */
const AUTOMATIC_KINDS: ReadonlySet<OutboundKind> = new Set(['kb_answer', 'acknowledgement', 'escalation']);

/** Returns true when the relay replied with an error code, so it did not take the mail, and false when the connection failed without a reply. */
function relayAnswered(error: unknown): boolean {
  return typeof (error as { responseCode?: unknown }).responseCode === 'number';
}

/** SMTP reply codes 5xx are permanent: retrying cannot deliver the message. */
function isPermanentSmtpFailure(error: unknown): boolean {
  const responseCode = (error as { responseCode?: unknown }).responseCode;
  return typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600;
}

/**
 * Sends one stored outbound message. A message already sent or failed is not sent
 * again, so duplicate jobs are harmless. Temporary SMTP failures throw for a
 * retry with backoff; permanent ones mark the message failed, record the failure
 * on the ticket and stop retrying.
 */
export async function sendOutboundMail(messageKey: string, deps: SendDependencies): Promise<SendOutcome> {
  const record = await MessageModel.findOne({ channel: 'email', key: messageKey, direction: 'out' }).lean();
  if (!record) {
    deps.log.warn({ messageKey }, 'outbound message not found; nothing to send');
    return 'missing';
  }
  if (record.status === 'sent') {
    return 'already_sent';
  }
  if (record.status === 'suppressed') {
    return 'suppressed';
  }
  if (record.status === 'failed') {
    return 'already_failed';
  }
  const kind = record.kind as OutboundKind;

  // Every kind of outbound mail passes here, so this one check covers replies,
  // acknowledgements, relayed agent replies, escalation mail and reminders.
  const suppressed = await findSuppressed(record.to.map((recipient) => recipient.address ?? ''));
  const recipients = record.to.filter((recipient) => !suppressed.has((recipient.address ?? '').toLowerCase()));
  if (suppressed.size > 0) {
    const detail = `not sent to ${[...suppressed.keys()].join(', ')}: address suppressed after a permanent delivery failure`;
    deps.log.warn({ messageKey, ticketNumber: record.ticketNumber, kind, suppressed: [...suppressed.keys()] }, 'outbound mail skips suppressed addresses');
    if (record.ticketId) {
      await appendEvent({ _id: record.ticketId, number: record.ticketNumber ?? 0 }, { key: `suppressed:${messageKey}`, type: 'note.added', messageKey, detail });
    }
    if (recipients.length === 0) {
      await MessageModel.updateOne({ _id: record._id }, { $set: { status: 'suppressed', error: detail } });
      return 'suppressed';
    }
  }

  const headers: Record<string, string> = {
    'X-Loop': deps.from.address,
    'X-Linia-Ticket': String(record.ticketNumber ?? ''),
  };
  if (AUTOMATIC_KINDS.has(kind)) {
    headers['Auto-Submitted'] = kind === 'escalation' ? 'auto-generated' : 'auto-replied';
    headers['X-Auto-Response-Suppress'] = 'All';
  }

  if (record.sendingSince && record.messageId) {
    // The earlier attempt ended without the relay's reply (a crash or a cut connection), so the relay may hold the mail.
    const context = { messageKey, ticketNumber: record.ticketNumber, kind, attemptStartedAt: record.sendingSince };
    if (deps.sentFolder) {
      if (await deps.sentFolder.contains(record.messageId)) {
        await MessageModel.updateOne(
          { _id: record._id },
          { $set: { status: 'sent', sentAt: new Date(), sentVia: 'sent-folder', sendingSince: null, error: null } },
        );
        deps.log.info(context, 'outbound mail found in the Sent folder after an interrupted attempt; not sent again');
        await recordSent(record, messageKey, kind);
        pipelineMetrics.outboundSent(String(kind));
        return 'found_in_sent_folder';
      }
      deps.log.info(context, 'outbound mail not in the Sent folder after an interrupted attempt; sending it');
    } else {
      deps.log.warn(context, 'an interrupted attempt may have reached the relay; sending again with the same Message-ID (set SMTP_SENT_MAILBOX to look first)');
    }
  }

  await MessageModel.updateOne({ _id: record._id }, { $inc: { attempts: 1 }, $set: { sendingSince: new Date() } });
  try {
    const receipt = await deps.mailer.send({
      from: deps.from,
      to: recipients.map((recipient) => ({ address: recipient.address ?? '', name: recipient.name ?? '' })),
      subject: record.subject,
      text: record.text ?? '',
      html: record.html ?? undefined,
      messageId: record.messageId ?? '',
      inReplyTo: record.inReplyTo ?? undefined,
      references: record.references,
      headers,
    });
    const serverIds = receipt.messageId && receipt.messageId !== record.messageId ? [receipt.messageId] : [];
    await MessageModel.updateOne(
      { _id: record._id },
      {
        $set: { status: 'sent', sentAt: new Date(), sentVia: 'smtp', sendingSince: null, error: null },
        $addToSet: { serverMessageIds: { $each: serverIds } },
      },
    );
  } catch (error) {
    if (!isPermanentSmtpFailure(error)) {
      if (relayAnswered(error)) {
        // A 4xx reply means the relay did not take the mail, so the retry need not look in the Sent folder.
        await MessageModel.updateOne({ _id: record._id }, { $set: { sendingSince: null, error: (error as Error).message } });
      }
      throw error;
    }
    const reason = (error as Error).message;
    await MessageModel.updateOne({ _id: record._id }, { $set: { status: 'failed', sendingSince: null, error: reason } });
    if (record.ticketId) {
      await appendEvent({ _id: record.ticketId, number: record.ticketNumber ?? 0 }, { key: `failed:${messageKey}`, type: 'reply.failed', messageKey, detail: reason });
    }
    deps.log.error({ messageKey, ticketNumber: record.ticketNumber, err: error }, 'outbound mail rejected permanently');
    throw new UnrecoverableError(`SMTP rejected ${messageKey}: ${reason}`);
  }

  await recordSent(record, messageKey, kind);
  deps.log.info({ messageKey, ticketNumber: record.ticketNumber, kind }, 'outbound mail sent');
  pipelineMetrics.outboundSent(String(kind));
  return 'sent';
}

/** Adds the ticket event of a sent message; the event key makes a repeat harmless. */
async function recordSent(
  record: { ticketId?: Types.ObjectId | null; ticketNumber?: number | null; articleId?: string | null },
  messageKey: string,
  kind: OutboundKind,
): Promise<void> {
  const eventType = SENT_EVENT[kind];
  if (record.ticketId && eventType) {
    await appendEvent({ _id: record.ticketId, number: record.ticketNumber ?? 0 }, {
      key: `sent:${messageKey}`,
      type: eventType,
      messageKey,
      articleId: record.articleId ?? undefined,
    });
  }
}
