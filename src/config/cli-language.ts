/**
 * Language of CLI output: LINIA_LANG when set, otherwise the locale (LC_ALL,
 * LC_MESSAGES, LANG); Polish for pl_*, English for everything else.
 */
export type CliLanguage = 'pl' | 'en';

export function cliLanguage(env: NodeJS.ProcessEnv): CliLanguage {
  const chosen = env.LINIA_LANG || env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return chosen.toLowerCase().startsWith('pl') ? 'pl' : 'en';
}

const MESSAGES = {
  configInvalid: { en: 'Linia cannot start: the configuration is invalid.', pl: 'Linia nie może wystartować: konfiguracja jest błędna.' },
  configFixHint: {
    en: 'Fix the variables above (see .env.example) and run the command again.',
    pl: 'Popraw powyższe zmienne (opis w .env.example) i uruchom polecenie ponownie.',
  },
  started: { en: 'Linia is running. Press Ctrl+C to stop.', pl: 'Linia działa. Naciśnij Ctrl+C, aby zatrzymać.' },
  stopping: { en: 'Stopping Linia…', pl: 'Zatrzymywanie Linii…' },
  unknownWorker: { en: 'Unknown worker', pl: 'Nieznany proces roboczy' },
  demoHeading: { en: 'Linia demo: what happened to each e-mail', pl: 'Demo Linii: co się stało z każdym e-mailem' },
  demoEscalations: { en: 'Escalations that fired', pl: 'Wykonane eskalacje' },
  demoNoEscalations: { en: 'No escalation fired.', pl: 'Żadna eskalacja nie została wykonana.' },
  demoSummary: { en: 'Summary', pl: 'Podsumowanie' },
  demoNoMail: { en: 'No .eml files found in', pl: 'Nie znaleziono plików .eml w' },
  kbImported: { en: 'Knowledge base imported', pl: 'Zaimportowano bazę wiedzy' },
  failed: { en: 'Failed', pl: 'Błąd' },
} as const;

export type MessageId = keyof typeof MESSAGES;

export function message(id: MessageId, language: CliLanguage): string {
  return MESSAGES[id][language];
}
