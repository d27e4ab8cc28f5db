import { isDuplicateKeyError } from '../../store/connection.js';
import { SlackEventModel, type SlackDeliveryKind } from '../../store/slack-event.model.js';
import { withoutNul } from '../../store/storable.js';

/** A delivery worth storing, with its two deduplication keys. */
export interface ClassifiedDelivery {
  eventId: string;
  dedupKey: string;
  kind: SlackDeliveryKind;
  type: string;
  payload: Record<string, unknown>;
}

export type Classification = { store: ClassifiedDelivery } | { ignore: string };

/** Message subtypes that carry a person's text; other subtypes (joins, topic changes…) are ignored. */
const PERSON_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);

type Loose = Record<string, unknown>;

function record(value: unknown): Loose | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Loose) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** True for a message written by a bot, Linia included: no echo loops between bots. */
function isBotMessage(message: Loose | undefined, botUserId: string | undefined): boolean {
  if (!message) {
    return false;
  }
  return message.bot_id !== undefined || message.subtype === 'bot_message' || (botUserId !== undefined && message.user === botUserId);
}

function classifyMessageEvent(event: Loose, eventId: string, botUserId: string | undefined, payload: Loose): Classification {
  const channel = text(event.channel) ?? '';
  const subtype = text(event.subtype);
  if (subtype === 'message_changed') {
    const message = record(event.message);
    if (isBotMessage(message, botUserId)) {
      return { ignore: 'edit of a bot message' };
    }
    const edited = record(message?.edited);
    const editTs = text(edited?.ts) ?? text(event.ts) ?? '';
    // Unfurls also arrive as message_changed, without an `edited` mark; they change no text.
    if (!edited) {
      return { ignore: 'message_changed without an edit (link preview)' };
    }
    return { store: { eventId, dedupKey: `edit:${channel}:${text(message?.ts) ?? ''}:${editTs}`, kind: 'event', type: 'message_changed', payload } };
  }
  if (subtype === 'message_deleted') {
    if (isBotMessage(record(event.previous_message), botUserId)) {
      return { ignore: 'deletion of a bot message' };
    }
    return { store: { eventId, dedupKey: `del:${channel}:${text(event.deleted_ts) ?? ''}`, kind: 'event', type: 'message_deleted', payload } };
  }
  if (isBotMessage(event, botUserId)) {
    return { ignore: 'message from a bot' };
  }
  if (!PERSON_SUBTYPES.has(subtype)) {
    return { ignore: `message subtype ${subtype}` };
  }
  return { store: { eventId, dedupKey: `msg:${channel}:${text(event.ts) ?? ''}`, kind: 'event', type: 'message', payload } };
}

/**
 * Decides whether a Slack request body is stored and how it is keyed. Events
 * are keyed by event id and, for messages, by channel + ts, because a mention
 * in a channel arrives twice (`app_mention` and `message`) with different event
 * ids. Bot messages, Linia's own included, are ignored here and again by the worker.
 */
export function classifyDelivery(body: Loose, botUserId: string | undefined): Classification {
  if (body.type === 'event_callback') {
    const event = record(body.event);
    const eventId = text(body.event_id);
    if (!event || !eventId) {
      return { ignore: 'event without event_id' };
    }
    if (event.type === 'message') {
      return classifyMessageEvent(event, eventId, botUserId, body);
    }
    if (event.type === 'app_mention') {
      if (isBotMessage(event, botUserId)) {
        return { ignore: 'mention by a bot' };
      }
      return { store: { eventId, dedupKey: `msg:${text(event.channel) ?? ''}:${text(event.ts) ?? ''}`, kind: 'event', type: 'app_mention', payload: body } };
    }
    return { ignore: `event type ${String(event.type)}` };
  }
  if (body.type === 'block_actions') {
    const triggerId = text(body.trigger_id);
    if (!triggerId) {
      return { ignore: 'block action without trigger_id' };
    }
    return { store: { eventId: `action:${triggerId}`, dedupKey: `action:${triggerId}`, kind: 'action', type: 'block_actions', payload: body } };
  }
  if (body.type === 'view_submission') {
    const viewId = text(record(body.view)?.id);
    if (!viewId) {
      return { ignore: 'view submission without a view id' };
    }
    // One ticket per modal: a second submission of the same view is a double click.
    return { store: { eventId: `view:${viewId}`, dedupKey: `view:${viewId}`, kind: 'view', type: 'view_submission', payload: body } };
  }
  if (typeof body.command === 'string') {
    const triggerId = text(body.trigger_id);
    if (!triggerId) {
      return { ignore: 'command without trigger_id' };
    }
    return { store: { eventId: `command:${triggerId}`, dedupKey: `command:${triggerId}`, kind: 'command', type: 'command', payload: body } };
  }
  return { ignore: `request type ${String(body.type)}` };
}

/**
 * Inserts a delivery; a duplicate-key error means a retry or a second event of
 * the same message, and the first record is returned. Returns the record id and
 * whether this call stored it.
 */
export async function storeDelivery(delivery: ClassifiedDelivery, retryNum: number): Promise<{ id: string; stored: boolean }> {
  try {
    const created = await SlackEventModel.create({
      eventId: delivery.eventId,
      dedupKey: delivery.dedupKey,
      kind: delivery.kind,
      type: delivery.type,
      payload: withoutNul(delivery.payload),
      retryNum,
    });
    return { id: created._id.toHexString(), stored: true };
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  const existing = await SlackEventModel.findOne({ $or: [{ eventId: delivery.eventId }, { dedupKey: delivery.dedupKey }] }, { _id: 1 }).lean();
  if (!existing) {
    throw new Error(`Slack delivery ${delivery.eventId} was rejected as a duplicate but is not in the store`);
  }
  return { id: existing._id.toHexString(), stored: false };
}
