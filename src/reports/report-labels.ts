/**
 * Polish and English labels of the SLA report's table and HTML page, and the
 * number formats of each language (Polish writes a decimal comma).
 */
import type { CliLanguage } from '../config/index.js';

const LABELS = {
  title: { en: 'SLA compliance report', pl: 'Raport zgodności z SLA' },
  period: { en: 'Period', pl: 'Okres' },
  asOf: { en: 'As of', pl: 'Stan na' },
  timeZone: { en: 'time zone', pl: 'strefa czasowa' },
  line: { en: 'Line', pl: 'Linia' },
  priority: { en: 'Priority', pl: 'Priorytet' },
  category: { en: 'Category', pl: 'Kategoria' },
  tickets: { en: 'Tickets', pl: 'Zgłoszenia' },
  responseMet: { en: 'Response met', pl: 'Odpowiedź w terminie' },
  resolutionMet: { en: 'Resolution met', pl: 'Rozwiązanie w terminie' },
  responseMedian: { en: 'Response median', pl: 'Odpowiedź – mediana' },
  responseP90: { en: 'Response p90', pl: 'Odpowiedź – p90' },
  resolutionMedian: { en: 'Resolution median', pl: 'Rozwiązanie – mediana' },
  resolutionP90: { en: 'Resolution p90', pl: 'Rozwiązanie – p90' },
  escalatedL2: { en: 'To L2', pl: 'Do L2' },
  escalatedL3: { en: 'To L3', pl: 'Do L3' },
  reopenRate: { en: 'Reopened', pl: 'Ponownie otwarte' },
  deflection: { en: 'L1 deflection', pl: 'Rozwiązane przez bazę wiedzy' },
  total: { en: 'All tickets', pl: 'Wszystkie zgłoszenia' },
  all: { en: 'all', pl: 'wszystkie' },
  uncategorised: { en: 'uncategorised', pl: 'bez kategorii' },
  noTickets: { en: 'No tickets were created in this period.', pl: 'W tym okresie nie utworzono żadnych zgłoszeń.' },
  groupsHeading: { en: 'Per line, priority and category', pl: 'Według linii, priorytetu i kategorii' },
  targetsHeading: { en: 'Targets', pl: 'Cele' },
  schedule: { en: 'Schedule', pl: 'Harmonogram' },
  firstResponse: { en: 'First response', pl: 'Pierwsza odpowiedź' },
  resolution: { en: 'Resolution', pl: 'Rozwiązanie' },
  trendHeading: { en: 'Trend per week', pl: 'Trend tygodniowy' },
  breachesHeading: { en: 'Breaches per line', pl: 'Przekroczenia SLA według linii' },
  articlesHeading: { en: 'Deflection per knowledge-base article', pl: 'Rozwiązania według artykułu bazy wiedzy' },
  seriesTickets: { en: 'Tickets created', pl: 'Utworzone zgłoszenia' },
  seriesResponseMet: { en: 'First response met (%)', pl: 'Odpowiedź w terminie (%)' },
  seriesResolutionMet: { en: 'Resolution met (%)', pl: 'Rozwiązanie w terminie (%)' },
  seriesResponseBreaches: { en: 'First response missed', pl: 'Przekroczony czas odpowiedzi' },
  seriesResolutionBreaches: { en: 'Resolution missed', pl: 'Przekroczony czas rozwiązania' },
  seriesAnswered: { en: 'Answered with the article', pl: 'Odpowiedzi tym artykułem' },
  seriesDeflected: { en: 'Resolved without an agent', pl: 'Rozwiązane bez agenta' },
  noArticles: { en: 'No ticket got a knowledge-base answer in this period.', pl: 'W tym okresie żadne zgłoszenie nie dostało odpowiedzi z bazy wiedzy.' },
  kpiResponse: { en: 'First response within target', pl: 'Pierwsza odpowiedź w terminie' },
  kpiResolution: { en: 'Resolved within target', pl: 'Rozwiązane w terminie' },
  kpiDeflection: { en: 'Resolved by a KB answer alone', pl: 'Rozwiązane samą odpowiedzią z bazy wiedzy' },
  kpiReopen: { en: 'Reopened after resolution', pl: 'Ponownie otwarte po rozwiązaniu' },
  definitions: {
    en: 'Times are business time of each priority\'s schedule, without the time a ticket waited for the requester. Response: first claim or public agent reply. Met % = met / (met + missed); tickets still within their target are left out. L1 deflection: resolved by a knowledge-base answer with no claim, no agent reply and no escalation. Reopened: share of the tickets resolved at least once.',
    pl: 'Czasy liczone są w godzinach pracy harmonogramu danego priorytetu, bez czasu oczekiwania na zgłaszającego. Odpowiedź: pierwsze przejęcie lub publiczna odpowiedź agenta. % w terminie = w terminie / (w terminie + po terminie); zgłoszenia, którym termin jeszcze nie minął, są pominięte. Rozwiązane przez bazę wiedzy: rozwiązane odpowiedzią z bazy wiedzy, bez przejęcia, odpowiedzi agenta i eskalacji. Ponownie otwarte: odsetek zgłoszeń rozwiązanych co najmniej raz.',
  },
  writtenTo: { en: 'SLA report written to', pl: 'Raport SLA zapisano do pliku' },
} as const;

export type LabelId = keyof typeof LABELS;

export function label(id: LabelId, language: CliLanguage): string {
  return LABELS[id][language];
}

/** Formats a percentage with one decimal in the language's notation, or an em dash for none. */
export function formatPercent(value: number | null, language: CliLanguage): string {
  if (value === null) return '—';
  const text = value.toFixed(1);
  return `${language === 'pl' ? text.replace('.', ',') : text}%`;
}

/** Formats business minutes as hours and minutes (`26h 05m`, Polish `26 h 05 min`), or an em dash for none. */
export function formatMinutes(minutes: number | null, language: CliLanguage): string {
  if (minutes === null) return '—';
  const rounded = Math.round(minutes);
  const hours = Math.floor(rounded / 60);
  const rest = String(rounded % 60).padStart(2, '0');
  return language === 'pl' ? `${hours} h ${rest} min` : `${hours}h ${rest}m`;
}

export function categoryLabel(category: string | null, language: CliLanguage): string {
  return category ?? label('uncategorised', language);
}
