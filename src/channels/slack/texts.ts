/**
 * Everything Linia writes in Slack, in Polish and English. Placeholders are
 * filled by the functions below; text that came from a requester or an e-mail
 * is escaped by the caller before it is passed in.
 */
export type SlackLanguage = 'pl' | 'en';

export const SLACK_TEXTS = {
  en: {
    answerIntro: (tag: string) => `Ticket ${tag} is open. This article from our knowledge base may help:`,
    acknowledgement: (tag: string) =>
      `Thank you, your request is now ticket ${tag}. An IT agent will answer in this thread.`,
    otherLanguageNote: 'The article is only available in Polish.',
    solvedButton: 'This solved it',
    needsHelpButton: 'I still need help',
    markedSolved: (tag: string) => `You marked ticket ${tag} as solved. Write in this thread if the problem comes back.`,
    markedNeedsHelp: (tag: string) => `Ticket ${tag} has gone to the second line of IT support. An agent will answer in this thread.`,
    notYourTicket: 'Only the person who opened this ticket can use these buttons.',
    ticketClosed: (tag: string) => `Ticket ${tag} is already closed.`,
    agentReplyHeading: (name: string) => `*${name}* (IT support):`,
    notAgent: 'Only members of the IT support channels can claim, resolve, escalate or reply to tickets.',
    claimed: (user: string) => `<@${user}> claimed this ticket.`,
    resolvedBy: (user: string) => `<@${user}> resolved this ticket.`,
    escalationRequested: (user: string) => `<@${user}> sent this ticket to L3.`,
    cannotEscalate: (tag: string) => `Ticket ${tag} can go to L3 only from L2 while it is open.`,
    noteRecorded: 'Internal note recorded on the ticket. It was not sent to the requester.',
    deliveredEmail: (address: string) => `Delivered to the requester by e-mail (${address}).`,
    deliveredSlack: 'Delivered to the requester in Slack.',
    deliveryFailed: (reason: string) => `Not delivered to the requester: ${reason}`,
    deliveryPending: (minutes: number) => `Not confirmed yet: the e-mail is still waiting to be sent after ${minutes} min.`,
    noRequesterAddress: 'the ticket has no requester address',
    requesterReplied: (via: string) => `*Requester replied* (${via}):`,
    viaEmail: 'e-mail',
    viaSlack: 'Slack',
    modalTitle: 'IT support',
    modalSubmit: 'Send',
    modalClose: 'Cancel',
    openTickets: '*Your open tickets*',
    noOpenTickets: 'You have no open tickets.',
    newTicket: '*New ticket*',
    subjectLabel: 'Subject',
    descriptionLabel: 'What is the problem?',
    descriptionMissing: 'Describe the problem in a few words.',
    newTicketRoot: (subject: string) => `New ticket: *${subject}*`,
    emailSignature: (name: string) => `${name}\nIT support`,
    statuses: {
      new: 'new',
      waiting_for_requester: 'waiting for you',
      escalated: 'with IT agents',
      resolved: 'resolved',
      closed: 'closed',
    },
  },
  pl: {
    answerIntro: (tag: string) => `Zgłoszenie ${tag} zostało przyjęte. Ten artykuł z bazy wiedzy może pomóc:`,
    acknowledgement: (tag: string) =>
      `Dziękujemy, Twoja prośba ma numer zgłoszenia ${tag}. Pracownik działu IT odpowie w tym wątku.`,
    otherLanguageNote: 'Ten artykuł jest dostępny tylko po angielsku.',
    solvedButton: 'To rozwiązało problem',
    needsHelpButton: 'Nadal potrzebuję pomocy',
    markedSolved: (tag: string) => `Oznaczono zgłoszenie ${tag} jako rozwiązane. Napisz w tym wątku, jeśli problem wróci.`,
    markedNeedsHelp: (tag: string) => `Zgłoszenie ${tag} trafiło do drugiej linii wsparcia IT. Pracownik odpowie w tym wątku.`,
    notYourTicket: 'Tych przycisków może użyć tylko osoba, która założyła zgłoszenie.',
    ticketClosed: (tag: string) => `Zgłoszenie ${tag} jest już zamknięte.`,
    agentReplyHeading: (name: string) => `*${name}* (wsparcie IT):`,
    notAgent: 'Przejmować, rozwiązywać, eskalować zgłoszenia i odpowiadać na nie mogą tylko członkowie kanałów wsparcia IT.',
    claimed: (user: string) => `<@${user}> przejmuje to zgłoszenie.`,
    resolvedBy: (user: string) => `<@${user}> oznacza to zgłoszenie jako rozwiązane.`,
    escalationRequested: (user: string) => `<@${user}> przekazuje to zgłoszenie do L3.`,
    cannotEscalate: (tag: string) => `Zgłoszenie ${tag} można przekazać do L3 tylko z L2, póki jest otwarte.`,
    noteRecorded: 'Notatka wewnętrzna zapisana w zgłoszeniu. Nie wysłano jej do zgłaszającego.',
    deliveredEmail: (address: string) => `Dostarczono zgłaszającemu e-mailem (${address}).`,
    deliveredSlack: 'Dostarczono zgłaszającemu w Slacku.',
    deliveryFailed: (reason: string) => `Nie dostarczono zgłaszającemu: ${reason}`,
    deliveryPending: (minutes: number) => `Brak potwierdzenia: e-mail nadal czeka na wysłanie po ${minutes} min.`,
    noRequesterAddress: 'zgłoszenie nie ma adresu zgłaszającego',
    requesterReplied: (via: string) => `*Zgłaszający odpowiedział* (${via}):`,
    viaEmail: 'e-mail',
    viaSlack: 'Slack',
    modalTitle: 'Wsparcie IT',
    modalSubmit: 'Wyślij',
    modalClose: 'Anuluj',
    openTickets: '*Twoje otwarte zgłoszenia*',
    noOpenTickets: 'Nie masz otwartych zgłoszeń.',
    newTicket: '*Nowe zgłoszenie*',
    subjectLabel: 'Temat',
    descriptionLabel: 'Na czym polega problem?',
    descriptionMissing: 'Opisz problem w kilku słowach.',
    newTicketRoot: (subject: string) => `Nowe zgłoszenie: *${subject}*`,
    emailSignature: (name: string) => `${name}\nWsparcie IT`,
    statuses: {
      new: 'nowe',
      waiting_for_requester: 'czeka na Ciebie',
      escalated: 'u pracowników IT',
      resolved: 'rozwiązane',
      closed: 'zamknięte',
    },
  },
} as const;

export function slackLanguage(language: string | null | undefined, fallback: SlackLanguage): SlackLanguage {
  return language === 'pl' || language === 'en' ? language : fallback;
}

export function slackTexts(language: SlackLanguage): (typeof SLACK_TEXTS)[SlackLanguage] {
  return SLACK_TEXTS[language];
}
