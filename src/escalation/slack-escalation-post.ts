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
  },
} as const;

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
  ];
  return { text: title, blocks };
}
