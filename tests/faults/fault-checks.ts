/**
 * What the fault suite checks once the system has settled, from the store,
 * the mail the SMTP sink accepted and the calls the Slack fake recorded.
 * Counts named `bad:…` must be 0.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SlackFake } from '../../src/devtools/slack-fake.js';
import type { SmtpSink } from '../../src/devtools/smtp-sink.js';
import { normalizeMessageId } from '../../src/inbound/message-key.js';
import { EscalationModel } from '../../src/store/escalation.model.js';
import { MessageModel } from '../../src/store/message.model.js';
import { QuarantineModel } from '../../src/store/quarantine.model.js';
import { TicketEventModel } from '../../src/store/ticket-event.model.js';
import { TicketModel } from '../../src/store/ticket.model.js';
import type { StreamMessage } from './mail-stream.js';
import type { SlackStreamMessage } from './slack-stream.js';

export type FaultCounts = Record<string, number>;

export interface CheckInput {
  stream: StreamMessage[];
  slackStream: SlackStreamMessage[];
  smtp: SmtpSink;
  slack: SlackFake;
  settleTimeoutMs: number;
  toL2Seconds: number;
  say: (text: string) => void;
}

const L2_GROUP = 'l2-agents@linia.test';
const L2_CHANNEL = 'C0FAULTL2';

function keyOf(message: StreamMessage): string {
  return normalizeMessageId(message.messageId) as string;
}

function header(raw: Buffer, name: string): string | null {
  const match = new RegExp(`^${name}:[ \\t]*(.*(?:\\r?\\n[ \\t].*)*)`, 'im').exec(raw.toString('latin1'));
  return match ? (match[1] as string).replace(/\r?\n[ \t]+/g, ' ').trim() : null;
}

interface Settled {
  inbound: Map<string, { outcome: string | null; ticketId: string | null }>;
  slackInbound: Map<string, string | null>;
  quarantined: Set<string>;
  pendingOutbound: number;
  dueNotFired: number;
}

async function readState(keys: string[]): Promise<Settled> {
  const inbound = new Map<string, { outcome: string | null; ticketId: string | null }>();
  const records = await MessageModel.find({ channel: 'email', direction: 'in' }, { key: 1, outcome: 1, ticketId: 1 }).lean();
  for (const record of records) {
    inbound.set(record.key, { outcome: record.outcome ?? null, ticketId: record.ticketId ? String(record.ticketId) : null });
  }
  const slackInbound = new Map<string, string | null>();
  for (const record of await MessageModel.find({ channel: 'slack', direction: 'in' }, { key: 1, ticketId: 1 }).lean()) {
    slackInbound.set(record.key, record.ticketId ? String(record.ticketId) : null);
  }
  const quarantined = new Set((await QuarantineModel.find({}, { messageKey: 1 }).lean()).map((record) => String(record.messageKey)));
  const pendingOutbound = await MessageModel.countDocuments({ direction: 'out', status: 'pending' });
  const grace = new Date(Date.now() - 15_000);
  const due = await TicketModel.find({ status: { $nin: ['resolved', 'closed'] } }, { due: 1, line: 1 }).lean();
  const escalated = new Set((await EscalationModel.find({ line: 'L2' }, { ticketId: 1 }).lean()).map((record) => String(record.ticketId)));
  const dueNotFired = due.filter((ticket) => ticket.due?.l2At && ticket.due.l2At < grace && !escalated.has(String(ticket._id))).length;
  void keys;
  return { inbound, slackInbound, quarantined, pendingOutbound, dueNotFired };
}

function slackUnaccounted(stream: SlackStreamMessage[], state: Settled): SlackStreamMessage[] {
  return stream.filter((message) => !state.slackInbound.has(`${message.channel}:${message.ts}`));
}

function unaccounted(stream: StreamMessage[], state: Settled): StreamMessage[] {
  return stream.filter((message) => {
    const key = keyOf(message);
    const record = state.inbound.get(key);
    return !(record?.outcome || state.quarantined.has(key));
  });
}

export async function checkOutcome(input: CheckInput): Promise<FaultCounts> {
  const { stream, smtp, slack, say } = input;
  const keys = stream.map(keyOf);
  const deadline = Date.now() + input.settleTimeoutMs;
  // Escalations of the last tickets fall due a timer's length after the stream ends.
  const earliestEnd = Date.now() + (input.toL2Seconds + 20) * 1000;
  let state = await readState(keys);
  for (;;) {
    const missing = unaccounted(stream, state).length + slackUnaccounted(input.slackStream, state).length;
    if (missing === 0 && state.pendingOutbound === 0 && state.dueNotFired === 0 && Date.now() > earliestEnd) break;
    if (Date.now() > deadline) {
      say(`settling timed out: ${missing} unaccounted, ${state.pendingOutbound} outbound pending, ${state.dueNotFired} escalations due`);
      break;
    }
    await sleep(2_000);
    state = await readState(keys);
  }
  say('settled; checking');

  const counts: FaultCounts = { messages: stream.length };
  const lost = unaccounted(stream, state);
  counts['bad:lost (no ticket event, automatic record or quarantine)'] = lost.length;
  if (lost.length > 0) say(`lost, first ones: ${lost.slice(0, 5).map((message) => message.messageId).join(' ')}`);
  for (const outcome of ['ticket_created', 'attached', 'automatic', 'quarantined', 'dropped']) {
    counts[`outcome ${outcome}`] = keys.filter((key) => state.inbound.get(key)?.outcome === outcome).length;
  }

  // Every message with an outcome that names a ticket has its event on that ticket's timeline.
  const events = await TicketEventModel.find({ messageKey: { $in: keys } }, { messageKey: 1, ticketId: 1 }).lean();
  const eventKeys = new Set(events.map((event) => event.messageKey));
  counts['bad:ticket message without timeline event'] = keys.filter((key) => {
    const outcome = state.inbound.get(key)?.outcome;
    return (outcome === 'ticket_created' || outcome === 'attached') && !eventKeys.has(key);
  }).length;

  // One ticket per new request; a reply joins its request's ticket.
  const requests = stream.filter((message) => message.kind === 'new' || message.kind === 'rejected-requester');
  const tickets = await TicketModel.find({ channel: 'email' }, { originKey: 1, number: 1 }).lean();
  counts.tickets = tickets.length;
  counts['bad:duplicate tickets'] = Math.max(0, tickets.length - requests.length);
  counts['bad:request without its own ticket'] = requests.filter((message) => state.inbound.get(keyOf(message))?.outcome !== 'ticket_created').length;
  counts['bad:reply not joined to its request'] = stream.filter((message) => {
    if (message.kind !== 'reply') return false;
    const reply = state.inbound.get(keyOf(message));
    const parent = state.inbound.get(normalizeMessageId(message.parentMessageId) as string);
    return !reply?.ticketId || reply.ticketId !== parent?.ticketId;
  }).length;

  // Replies to requesters: at most one per inbound message, never one to automatic mail.
  const received = smtp.messages();
  const toRequesters = received.filter((message) => !message.envelope.to.includes(L2_GROUP) && !message.envelope.to.some((to) => to.startsWith('l3-')));
  // Distinct Message-IDs per answered message: a resend of the same mail is not a second reply.
  const perInbound = new Map<string, Set<string>>();
  const perMessageId = new Map<string, number>();
  for (const message of toRequesters) {
    const inReplyTo = header(message.raw, 'In-Reply-To');
    const messageId = header(message.raw, 'Message-ID');
    if (inReplyTo) perInbound.set(inReplyTo, (perInbound.get(inReplyTo) ?? new Set<string>()).add(messageId ?? `no-id-${perInbound.size}`));
    if (messageId) perMessageId.set(messageId, (perMessageId.get(messageId) ?? 0) + 1);
  }
  counts['replies received by SMTP'] = toRequesters.length;
  counts['bad:second reply to one message'] = [...perInbound.values()].reduce((sum, ids) => sum + Math.max(0, ids.size - 1), 0);
  // A crash after the SMTP server accepted a mail but before it was marked sent would resend
  // it with the same Message-ID; the retry looks in the Sent folder first (SMTP_SENT_MAILBOX).
  counts['bad:reply resent with the same Message-ID'] = [...perMessageId.values()].reduce((sum, value) => sum + Math.max(0, value - 1), 0);
  const automaticIds = new Set(stream.filter((message) => message.kind === 'automatic').map((message) => message.messageId));
  counts['bad:reply to automatic mail'] = [...perInbound.keys()].filter((id) => automaticIds.has(id)).length;

  // 550: recorded on the ticket, not retried forever, never delivered.
  const rejectedRequests = stream.filter((message) => message.kind === 'rejected-requester');
  const failedEvents = await TicketEventModel.find({ type: 'reply.failed' }, { ticketId: 1 }).lean();
  const failedTickets = new Set(failedEvents.map((event) => String(event.ticketId)));
  counts['rejected-recipient requests'] = rejectedRequests.length;
  counts['bad:550 not recorded on the ticket'] = rejectedRequests.filter((message) => {
    const ticketId = state.inbound.get(keyOf(message))?.ticketId;
    return !ticketId || !failedTickets.has(ticketId);
  }).length;
  counts['bad:outbound mail still pending'] = state.pendingOutbound;

  // Escalations: each due one fired once, one Slack post and one group mail per ticket.
  counts['bad:due escalation not fired'] = state.dueNotFired;
  const escalations = await EscalationModel.find({ line: 'L2' }, { ticketId: 1 }).lean();
  counts['escalations to L2'] = escalations.length;
  const postsPerTicket = new Map<string, number>();
  for (const call of slack.calls()) {
    const params = call.params as Record<string, unknown>;
    // Escalation posts are the top-level messages in the L2 channel; reminders and replies go in threads.
    if (call.method !== 'chat.postMessage' || call.status !== 200 || call.response.ok !== true) continue;
    if (params.channel !== L2_CHANNEL || params.thread_ts !== undefined) continue;
    const text = String(params.text ?? '');
    const number = /#(\d+)/.exec(text)?.[1];
    if (number) postsPerTicket.set(number, (postsPerTicket.get(number) ?? 0) + 1);
  }
  counts['bad:duplicate escalation posts'] = [...postsPerTicket.values()].reduce((sum, value) => sum + Math.max(0, value - 1), 0);
  const groupMails = new Map<string, Set<string>>();
  let groupResends = 0;
  for (const message of received.filter((mail) => mail.envelope.to.includes(L2_GROUP))) {
    const messageId = header(message.raw, 'Message-ID') ?? `no-id-${groupMails.size}`;
    // Linia's Message-IDs name the ticket: linia.<number>.<digest>@domain.
    const tag = /<linia\.(\d+)\./.exec(messageId)?.[1] ?? 'unknown';
    const ids = groupMails.get(tag) ?? new Set<string>();
    if (ids.has(messageId)) groupResends++;
    ids.add(messageId);
    groupMails.set(tag, ids);
  }
  counts['bad:duplicate escalation mails'] = [...groupMails.values()].reduce((sum, ids) => sum + Math.max(0, ids.size - 1), 0);
  counts['bad:escalation mail resent with the same Message-ID'] = groupResends;
  for (const [tag, ids] of groupMails) {
    if (ids.size > 1) say(`escalation mails for #${tag}: ${[...ids].join(' ')}`);
  }

  // Slack: one ticket per direct-message request, thread replies on it, one first-line answer each.
  const slackRequests = input.slackStream.filter((message) => message.kind === 'new');
  const slackTickets = await TicketModel.find({ channel: 'slack' }, { originKey: 1 }).lean();
  const slackOrigins = new Map<string, number>();
  for (const ticket of slackTickets) slackOrigins.set(ticket.originKey, (slackOrigins.get(ticket.originKey) ?? 0) + 1);
  counts['slack messages'] = input.slackStream.length;
  counts['bad:slack message lost'] = slackUnaccounted(input.slackStream, state).length;
  counts['slack tickets'] = slackTickets.length;
  counts['bad:slack request without its ticket'] = slackRequests.filter((message) => !slackOrigins.has(`slack:${message.channel}:${message.ts}`)).length;
  counts['bad:duplicate slack tickets'] = Math.max(0, slackTickets.length - slackRequests.length);
  counts['bad:slack thread reply not on its ticket'] = input.slackStream.filter((message) => {
    if (message.kind !== 'thread-reply') return false;
    const parentTicket = state.slackInbound.get(`${message.channel}:${message.threadTs}`);
    return !parentTicket || state.slackInbound.get(`${message.channel}:${message.ts}`) !== parentTicket;
  }).length;
  const answers = new Map<string, number>();
  for (const call of slack.calls()) {
    const params = call.params as Record<string, unknown>;
    if (call.method !== 'chat.postMessage' || call.status !== 200 || call.response.ok !== true) continue;
    if (typeof params.channel !== 'string' || !params.channel.startsWith('D') || typeof params.thread_ts !== 'string') continue;
    const key = `${params.channel}:${params.thread_ts}`;
    answers.set(key, (answers.get(key) ?? 0) + 1);
  }
  counts['bad:slack request without a first-line answer'] = slackRequests.filter((message) => !answers.has(`${message.channel}:${message.ts}`)).length;
  counts['bad:second first-line answer in slack'] = slackRequests.reduce((sum, message) => sum + Math.max(0, (answers.get(`${message.channel}:${message.ts}`) ?? 0) - 1), 0);
  return counts;
}
