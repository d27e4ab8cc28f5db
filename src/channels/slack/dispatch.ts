import { pipelineMetrics, slackOutcomeLabel } from '../../metrics/pipeline-metrics.js';
import { Types } from 'mongoose';
import { findTicketByAgentThread } from '../../agents/agent-posts.js';
import { handleAgentButton, handleRequesterButton, type ButtonClick } from '../../agents/agent-actions.js';
import { handleAgentThreadMessage } from '../../agents/agent-reply.js';
import { withoutMention } from '../../escalation/slack-text.js';
import { SlackEventModel, type SlackEventRecord } from '../../store/slack-event.model.js';
import { TicketModel, type Ticket } from '../../store/ticket.model.js';
import { attachSlackMessage, openSlackTicket, slackMessageKey, type SlackRequesterMessage } from '../../tickets/slack-intake.js';
import { REQUESTER_ACTIONS } from './l1-answer-blocks.js';
import { recordMessageChange } from './message-changes.js';
import { helpChannels, type SlackWorkDeps } from './slack-deps.js';
import { fileTicketFromModal, NEW_TICKET_VIEW, openNewTicketModal } from './slash-command.js';

type Loose = Record<string, unknown>;

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Handles one stored Slack delivery and marks it done with its outcome. A
 * delivery already done returns its outcome, so a repeated job changes nothing.
 */
export async function handleSlackDelivery(slackEventId: string, deps: SlackWorkDeps): Promise<string> {
  if (!Types.ObjectId.isValid(slackEventId)) {
    return 'missing';
  }
  const delivery = await SlackEventModel.findById(slackEventId).lean<SlackEventRecord>();
  if (!delivery) {
    return 'missing';
  }
  if (delivery.status === 'done') {
    return delivery.outcome ?? 'done';
  }
  const payload = delivery.payload as Loose;
  let outcome: string;
  switch (delivery.kind) {
    case 'event':
      outcome = await handleEvent((payload.event ?? {}) as Loose, deps);
      break;
    case 'action':
      outcome = await handleAction(payload, deps);
      break;
    case 'command':
      outcome = await openNewTicketModal(payload, deps);
      break;
    case 'view':
      outcome = (payload.view as Loose | undefined)?.callback_id === NEW_TICKET_VIEW ? await fileTicketFromModal(payload, deps) : 'unknown view';
      break;
    default:
      outcome = `unknown kind ${String(delivery.kind)}`;
  }
  await SlackEventModel.updateOne({ _id: delivery._id }, { $set: { status: 'done', outcome, processedAt: new Date() } });
  deps.log.info({ slackEventId, eventId: delivery.eventId, type: delivery.type, outcome }, 'Slack delivery handled');
  pipelineMetrics.inboundHandled('slack', slackOutcomeLabel(outcome));
  return outcome;
}

/** Longest time a thread reply waits for its thread's first message to be handled. */
const PARENT_WAIT_MS = 10 * 60_000;

/**
 * A thread reply whose first message is stored but not handled yet (e.g. both
 * arrived while the worker was down). Retrying later lets the reply join the
 * ticket that the first message opens, instead of opening a second one.
 */
export class SlackParentPendingError extends Error {
  override readonly name = 'SlackParentPendingError';

  constructor(channel: string, threadTs: string) {
    super(`the first message ${channel}:${threadTs} of this thread is not handled yet; retrying later`);
  }
}

async function parentDeliveryPending(channel: string, threadTs: string): Promise<boolean> {
  const parent = await SlackEventModel.findOne({ dedupKey: `msg:${channel}:${threadTs}`, status: 'pending' }, { createdAt: 1 }).lean<{ createdAt?: Date }>();
  return parent !== null && Date.now() - (parent.createdAt?.getTime() ?? 0) < PARENT_WAIT_MS;
}

async function ticketOfRequesterThread(channel: string, threadTs: string): Promise<Ticket | null> {
  return TicketModel.findOne({ 'slack.channel': channel, 'slack.threadTs': threadTs }).lean<Ticket>();
}

/**
 * Routes a message or mention. Edits and deletions are recorded, and a reply in
 * an escalation thread goes to the agent side. A message in a requester's
 * thread is added to its ticket. A DM or a mention of the bot in a help channel
 * opens a ticket, and other channel messages are ignored.
 */
async function handleEvent(event: Loose, deps: SlackWorkDeps): Promise<string> {
  if (event.subtype === 'message_changed' || event.subtype === 'message_deleted') {
    return recordMessageChange(event, deps);
  }
  // The receiver drops bot messages already; this guards deliveries stored before a bot was known.
  if (event.bot_id !== undefined || str(event.user) === deps.botUserId || str(event.user) === '') {
    return 'ignored: bot or system message';
  }
  const channel = str(event.channel);
  const ts = str(event.ts);
  const threadTs = str(event.thread_ts) || ts;
  const inThread = threadTs !== ts;
  const text = withoutMention(str(event.text), deps.botUserId);
  const isDirect = event.channel_type === 'im' || channel.startsWith('D');
  const mentioned = event.type === 'app_mention' || str(event.text).includes(`<@${deps.botUserId}>`);

  if (inThread) {
    const agentThread = await findTicketByAgentThread(channel, threadTs);
    if (agentThread) {
      return handleAgentThreadMessage(agentThread.ticket, { channel, threadTs, ts, user: str(event.user), text: str(event.text) }, deps);
    }
    const ticket = await ticketOfRequesterThread(channel, threadTs);
    if (ticket) {
      return attachSlackMessage(ticket, { channel, user: str(event.user), ts, threadTs, text }, deps, deps.log);
    }
    if (await parentDeliveryPending(channel, threadTs)) {
      throw new SlackParentPendingError(channel, threadTs);
    }
  }
  if (!isDirect && !(mentioned && helpChannels(deps.config).has(channel))) {
    return 'ignored: not a DM and not a mention in a help channel';
  }
  if (text === '') {
    return 'ignored: empty message';
  }
  const message: SlackRequesterMessage = { channel, user: str(event.user), ts, threadTs, text };
  const ticket = await openSlackTicket(message, `slack:${slackMessageKey(channel, ts)}`, deps);
  return `ticket #${ticket.number}`;
}

async function handleAction(payload: Loose, deps: SlackWorkDeps): Promise<string> {
  const action = ((payload.actions as Loose[] | undefined) ?? [])[0] ?? {};
  const container = (payload.container ?? {}) as Loose;
  const message = (payload.message ?? {}) as Loose;
  const channel = str(container.channel_id) || str((payload.channel as Loose | undefined)?.id);
  const messageTs = str(container.message_ts) || str(message.ts);
  const click: ButtonClick = {
    actionId: str(action.action_id),
    ticketId: str(action.value),
    user: str((payload.user as Loose | undefined)?.id),
    channel,
    messageTs,
    threadTs: str(container.thread_ts) || str(message.thread_ts) || messageTs,
    messageBlocks: message.blocks,
    triggerId: str(payload.trigger_id),
    responseUrl: str(payload.response_url) || undefined,
  };
  if (click.actionId === REQUESTER_ACTIONS.solved || click.actionId === REQUESTER_ACTIONS.needsHelp) {
    return handleRequesterButton(click, deps);
  }
  if (click.actionId.startsWith('linia_')) {
    return handleAgentButton(click, deps);
  }
  return `ignored action ${click.actionId}`;
}
