import { escapeSlackText } from '../../escalation/slack-text.js';
import { ticketTag } from '../../inbound/subject.js';
import { isDuplicateKeyError } from '../../store/connection.js';
import { MessageModel } from '../../store/message.model.js';
import { CLOSED_STATUSES, TicketModel, type Ticket } from '../../store/ticket.model.js';
import { openSlackTicket } from '../../tickets/slack-intake.js';
import type { SlackWorkDeps } from './slack-deps.js';
import { slackLanguage, slackTexts, type SlackLanguage } from './texts.js';

/** callback_id of the modal that files a new ticket. */
export const NEW_TICKET_VIEW = 'linia_new_ticket';
const SUBJECT_BLOCK = 'subject';
const DESCRIPTION_BLOCK = 'description';
const INPUT_ACTION = 'value';
/** Open tickets listed in the modal, newest first. */
const MAX_LISTED_TICKETS = 10;

type Loose = Record<string, unknown>;

function inputValue(view: Loose, block: string): string {
  const values = ((view.state as Loose | undefined)?.values ?? {}) as Record<string, Record<string, { value?: unknown }>>;
  const value = values[block]?.[INPUT_ACTION]?.value;
  return typeof value === 'string' ? value.trim() : '';
}

function languageOfView(view: Loose): SlackLanguage {
  try {
    const metadata = JSON.parse(String(view.private_metadata ?? '{}')) as { language?: string };
    return slackLanguage(metadata.language, 'en');
  } catch {
    return 'en';
  }
}

/** Returns the modal's input errors for `response_action: errors`, or null when the submission is valid. */
export function validateNewTicketView(body: Loose): Record<string, string> | null {
  const view = (body.view ?? {}) as Loose;
  if (view.callback_id !== NEW_TICKET_VIEW) {
    return null;
  }
  if (inputValue(view, DESCRIPTION_BLOCK) === '') {
    return { [DESCRIPTION_BLOCK]: slackTexts(languageOfView(view)).descriptionMissing };
  }
  return null;
}

function ticketLine(ticket: Ticket, language: SlackLanguage, prefix: string): string {
  const status = slackTexts(language).statuses[ticket.status];
  return `• ${ticketTag(ticket.number, prefix)} ${escapeSlackText(ticket.subject || '—')} — ${status}`;
}

/** Builds the modal: the user's open tickets with their state, then the fields of a new ticket. */
export function buildNewTicketModal(openTickets: Ticket[], language: SlackLanguage, prefix: string): object {
  const texts = slackTexts(language);
  const list = openTickets.length > 0 ? openTickets.map((ticket) => ticketLine(ticket, language, prefix)).join('\n') : texts.noOpenTickets;
  return {
    type: 'modal',
    callback_id: NEW_TICKET_VIEW,
    private_metadata: JSON.stringify({ language }),
    title: { type: 'plain_text', text: texts.modalTitle },
    submit: { type: 'plain_text', text: texts.modalSubmit },
    close: { type: 'plain_text', text: texts.modalClose },
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `${texts.openTickets}\n${list}` } },
      { type: 'divider' },
      { type: 'section', text: { type: 'mrkdwn', text: texts.newTicket } },
      {
        type: 'input',
        block_id: SUBJECT_BLOCK,
        optional: true,
        label: { type: 'plain_text', text: texts.subjectLabel },
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, max_length: 150 },
      },
      {
        type: 'input',
        block_id: DESCRIPTION_BLOCK,
        label: { type: 'plain_text', text: texts.descriptionLabel },
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 3000 },
      },
    ],
  };
}

/**
 * Answers the slash command with the modal. The user's language is that of
 * their latest ticket, else the policy default.
 * NOTE: Slack's trigger_id expires 3 s after the command, and this runs in the
 * worker, so a worker that is backed up by more than that fails to open the modal
 * (views.open returns expired_trigger_id and the user has to run the command again).
 */
export async function openNewTicketModal(payload: Loose, deps: SlackWorkDeps): Promise<string> {
  const user = String(payload.user_id ?? '');
  const triggerId = String(payload.trigger_id ?? '');
  // Filters on top-level fields, because FerretDB hands an equality on them to PostgreSQL but decodes every ticket for a nested one.
  const open = await TicketModel.find({ requesterSlackUserId: user, open: true, status: { $nin: CLOSED_STATUSES } })
    .sort({ number: -1 })
    .limit(MAX_LISTED_TICKETS)
    .lean<Ticket[]>();
  const latest = open[0] ?? (await TicketModel.findOne({ requesterSlackUserId: user }, { language: 1 }).sort({ number: -1 }).lean<Ticket>());
  const language = slackLanguage(latest?.language, deps.config.policy.language.default);
  await deps.slack.views.open({ trigger_id: triggerId, view: buildNewTicketModal(open, language, deps.config.env.LINIA_TICKET_TAG_PREFIX) as never });
  return `modal opened with ${open.length} open tickets`;
}

/**
 * Files the ticket of a submitted modal: the bot opens a DM with the user, posts
 * the request there as the thread root, and the ticket lives in that thread like
 * one opened by a DM. The root post is recorded under the view id, so a retry
 * reuses it.
 */
export async function fileTicketFromModal(payload: Loose, deps: SlackWorkDeps): Promise<string> {
  const view = (payload.view ?? {}) as Loose;
  const viewId = String(view.id ?? '');
  const user = String((payload.user as Loose | undefined)?.id ?? '');
  const description = inputValue(view, DESCRIPTION_BLOCK);
  const subject = inputValue(view, SUBJECT_BLOCK);
  const language = languageOfView(view);
  const text = subject ? `${subject}\n${description}` : description;

  const rootKey = `modal:${viewId}`;
  try {
    await MessageModel.create({ channel: 'slack', key: rootKey, direction: 'out', status: 'pending', text });
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  const root = await MessageModel.findOne({ channel: 'slack', key: rootKey }).lean();
  let dmChannel = root?.to?.[0]?.address ?? null;
  let rootTs = root?.messageId ?? null;
  if (!dmChannel || !rootTs) {
    const dm = await deps.slack.conversations.open({ users: user });
    dmChannel = dm.channel?.id ?? '';
    const texts = slackTexts(language);
    const quoted = escapeSlackText(description).split('\n').map((line) => `>${line}`).join('\n');
    const posted = await deps.slack.chat.postMessage({ channel: dmChannel, text: `${texts.newTicketRoot(escapeSlackText(subject || description.split('\n')[0] || ''))}\n${quoted}` });
    rootTs = posted.ts ?? '';
    await MessageModel.updateOne({ channel: 'slack', key: rootKey }, { $set: { status: 'sent', messageId: rootTs, to: [{ address: dmChannel, name: user }] } });
  }
  const ticket = await openSlackTicket({ channel: dmChannel, user, ts: rootTs, threadTs: rootTs, text }, `slack-modal:${viewId}`, deps);
  return `ticket #${ticket.number} filed from the modal`;
}
