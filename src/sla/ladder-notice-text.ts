import type { ReplyLanguage } from '../outbound/templates.js';
import type { SlaDeadline } from './ladder-plan.js';

/** Time zone deadlines are shown in to agents. */
const DISPLAY_TIME_ZONE = 'Europe/Warsaw';

export function formatDeadline(date: Date, language: ReplyLanguage): string {
  const formatted = new Intl.DateTimeFormat(language === 'pl' ? 'pl-PL' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: DISPLAY_TIME_ZONE,
  }).format(date);
  return `${formatted} (${DISPLAY_TIME_ZONE})`;
}

/** Business time as `1 h 30 min` (or `45 s` below a minute); the same in both languages. */
function formatOffset(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

const DEADLINE_NAMES: Record<ReplyLanguage, Record<SlaDeadline, string>> = {
  pl: { response: 'termin pierwszej odpowiedzi', L2: 'termin przekazania do L2', L3: 'termin przekazania do L3' },
  en: { response: 'first response', L2: 'escalation to L2', L3: 'escalation to L3' },
};

export interface NoticeText {
  subject: string;
  text: string;
}

export interface NoticeFacts {
  ticketTag: string;
  subject: string;
  priority: string;
  deadline: SlaDeadline;
  dueAt: Date | null;
}

/** Builds the reminder to the line a ticket is with that a deadline is near. */
export function reminderText(facts: NoticeFacts, offsetMs: number, language: ReplyLanguage): NoticeText {
  const deadlineName = DEADLINE_NAMES[language][facts.deadline];
  const due = facts.dueAt ? formatDeadline(facts.dueAt, language) : '—';
  const offset = formatOffset(offsetMs);
  if (language === 'pl') {
    return {
      subject: `${facts.ticketTag} Przypomnienie: ${deadlineName} za ${offset}`,
      text: `Zgłoszenie ${facts.ticketTag} (${facts.priority}) „${facts.subject}” czeka na obsługę.\nZa ${offset} czasu pracy upływa ${deadlineName}: ${due}.`,
    };
  }
  return {
    subject: `${facts.ticketTag} Reminder: ${deadlineName} due in ${offset}`,
    text: `Ticket ${facts.ticketTag} (${facts.priority}) "${facts.subject}" is waiting.\n${capitalize(deadlineName)} is due in ${offset} of business time: ${due}.`,
  };
}

/** Builds the notice to a line's lead that the line missed a deadline. */
export function breachText(facts: NoticeFacts, line: string, language: ReplyLanguage): NoticeText {
  const deadlineName = DEADLINE_NAMES[language][facts.deadline];
  const due = facts.dueAt ? formatDeadline(facts.dueAt, language) : '—';
  if (language === 'pl') {
    return {
      subject: `${facts.ticketTag} Naruszenie SLA w ${line}: ${deadlineName}`,
      text: `Zgłoszenie ${facts.ticketTag} (${facts.priority}) „${facts.subject}” przekroczyło termin na poziomie ${line}.\nMinął ${deadlineName}: ${due}.`,
    };
  }
  return {
    subject: `${facts.ticketTag} SLA breach at ${line}: ${deadlineName}`,
    text: `Ticket ${facts.ticketTag} (${facts.priority}) "${facts.subject}" missed a deadline at ${line}.\n${capitalize(deadlineName)} was due: ${due}.`,
  };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
