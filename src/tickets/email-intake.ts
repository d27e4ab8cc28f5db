import type { Logger } from 'pino';
import type { AttachmentSink } from '../inbound/mail-types.js';
import { enqueueMirror } from '../channels/slack/slack-jobs.js';
import type { Config } from '../config/index.js';
import { onTicketActivity } from '../sla/activity.js';
import { recordFirstLineFeedback } from '../triage/first-line-feedback.js';
import { triageAndPlan } from '../triage/triage-ticket.js';
import { parseMail, type ParsedMail } from '../inbound/parse-mail.js';
import { looksLikeAutoReplySubject } from '../inbound/automatic-mail.js';
import { saysSolved } from '../inbound/solved-intent.js';
import type { LiniaQueues } from '../queues/queues.js';
import { isDuplicateKeyError } from '../store/connection.js';
import { normalizeMessageId } from '../inbound/message-key.js';
import { MessageModel, type InboundOutcome, type MessageRecord } from '../store/message.model.js';
import { QuarantineModel } from '../store/quarantine.model.js';
import { createAttachmentSpool } from '../store/attachment-spool.js';
import { readRawMail } from '../store/raw-mail-bucket.js';
import { RawMessageModel, type RawMessage } from '../store/raw-message.model.js';
import { TicketModel, type Ticket } from '../store/ticket.model.js';
import { withoutNul } from '../store/storable.js';
import { processBounce } from './bounce-intake.js';
import { sendFirstLineReply, type FirstLineAnswerer } from './first-line-reply.js';
import type { IntakeResult } from './intake-result.js';
import { sendSizeNotice } from './size-notice.js';
import { checkSenderLoop, newestTicketOf, type LoopVerdict } from './loop-breaker.js';
import { countDropped, ownAddresses, recognizeOwnMail } from './own-mail.js';
import { withLock } from './redis-lock.js';
import { findThreadTicket, type ThreadMatch } from './threading.js';
import {
  addParticipants,
  appendEvent,
  createTicket,
  findOrCreateTicket,
  findTicketById,
  hasEvent,
  transitionStatus,
  withTicket,
} from './ticket-repository.js';

/** A second delivery of a message whose first delivery has not finished; the job is retried. */
export class DeliveryInProgressError extends Error {
  override readonly name = 'DeliveryInProgressError';

  constructor(readonly messageKey: string, readonly firstSource: string) {
    super(`message ${messageKey} is still being processed from ${firstSource}; retrying later`);
  }
}

/**
 * A reply whose parent message was fetched but is not processed yet. Retrying later
 * lets the reply join the parent's ticket instead of opening a second one.
 */
export class ParentInProgressError extends Error {
  override readonly name = 'ParentInProgressError';

  constructor(readonly messageKey: string) {
    super(`message ${messageKey} replies to a message that is still being processed; retrying later`);
  }
}

/** Longest time a reply waits for its parent to be processed before it opens a ticket of its own. */
const PARENT_WAIT_MS = 5 * 60_000;

/**
 * True when the mail refers to an inbound message that is stored but not yet
 * settled, or fetched but not yet processed (for example when workers were
 * restarted between the two, or the reply was fetched in the same batch).
 * Each parent key is looked up on its own, because FerretDB hands an equality on
 * `key` or `messageKey` to PostgreSQL but decodes every document for `$in`.
 */
async function parentStillInProgress(raw: RawMessage, mail: ParsedMail): Promise<boolean> {
  const referenced = [mail.inReplyTo, ...mail.references]
    .map((id) => normalizeMessageId(id))
    .filter((key): key is string => key !== null && key !== mail.messageKey);
  const parentKeys = [...new Set(referenced)];
  const storedAt = (raw as RawMessage & { createdAt?: Date }).createdAt;
  if (parentKeys.length === 0 || !storedAt || Date.now() - storedAt.getTime() > PARENT_WAIT_MS) {
    return false;
  }
  for (const key of parentKeys) {
    if (await MessageModel.exists({ channel: 'email', key, direction: 'in', outcome: null })) {
      return true;
    }
  }
  for (const key of parentKeys) {
    if (await RawMessageModel.exists({ messageKey: key, status: 'pending', _id: { $ne: raw._id } })) {
      return true;
    }
  }
  return false;
}

export interface IntakeDependencies {
  config: Config;
  queues: LiniaQueues;
  answerer: FirstLineAnswerer;
  log: Logger;
}

async function finish(raw: RawMessage, result: IntakeResult): Promise<IntakeResult> {
  await RawMessageModel.updateOne(
    { _id: raw._id },
    { $set: { status: 'done', processedAt: new Date(), result } },
  );
  return result;
}

/** Lean reads return BSON Binary for Buffer fields; this gives the bytes either way. */
function bytesOf(value: Buffer | { buffer: Uint8Array }): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer);
}

/** Returns the raw bytes, from the document or from the GridFS bucket `raw_mail` for a large message. */
async function loadRawBytes(raw: RawMessage): Promise<Buffer> {
  if (raw.raw) {
    return bytesOf(raw.raw);
  }
  if (raw.rawFileId) {
    return readRawMail(raw.rawFileId);
  }
  throw new Error(`raw message ${raw._id.toHexString()} has neither bytes nor a GridFS file`);
}

/**
 * Maximum length of each text field of the inbound record, in characters. A text body
 * of tens of MB would push the record over MongoDB's 16 MiB document limit, and the raw
 * message keeps the whole body anyway.
 */
const MAX_STORED_TEXT_CHARS = 1_000_000;

function storableText(text: string): string {
  return text.length > MAX_STORED_TEXT_CHARS ? `${text.slice(0, MAX_STORED_TEXT_CHARS)}\n[…]` : text;
}

/**
 * Returns the attachment spool for a parse, or null when an inbound record of this
 * Message-ID exists already (a retry or a second delivery), because that record keeps
 * the attachments stored the first time.
 */
async function attachmentSinkFor(raw: RawMessage, config: Config): Promise<AttachmentSink | null> {
  if (raw.messageKey && (await MessageModel.exists({ channel: 'email', key: raw.messageKey }))) {
    return null;
  }
  return createAttachmentSpool({ dir: config.env.LINIA_ATTACHMENT_DIR, limitBytes: config.env.LINIA_MAX_MESSAGE_BYTES });
}

function attachmentRecords(mail: ParsedMail, limitBytes: number) {
  return mail.attachments.map((attachment) => ({
    filename: attachment.filename,
    contentType: attachment.contentType,
    size: attachment.size,
    storageRef: attachment.storageRef,
    notStoredReason:
      attachment.storageRef !== null
        ? null
        : mail.exceedsSizeLimit
          ? `message of ${mail.sizeBytes} bytes over the limit of ${limitBytes} bytes`
          : `attachment over the limit of ${limitBytes} bytes`,
    tnef: attachment.tnef,
  }));
}

/**
 * Removes attachments this attempt spooled that the stored record does not point to:
 * the record came from an earlier attempt or from another delivery of the same mail.
 */
async function removeUnrecorded(mail: ParsedMail, recorded: readonly { storageRef?: string | null }[], sink: AttachmentSink | null, log: Logger): Promise<void> {
  if (!sink) {
    return;
  }
  const recordedRefs = new Set(recorded.map((attachment) => attachment.storageRef).filter((ref) => ref));
  for (const attachment of mail.attachments) {
    if (attachment.storageRef && !recordedRefs.has(attachment.storageRef)) {
      await sink.remove(attachment.storageRef).catch((error: unknown) => {
        log.warn({ err: error, storageRef: attachment.storageRef }, 'could not remove an attachment stored twice');
      });
    }
  }
}

function sourceKeyOf(raw: RawMessage): string {
  return `imap:${raw.mailbox}:${raw.uidValidity}:${raw.uid}`;
}

async function quarantine(
  raw: RawMessage,
  reason: string,
  messageKey: string | null,
  headers: Record<string, string>,
  log: Logger,
): Promise<IntakeResult> {
  const sourceKey = sourceKeyOf(raw);
  try {
    await QuarantineModel.create(withoutNul({ sourceKey, rawMessageId: raw._id, messageKey, reason, headers, size: raw.size }));
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  log.warn({ messageKey, reason }, 'message quarantined');
  return finish(raw, { action: 'quarantined', ticketNumber: null, articleId: null, reason });
}

/**
 * Records the inbound message under its natural key. Returns the stored record,
 * which may come from an earlier attempt or an earlier delivery of the same mail.
 * The record is read back only when the insert clashed with an earlier one, because
 * each read is one more store round trip.
 */
async function recordInbound(mail: ParsedMail, sourceKey: string, maxMessageBytes: number): Promise<MessageRecord> {
  try {
    // An insert, not an upsert: on FerretDB an upsert that finds the document rewrites it whole.
    const created = await MessageModel.create({
      channel: 'email',
      key: mail.messageKey,
      direction: 'in',
      sourceKey,
      messageId: mail.messageId,
      inReplyTo: mail.inReplyTo,
      references: mail.references,
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      language: mail.language.language,
      automatic: mail.automatic,
      automaticReason: mail.automaticReason,
      text: storableText(mail.text),
      fullText: storableText(mail.fullText),
      attachments: attachmentRecords(mail, maxMessageBytes),
    });
    return created.toObject() as MessageRecord;
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  const record = await MessageModel.findOne({ channel: 'email', key: mail.messageKey }).lean<MessageRecord>();
  if (!record) {
    throw new Error(`inbound message ${mail.messageKey} vanished after insert`);
  }
  return record;
}

async function settleInbound(messageKey: string, outcome: InboundOutcome, ticket: Ticket | null): Promise<void> {
  await MessageModel.updateOne(
    { channel: 'email', key: messageKey },
    { $set: { outcome, ticketId: ticket?._id ?? null, ticketNumber: ticket?.number ?? null } },
  );
}

/**
 * Turns one stored raw e-mail into a ticket event, an automatic-mail record or a
 * quarantine record. Every write is keyed by the message key, the ticket's origin
 * key or the event key, so running it again after a crash or for a second
 * delivery of the same mail changes nothing and sends nothing twice.
 */
export async function processInboundMail(rawMessageId: string, deps: IntakeDependencies): Promise<IntakeResult> {
  const raw = await RawMessageModel.findById(rawMessageId).lean<RawMessage>();
  if (!raw) {
    throw new Error(`raw message ${rawMessageId} not found in the store`);
  }
  if (raw.status === 'done' && raw.result?.action) {
    return raw.result as IntakeResult;
  }
  const { config } = deps;
  const log = deps.log.child({ sourceKey: sourceKeyOf(raw) });

  if (!raw.raw && !raw.rawFileId) {
    // Only the header was fetched: the message is over the fetch cap, or over the
    // message limit when `linia demo` stored a file the IMAP server refused.
    const limit = raw.size > config.env.LINIA_MAX_FETCH_BYTES ? config.env.LINIA_MAX_FETCH_BYTES : config.env.LINIA_MAX_MESSAGE_BYTES;
    const reason = `oversized: ${raw.size} bytes over limit ${limit}`;
    return quarantine(raw, reason, null, { header: raw.headerText.slice(0, 8_000) }, log);
  }
  const rawBytes = await loadRawBytes(raw);
  const sink = await attachmentSinkFor(raw, config);
  const parsed = await parseMail(rawBytes, {
    maxBytes: config.env.LINIA_MAX_MESSAGE_BYTES,
    timeoutMs: config.env.LINIA_PARSE_TIMEOUT_MS,
    tagPrefix: config.env.LINIA_TICKET_TAG_PREFIX,
    ownDomains: ownAddresses(config),
    attachmentSink: sink ?? undefined,
  });
  if (!parsed.ok) {
    return quarantine(raw, parsed.reason, parsed.messageKey, parsed.headers, log);
  }
  const mail = withoutNul(parsed.mail);
  const messageLog = log.child({ messageKey: mail.messageKey });
  if (mail.exceedsSizeLimit) {
    messageLog.info({ sizeBytes: mail.sizeBytes, limitBytes: config.env.LINIA_MAX_MESSAGE_BYTES }, 'message over the size limit: text kept, attachments not stored');
  }

  const record = await recordInbound(mail, sourceKeyOf(raw), config.env.LINIA_MAX_MESSAGE_BYTES);
  await removeUnrecorded(mail, record.attachments ?? [], sink, messageLog);
  if (record.sourceKey !== sourceKeyOf(raw)) {
    if (!record.outcome) {
      // The first delivery is still being processed; the retry reports against its result.
      throw new DeliveryInProgressError(mail.messageKey, record.sourceKey ?? 'unknown');
    }
    messageLog.info({ firstSource: record.sourceKey }, 'duplicate delivery of a message already processed');
    return finish(raw, {
      action: record.ticketNumber ? 'attached' : 'automatic',
      ticketNumber: record.ticketNumber ?? null,
      articleId: null,
      reason: `duplicate of ${record.sourceKey}`,
    });
  }

  const own = recognizeOwnMail(mail, config);
  if (own) {
    await settleInbound(mail.messageKey, 'dropped', null);
    countDropped(own.reason);
    messageLog.warn({ reason: own.reason, detail: own.detail }, 'own message dropped before ticket logic');
    return finish(raw, { action: 'automatic', ticketNumber: null, articleId: null, reason: own.detail });
  }

  const earlierTicket = record.ticketId ? await findTicketById(record.ticketId) : null;
  const thread: ThreadMatch | null = earlierTicket
    ? { ticket: earlierTicket, via: 'in-reply-to' }
    : await findThreadTicket({
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        ticketTag: mail.ticketTag,
        fromAddress: mail.from?.address ?? null,
      });
  const createsTicket = earlierTicket !== null && earlierTicket.originKey === `email:${mail.messageKey}`;
  // A person-like message settled as automatic was held by the loop breaker in an
  // earlier attempt. It goes through the same gate again instead of being taken as a reply.
  const heldEarlier = !mail.automatic && record.outcome === 'automatic';

  if (mail.automatic) {
    return handleAutomatic(raw, rawBytes, mail, createsTicket ? null : thread, deps, messageLog);
  }
  if (thread && !createsTicket && !heldEarlier) {
    return handleReply(raw, mail, thread, deps, messageLog);
  }
  if (!thread && !createsTicket && !heldEarlier && (await parentStillInProgress(raw, mail))) {
    throw new ParentInProgressError(mail.messageKey);
  }
  return handleNewTicket(raw, mail, deps, messageLog);
}

/** Records a `loop.detected` event once per loop episode on the ticket the looping mail is recorded on. */
async function recordLoop(ticket: Ticket, verdict: LoopVerdict, messageKey: string): Promise<void> {
  if (verdict.episode === null) {
    return;
  }
  await appendEvent(ticket, { key: `loop:${verdict.episode}`, type: 'loop.detected', messageKey, detail: verdict.reason ?? 'mail loop' });
}

async function handleAutomatic(
  raw: RawMessage,
  rawBytes: Buffer,
  mail: ParsedMail,
  thread: ThreadMatch | null,
  deps: IntakeDependencies,
  log: Logger,
): Promise<IntakeResult> {
  let reason = mail.automaticReason ?? 'automatic mail';
  let ticket = thread?.ticket ?? null;
  let loop: LoopVerdict | null = null;
  const sender = mail.from?.address.toLowerCase() ?? null;
  if (mail.automaticKind === 'bounce') {
    const bounce = await processBounce(rawBytes, mail, ticket, deps.config, log);
    ticket = bounce.ticket;
    reason = `${reason}; ${bounce.detail}`;
  } else if (sender) {
    // Bounces are left out: one full mailbox bounces a whole mailing at once, which is no loop.
    loop = await checkSenderLoop(deps.queues, { address: sender, messageKey: mail.messageKey, subject: mail.subject, kind: 'automatic', sentAt: mail.date }, log);
    if (loop.looping) {
      ticket ??= await newestTicketOf(sender);
    }
  }
  if (ticket) {
    await appendEvent(ticket, {
      key: `in:${mail.messageKey}`,
      type: mail.automaticKind === 'bounce' ? 'bounce.received' : 'automatic_mail.received',
      messageKey: mail.messageKey,
      from: mail.from?.address,
      detail: reason,
    });
    if (loop?.looping) {
      await recordLoop(ticket, loop, mail.messageKey);
    }
  }
  await settleInbound(mail.messageKey, 'automatic', ticket);
  log.info({ ticketNumber: ticket?.number ?? null, reason }, 'automatic mail recorded, not answered');
  return finish(raw, { action: 'automatic', ticketNumber: ticket?.number ?? null, articleId: null, reason });
}

/**
 * Records a message that the loop breaker held: it opens no ticket and gets no
 * reply, and it is kept on the sender's newest ticket.
 */
async function handleHeld(raw: RawMessage, mail: ParsedMail, verdict: LoopVerdict, sender: string, log: Logger): Promise<IntakeResult> {
  const ticket = await newestTicketOf(sender);
  // Settled first, so a retry recognises the held message instead of treating it as a reply.
  await settleInbound(mail.messageKey, 'automatic', ticket);
  const reason = verdict.reason ?? 'loop breaker';
  if (ticket) {
    await appendEvent(ticket, { key: `in:${mail.messageKey}`, type: 'automatic_mail.received', messageKey: mail.messageKey, from: sender, detail: reason });
    await recordLoop(ticket, verdict, mail.messageKey);
  }
  log.info({ ticketNumber: ticket?.number ?? null, reason }, 'message held by the loop breaker: no ticket, no reply');
  return finish(raw, { action: 'automatic', ticketNumber: ticket?.number ?? null, articleId: null, reason });
}

async function handleReply(
  raw: RawMessage,
  mail: ParsedMail,
  thread: ThreadMatch,
  deps: IntakeDependencies,
  log: Logger,
): Promise<IntakeResult> {
  const { ticket } = thread;
  const from = mail.from?.address.toLowerCase() ?? null;
  const isNewParticipant = from !== null && from !== ticket.requester?.address?.toLowerCase() && thread.via !== 'subject-tag';
  await settleInbound(mail.messageKey, 'attached', ticket);
  await addParticipants(deps.queues, ticket._id, isNewParticipant && from ? [from] : []);
  await appendEvent(ticket, {
    key: `in:${mail.messageKey}`,
    type: 'message.received',
    messageKey: mail.messageKey,
    from: from ?? undefined,
    detail: `threaded by ${thread.via}`,
  });

  let reason = `threaded by ${thread.via}`;
  if (looksLikeAutoReplySubject(mail.subject)) {
    // An out-of-office reply without RFC 3834 headers: kept on the ticket, but it
    // must not reopen the ticket or count as the requester's reply.
    reason += '; subject reads like an auto-reply, status unchanged';
  } else if (saysSolved(mail.text)) {
    const resolved = await transitionStatus(deps.queues, ticket._id, {
      from: ['new', 'waiting_for_requester', 'escalated'],
      to: 'resolved',
      event: { key: `resolved:${mail.messageKey}`, messageKey: mail.messageKey, detail: 'requester confirmed the problem is solved' },
      set: { resolvedAt: new Date() },
      replan: true,
    });
    if (resolved) {
      await onTicketActivity(deps, ticket._id.toHexString(), 'resolved');
      await recordFirstLineFeedback(ticket, 'solved', 'email', mail.messageKey);
      reason += '; requester confirmed it is solved, ticket resolved';
      log.info({ ticketNumber: ticket.number }, 'ticket resolved by requester');
    }
  } else if (ticket.status === 'waiting_for_requester') {
    const back = await transitionStatus(deps.queues, ticket._id, {
      from: ['waiting_for_requester'],
      to: 'new',
      event: { key: `back-to-l1:${mail.messageKey}`, messageKey: mail.messageKey, detail: 'requester replied without confirming a fix' },
      replan: false,
    });
    if (back) {
      await onTicketActivity(deps, ticket._id.toHexString(), 'requester_replied');
      await recordFirstLineFeedback(ticket, 'needs_help', 'email', mail.messageKey);
      reason += '; knowledge-base answer did not solve it, back to the first line';
    }
  } else if (await hasEvent(ticket._id, `reopened:${mail.messageKey}`)) {
    // A retry after a crash between the reopen and its re-plan: plan again, because
    // the job id carries the plan version and so the first run's job is not doubled.
    const current = await findTicketById(ticket._id);
    if (current) {
      await replanAfterReopen(current, deps);
    }
    reason += '; ticket reopened';
  } else if (ticket.status === 'resolved' || ticket.status === 'closed') {
    const reopened = await transitionStatus(deps.queues, ticket._id, {
      from: ['resolved', 'closed'],
      to: ticket.line === 'L1' ? 'new' : 'escalated',
      event: { key: `reopened:${mail.messageKey}`, messageKey: mail.messageKey, detail: 'requester wrote again' },
      set: { resolvedAt: null },
      replan: true,
    });
    if (reopened) {
      await replanAfterReopen(reopened, deps);
      reason += '; ticket reopened';
      log.info({ ticketNumber: ticket.number }, 'ticket reopened by requester reply');
    }
  } else if (ticket.sla?.pausedAt) {
    await onTicketActivity(deps, ticket._id.toHexString(), 'requester_replied');
  }
  const replyAddress = (mail.replyTo[0] ?? mail.from)?.address ?? null;
  if (mail.exceedsSizeLimit && replyAddress) {
    const notice = await sendSizeNotice(ticket, mail, { address: replyAddress, name: (mail.replyTo[0] ?? mail.from)?.name ?? '' }, deps);
    reason += notice === 'queued' ? '; over the size limit, attachments not kept, size notice sent' : '; over the size limit, attachments not kept';
  }
  if (ticket.agentThread?.ts) {
    // The slack-events worker posts it into the agent thread, so intake never waits on Slack.
    await enqueueMirror(deps.queues, { ticketId: ticket._id.toHexString(), channel: 'email', messageKey: mail.messageKey });
  }
  return finish(raw, { action: 'attached', ticketNumber: ticket.number, articleId: null, reason });
}

async function replanAfterReopen(ticket: Ticket, deps: IntakeDependencies): Promise<void> {
  await onTicketActivity(deps, ticket._id.toHexString(), 'reopened');
}

async function handleNewTicket(raw: RawMessage, mail: ParsedMail, deps: IntakeDependencies, log: Logger): Promise<IntakeResult> {
  const { config } = deps;
  const requesterAddress = (mail.replyTo[0] ?? mail.from)?.address ?? null;
  const detected = mail.language.language;
  const language = detected === 'pl' || detected === 'en' ? detected : config.policy.language.default;
  const newTicket = {
    originKey: `email:${mail.messageKey}`,
    channel: 'email' as const,
    subject: mail.normalizedSubject || mail.subject,
    language,
    requester: { address: mail.from?.address.toLowerCase() ?? requesterAddress, name: mail.from?.name ?? '' },
  };
  const sender = newTicket.requester.address;
  let opened: Awaited<ReturnType<typeof findOrCreateTicket>>;
  if (sender) {
    // The check and the creation run under the sender's lock, so parallel messages
    // of one looping sender cannot all pass the check before any ticket exists.
    const gate = await withLock(deps.queues, `new-ticket:${sender}`, async () => {
      // A retry after the ticket was created skips the check, so it keeps its ticket.
      const existing = await TicketModel.findOne({ originKey: newTicket.originKey }).lean<Ticket>();
      if (existing) {
        return { held: null, opened: { ticket: existing, created: false } };
      }
      const verdict = await checkSenderLoop(deps.queues, { address: sender, messageKey: mail.messageKey, subject: mail.subject, kind: 'person', sentAt: mail.date }, log);
      return verdict.looping ? { held: verdict, opened: null } : { held: null, opened: await createTicket(newTicket) };
    });
    if (gate.held) {
      return handleHeld(raw, mail, gate.held, sender, log);
    }
    opened = gate.opened;
  } else {
    opened = await findOrCreateTicket(newTicket);
  }
  const { ticket, created } = opened;
  await appendEvent(ticket, { key: 'created', type: 'ticket.created', messageKey: mail.messageKey });
  await appendEvent(ticket, { key: `in:${mail.messageKey}`, type: 'message.received', messageKey: mail.messageKey, from: mail.from?.address });
  await settleInbound(mail.messageKey, 'ticket_created', ticket);
  if (created) {
    log.info({ ticketNumber: ticket.number, language }, 'ticket created');
  }

  let result: IntakeResult;
  if (!requesterAddress) {
    result = { action: 'acknowledged', ticketNumber: ticket.number, articleId: null, reason: 'ticket created; no reply sent: sender has no address' };
  } else if (mail.exceedsSizeLimit) {
    // The size notice takes the place of the first reply: it carries the ticket tag,
    // and the per-sender limit allows one automatic reply per window.
    const notice = await sendSizeNotice(ticket, mail, { address: requesterAddress, name: (mail.replyTo[0] ?? mail.from)?.name ?? '' }, deps);
    result = {
      action: 'acknowledged',
      ticketNumber: ticket.number,
      articleId: null,
      reason:
        notice === 'queued'
          ? 'ticket created; message over the size limit, attachments not kept; size notice sent'
          : 'ticket created; message over the size limit, attachments not kept; no size notice: per-sender automatic reply limit',
    };
  } else {
    const reply = await sendFirstLineReply(
      {
        ticket,
        inboundKey: mail.messageKey,
        inboundMessageId: mail.messageId,
        inboundReferences: mail.references,
        replyTo: { address: requesterAddress, name: (mail.replyTo[0] ?? mail.from)?.name ?? '' },
        question: `${mail.normalizedSubject}\n${mail.text}`,
        originalSubject: mail.subject,
      },
      deps,
    );
    result =
      reply.action === 'auto-replied'
        ? { action: 'auto-replied', ticketNumber: ticket.number, articleId: reply.articleId, reason: null }
        : reply.action === 'acknowledged'
          ? { action: 'acknowledged', ticketNumber: ticket.number, articleId: null, reason: null }
          : {
              action: 'acknowledged',
              ticketNumber: ticket.number,
              articleId: null,
              reason: 'ticket created; no reply sent: per-sender automatic reply limit',
            };
  }

  await triageAndPlan(deps, ticket, {
    subject: mail.subject,
    text: mail.text,
    requesterAddress: newTicket.requester.address,
    channel: 'email',
    kbArticleId: result.articleId,
  });
  return finish(raw, result);
}

/**
 * Quarantines a raw message whose processing job ran out of retries, so it is
 * accounted for and an operator sees why. Does nothing if it was processed after all.
 */
export async function quarantineAfterFailure(rawMessageId: string, reason: string, log: Logger): Promise<void> {
  const raw = await RawMessageModel.findById(rawMessageId).lean<RawMessage>();
  if (!raw || raw.status === 'done') {
    return;
  }
  await quarantine(raw, reason, null, { header: raw.headerText.slice(0, 8_000) }, log);
}
