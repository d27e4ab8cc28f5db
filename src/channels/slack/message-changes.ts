import { slackToPlainText } from '../../escalation/slack-text.js';
import { MessageModel } from '../../store/message.model.js';
import { appendEvent } from '../../tickets/ticket-repository.js';
import type { SlackWorkDeps } from './slack-deps.js';

type Loose = Record<string, unknown>;

/** Longest edited text kept in a `message.edited` event, in characters. */
const EDIT_DETAIL_MAX_CHARS = 2_000;

export type ChangeOutcome = 'edit_recorded' | 'delete_recorded' | 'not_on_a_ticket';

/**
 * Finds the ticket of a Slack message Linia already handled: a requester's
 * message (key channel:ts) or an agent's relayed reply (key agent-reply:channel:ts).
 */
async function ticketOfMessage(channel: string, ts: string): Promise<{ ticketId: unknown; ticketNumber: number | null; key: string } | null> {
  for (const key of [`${channel}:${ts}`, `agent-reply:${channel}:${ts}`]) {
    const record = await MessageModel.findOne({ channel: 'slack', key }, { ticketId: 1, ticketNumber: 1 }).lean();
    if (record?.ticketId) {
      return { ticketId: record.ticketId, ticketNumber: record.ticketNumber ?? null, key };
    }
  }
  // An agent's e-mail reply is stored under the e-mail channel.
  const mail = await MessageModel.findOne({ channel: 'email', key: `agent-reply:${channel}:${ts}` }, { ticketId: 1, ticketNumber: 1 }).lean();
  return mail?.ticketId ? { ticketId: mail.ticketId, ticketNumber: mail.ticketNumber ?? null, key: `agent-reply:${channel}:${ts}` } : null;
}

/**
 * Records an edit or a deletion of a message that is on a ticket as a timeline
 * event. Nothing is sent again: the requester or the agents already have the
 * first version, and the event keeps the new text for whoever reads the ticket.
 */
export async function recordMessageChange(event: Loose, deps: SlackWorkDeps): Promise<ChangeOutcome> {
  const channel = typeof event.channel === 'string' ? event.channel : '';
  if (event.subtype === 'message_changed') {
    const message = (event.message ?? {}) as Loose;
    const ts = String(message.ts ?? '');
    const found = await ticketOfMessage(channel, ts);
    if (!found) {
      return 'not_on_a_ticket';
    }
    const editedTs = String((message.edited as Loose | undefined)?.ts ?? event.ts ?? '');
    const newText = slackToPlainText(String(message.text ?? '')).slice(0, EDIT_DETAIL_MAX_CHARS);
    await appendEvent(
      { _id: found.ticketId as never, number: found.ticketNumber ?? 0 },
      { key: `edited:${channel}:${ts}:${editedTs}`, type: 'message.edited', messageKey: found.key, from: String(message.user ?? ''), detail: `edited after delivery, not sent again: ${newText}` },
    );
    deps.log.info({ ticketNumber: found.ticketNumber, messageKey: found.key }, 'edit of a delivered Slack message recorded');
    return 'edit_recorded';
  }
  const ts = String(event.deleted_ts ?? '');
  const found = await ticketOfMessage(channel, ts);
  if (!found) {
    return 'not_on_a_ticket';
  }
  const previous = (event.previous_message ?? {}) as Loose;
  await appendEvent(
    { _id: found.ticketId as never, number: found.ticketNumber ?? 0 },
    { key: `deleted:${channel}:${ts}`, type: 'message.deleted', messageKey: found.key, from: String(previous.user ?? ''), detail: 'deleted in Slack after delivery; the delivered copy stays' },
  );
  deps.log.info({ ticketNumber: found.ticketNumber, messageKey: found.key }, 'deletion of a delivered Slack message recorded');
  return 'delete_recorded';
}
