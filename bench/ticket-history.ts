/**
 * A stored ticket history for the memory benchmark: tickets with the message
 * records that intake and the first-line reply leave behind. They are written
 * through the models, so every field that intake derives (such as
 * `requesterAddress` and `open`) is set as in production.
 */
import { Types } from 'mongoose';
import { outboundMessageId } from '../src/outbound/outbound-mail.js';
import { MessageModel } from '../src/store/message.model.js';
import { isOpenStatus, TicketModel, type TicketStatus } from '../src/store/ticket.model.js';
import { recordTicketNumber, scanHighestTicketNumber } from '../src/tickets/ticket-repository.js';

/** Tickets per insertMany, which bounds the benchmark's own memory. */
const INSERT_BATCH = 2_000;
/** Distinct requesters. Over the two years of history each opens about one ticket a month. */
const REQUESTERS = 4_000;
/** Span of the history: the tickets were opened over the two years before now. */
const HISTORY_MS = 2 * 365 * 24 * 60 * 60_000;
const HOUR_MS = 60 * 60_000;

const SUBJECTS = [
  ['Drukarka nie drukuje', 'Od rana drukarka na drugim piętrze zgłasza błąd papieru, choć papier jest włożony.'],
  ['Zapomniałem hasła', 'Nie mogę się zalogować do poczty, hasło wygasło w piątek i nie pamiętam nowego.'],
  ['VPN will not connect', 'Since the update this morning the VPN client stops at "authenticating" and times out.'],
  ['Wi-Fi drops in the office', 'The office Wi-Fi drops every few minutes on my laptop, the phone stays connected.'],
  ['Prośba o nowy monitor', 'Mój monitor miga i ma przebarwienia w lewym rogu, proszę o wymianę.'],
] as const;

/**
 * Status of the ticket at `index`, in this mix: 3 % open (1 % new, 1 % waiting
 * for the requester, 1 % escalated to L2), 77 % resolved and 20 % closed.
 */
function statusAt(index: number): TicketStatus {
  const slot = index % 100;
  if (slot === 0) return 'new';
  if (slot === 1) return 'waiting_for_requester';
  if (slot === 2) return 'escalated';
  return slot < 80 ? 'resolved' : 'closed';
}

function ticketAt(index: number, number: number, now: number) {
  const status = statusAt(index);
  const open = isOpenStatus(status);
  // Open tickets are recent and due in the future, so the run measures intake and not an escalation storm.
  const createdAt = new Date(open ? now - (index % 48) * HOUR_MS : now - HISTORY_MS + (index / 100_000) * HISTORY_MS);

  const requester = index % REQUESTERS;
  const slack = index % 10 === 9;
  const [subject, text] = SUBJECTS[index % SUBJECTS.length]!;
  const firstResponseAt = status === 'new' ? null : new Date(createdAt.getTime() + HOUR_MS / 2);
  const threadTs = `${Math.floor(createdAt.getTime() / 1000)}.000100`;
  const messageKey = slack ? `D0BENCH${requester}:${threadTs}` : `history.${index}@firma.example`;
  const dueL2 = new Date((open ? now : createdAt.getTime()) + 8 * HOUR_MS);

  return {
    ticket: {
      _id: new Types.ObjectId(),
      number,
      status,
      line: status === 'escalated' ? 'L2' : 'L1',
      priority: 'P3',
      language: index % 2 === 0 ? 'pl' : 'en',
      subject,
      channel: slack ? 'slack' : 'email',
      requester: slack
        ? { address: `pracownik.${requester}@firma.example`, name: `Pracownik ${requester}`, slackUserId: `U0BENCH${requester}` }
        : { address: `pracownik.${requester}@firma.example`, name: `Pracownik ${requester}` },
      originKey: `${slack ? 'slack' : 'email'}:${messageKey}`,
      due: { l2At: status === 'escalated' ? null : dueL2, l3At: status === 'escalated' ? new Date(now + 24 * HOUR_MS) : null },
      sla: {
        schedule: 'default',
        responseDueAt: new Date(createdAt.getTime() + HOUR_MS),
        firstResponseAt,
        pausedAt: status === 'waiting_for_requester' ? firstResponseAt : null,
        lineStartedAt: createdAt,
        plannedVersion: open ? 1 : 2,
      },
      slack: slack ? { channel: `D0BENCH${requester}`, threadTs } : { channel: null, threadTs: null },
      planVersion: open ? 1 : 2,
      resolvedAt: open ? null : new Date(createdAt.getTime() + 26 * HOUR_MS),
      createdAt,
      updatedAt: createdAt,
    },
    messageKey,
    subject,
    text,
    slack,
  };
}

type HistoryTicket = ReturnType<typeof ticketAt>;

/** Builds the inbound record of the message that opened the ticket, as intake writes it. */
function inboundRecord({ ticket, messageKey, subject, text, slack }: HistoryTicket) {
  const fullText = `${text}\n\nPozdrawiam / Regards\n${ticket.requester.name}\nFirma Sp. z o.o., ul. Przykładowa 1, 00-001 Warszawa`;
  return {
    channel: ticket.channel,
    key: messageKey,
    direction: 'in',
    ticketId: ticket._id,
    ticketNumber: ticket.number,
    messageId: slack ? null : messageKey,
    from: { address: ticket.requester.address, name: ticket.requester.name },
    to: slack ? [] : [{ address: 'support@linia.test', name: 'IT Support' }],
    subject,
    language: ticket.language,
    outcome: 'ticket_created',
    sourceKey: slack ? `slack:${messageKey}` : `imap:INBOX:1:${ticket.number}`,
    text,
    fullText: slack ? null : fullText,
    createdAt: ticket.createdAt,
    updatedAt: ticket.createdAt,
  };
}

/** Builds the record of the sent first-line reply, an acknowledgement or a knowledge-base article. */
function replyRecord({ ticket, messageKey, subject }: HistoryTicket, index: number) {
  const kind = index % 3 === 0 ? 'kb_answer' : 'acknowledgement';
  const text =
    kind === 'kb_answer'
      ? `Dzień dobry,\n\nto może pomóc: sprawdź ustawienia i uruchom urządzenie ponownie.\n\nZgłoszenie [#${ticket.number}]`
      : `Dzień dobry,\n\nprzyjęliśmy zgłoszenie [#${ticket.number}] i wrócimy z odpowiedzią.\n\nIT Support`;
  const sentAt = new Date(ticket.createdAt.getTime() + 60_000);
  return {
    channel: 'email',
    key: `first-reply:${messageKey}`,
    direction: 'out',
    ticketId: ticket._id,
    ticketNumber: ticket.number,
    messageId: outboundMessageId(`first-reply:${messageKey}`, ticket.number, 'linia.test'),
    inReplyTo: messageKey,
    references: [messageKey],
    to: [{ address: ticket.requester.address, name: ticket.requester.name }],
    subject: `Re: [#${ticket.number}] ${subject}`,
    language: ticket.language,
    kind,
    status: 'sent',
    articleId: kind === 'kb_answer' ? 'pl/drukarka-nie-drukuje.md' : null,
    text,
    html: `<p>${text.replace(/\n/g, '<br>')}</p>`,
    attempts: 1,
    sentAt,
    createdAt: sentAt,
    updatedAt: sentAt,
  };
}

/**
 * Stores `count` tickets numbered after the highest ticket number stored, each
 * with its inbound record, and a sent reply record for 9 in 10 e-mail tickets,
 * and records the new highest number as intake does. Returns the number of
 * message records written.
 */
export async function seedTicketHistory(count: number): Promise<number> {
  const now = Date.now();
  // The recorded number can lag behind after concurrent intake, so the tickets are scanned.
  const firstNumber = (await scanHighestTicketNumber()) + 1;
  let messages = 0;
  for (let start = 0; start < count; start += INSERT_BATCH) {
    const batch: HistoryTicket[] = [];
    for (let index = start; index < Math.min(count, start + INSERT_BATCH); index++) {
      batch.push(ticketAt(index, firstNumber + index, now));
    }
    const records = batch.flatMap((entry, offset) => {
      const index = start + offset;
      return entry.slack || index % 10 === 5 ? [inboundRecord(entry)] : [inboundRecord(entry), replyRecord(entry, index)];
    });
    await TicketModel.insertMany(batch.map((entry) => entry.ticket), { ordered: false });
    await MessageModel.insertMany(records, { ordered: false });
    messages += records.length;
  }
  await recordTicketNumber(firstNumber + count - 1);
  return messages;
}
