import { createHash } from 'node:crypto';
import type { Types } from 'mongoose';
import { isDuplicateKeyError } from '../store/connection.js';
import { MessageModel, type OutboundKind } from '../store/message.model.js';
import { outboundJobId } from '../queues/job-ids.js';
import type { LiniaQueues } from '../queues/queues.js';

export interface OutboundMailRequest {
  /** Natural key of this outbound message, e.g. `reply:<inbound key>`; it fixes the Message-ID too. */
  key: string;
  kind: OutboundKind;
  ticketId: Types.ObjectId;
  ticketNumber: number;
  to: { address: string; name?: string }[];
  subject: string;
  text: string;
  html: string;
  language: string;
  inReplyTo: string | null;
  references: string[];
  articleId?: string | null;
}

/**
 * Derives the Message-ID from the record key, so a resend after a crash carries
 * the same id and the requester's client shows one message.
 */
export function outboundMessageId(key: string, ticketNumber: number, domain: string): string {
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 20);
  return `linia.${ticketNumber}.${digest}@${domain}`;
}

/** Matches the Message-IDs that outboundMessageId() makes for `domain`, anywhere in a text. */
export function ownMessageIdPattern(domain: string): RegExp {
  const escapedDomain = domain.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  return new RegExp(`linia\\.\\d+\\.[0-9a-f]{20}@${escapedDomain}`, 'gi');
}

/** Most References entries kept on a reply; long threads keep the first and the newest ids. */
const MAX_REFERENCES = 20;

export function trimReferences(ids: string[]): string[] {
  const unique = [...new Set(ids)];
  if (unique.length <= MAX_REFERENCES) {
    return unique;
  }
  return [unique[0], ...unique.slice(unique.length - (MAX_REFERENCES - 1))];
}

/**
 * Stores the outbound message as pending and queues its sending. Both steps are
 * idempotent: the record is unique by key and the job id derives from the key.
 */
export async function queueOutboundMail(
  request: OutboundMailRequest,
  queues: LiniaQueues,
  messageIdDomain: string,
): Promise<string> {
  const messageId = outboundMessageId(request.key, request.ticketNumber, messageIdDomain);
  try {
    // An insert, not an upsert: on FerretDB an upsert that finds the document rewrites it whole.
    await MessageModel.create({
      channel: 'email',
      key: request.key,
      direction: 'out',
      kind: request.kind,
      status: 'pending',
      ticketId: request.ticketId,
      ticketNumber: request.ticketNumber,
      messageId,
      inReplyTo: request.inReplyTo,
      references: trimReferences(request.references),
      to: request.to.map((recipient) => ({ address: recipient.address, name: recipient.name ?? '' })),
      subject: request.subject,
      text: request.text,
      html: request.html,
      language: request.language,
      articleId: request.articleId ?? null,
    });
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  await queues.outboundMail.add(
    'send',
    { messageKey: request.key, ticketNumber: request.ticketNumber },
    { jobId: outboundJobId(request.key) },
  );
  return messageId;
}
