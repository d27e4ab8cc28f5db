import type { Ticket } from '../store/ticket.model.js';
import { escapeSlackText } from './slack-text.js';

export interface EscalationPostInput {
  ticket: Ticket;
  ticketTag: string;
  line: 'L2' | 'L3';
  excerpt: string;
  dueAt: Date | null;
  language: 'pl' | 'en';
}

const LABELS = {
  en: {
    escalated: 'escalated to',
    requester: 'Requester',
    channel: 'Channel',
    priority: 'Priority',
    due: 'Next deadline',
    none: 'none',
    problem: 'Problem',
    email: 'e-mail',
    slack: 'Slack',
    state: 'State',
    assignee: 'Claimed by',
    unassigned: 'nobody yet',
    claim: 'Claim',
    resolve: 'Resolve',
    escalateL3: 'Escalate to L3',
    replyHint: 'Reply in this thread to write to the requester. Start with `!note` for an internal note.',
    statuses: { new: 'open', waiting_for_requester: 'waiting for the requester', escalated: 'escalated', resolved: 'resolved', closed: 'closed' },
  },
  pl: {
    escalated: 'eskalacja do',
    requester: 'Zgłaszający',
    channel: 'Kanał',
    priority: 'Priorytet',
    due: 'Następny termin',
    none: 'brak',
    problem: 'Problem',
    email: 'e-mail',
    slack: 'Slack',
    state: 'Stan',
    assignee: 'Przejęte przez',
    unassigned: 'jeszcze nikt',
    claim: 'Przejmij',
    resolve: 'Rozwiąż',
    escalateL3: 'Eskaluj do L3',
    replyHint: 'Odpowiedz w tym wątku, aby napisać do zgłaszającego. Zacznij od `!notatka`, aby dodać notatkę wewnętrzną.',
    statuses: { new: 'otwarte', waiting_for_requester: 'czeka na zgłaszającego', escalated: 'eskalowane', resolved: 'rozwiązane', closed: 'zamknięte' },
  },
} as const;

/** action_id of the agent buttons; the button value is the ticket id. */
export const AGENT_ACTIONS = { claim: 'linia_claim', resolve: 'linia_resolve', escalateL3: 'linia_escalate_l3' } as const;

/** Slack renders `<!date^…>` in each reader's own time zone; the fallback is UTC. */
function slackDate(date: Date): string {
  const epoch = Math.floor(date.getTime() / 1000);
  return `<!date^${epoch}^{date_short_pretty} {time}|${date.toISOString()}>`;
}

/**
 * Builds the agent-channel post of an escalated ticket: fallback text plus Block
 * Kit blocks. Every requester-written string is escaped before it is placed.
 */
export function buildEscalationPost(input: EscalationPostInput): { text: string; blocks: object[] } {
  const labels = LABELS[input.language];
  const { ticket } = input;
  const subject = escapeSlackText(ticket.subject || '—');
  const requester = escapeSlackText(
    [ticket.requester?.name, ticket.requester?.address ? `(${ticket.requester.address})` : '']
      .filter(Boolean)
      .join(' ') || '—',
  );
  const title = `${input.ticketTag} ${labels.escalated} ${input.line}: ${subject}`;
  const blocks = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${title}*` } },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*${labels.requester}:*\n${requester}` },
        { type: 'mrkdwn', text: `*${labels.channel}:*\n${labels[ticket.channel]}` },
        { type: 'mrkdwn', text: `*${labels.priority}:*\n${ticket.priority}` },
        { type: 'mrkdwn', text: `*${labels.due}:*\n${input.dueAt ? slackDate(input.dueAt) : labels.none}` },
      ],
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*${labels.problem}:*\n${escapeSlackText(input.excerpt) || '—'}` },
    },
    ...stateBlocks(input),
  ];
  return { text: title, blocks };
}

/**
 * Blocks that change with the ticket: its state, who claimed it and the agent
 * buttons. A resolved or closed ticket shows no buttons. Escalate to L3 shows
 * only while the ticket is at L2.
 */
function stateBlocks(input: EscalationPostInput): object[] {
  const labels = LABELS[input.language];
  const { ticket } = input;
  const assignee = ticket.assignee?.slackUserId ? `<@${ticket.assignee.slackUserId}>` : labels.unassigned;
  const state = `${labels.statuses[ticket.status]} · ${ticket.line}`;
  const blocks: object[] = [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `*${labels.state}:* ${state}   *${labels.assignee}:* ${assignee}` }],
    },
  ];
  if (ticket.status === 'resolved' || ticket.status === 'closed') {
    return blocks;
  }
  const value = ticket._id.toHexString();
  const buttons: object[] = [];
  if (!ticket.assignee?.slackUserId) {
    buttons.push({ type: 'button', action_id: AGENT_ACTIONS.claim, text: { type: 'plain_text', text: labels.claim }, style: 'primary', value });
  }
  buttons.push({ type: 'button', action_id: AGENT_ACTIONS.resolve, text: { type: 'plain_text', text: labels.resolve }, value });
  if (ticket.line === 'L2') {
    buttons.push({ type: 'button', action_id: AGENT_ACTIONS.escalateL3, text: { type: 'plain_text', text: labels.escalateL3 }, style: 'danger', value });
  }
  blocks.push({ type: 'actions', block_id: 'linia_agent', elements: buttons });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: labels.replyHint }] });
  return blocks;
}
