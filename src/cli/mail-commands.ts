import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { Command } from 'commander';

import { loadProcessConfig, type CliLanguage } from '../config/index.js';
import { inspectMail, type MailInspection } from '../inbound/mail-inspection.js';

/** Labels of the human-readable output of `linia mail inspect`. */
const LABELS = {
  subject: { en: 'Subject', pl: 'Temat' },
  normalizedSubject: { en: 'Normalized subject', pl: 'Temat bez przedrostków' },
  language: { en: 'Language', pl: 'Język' },
  automatic: { en: 'Automatic', pl: 'Automatyczna' },
  messageId: { en: 'Message-ID', pl: 'Message-ID' },
  inReplyTo: { en: 'In-Reply-To', pl: 'In-Reply-To' },
  references: { en: 'References', pl: 'References' },
  ticketTag: { en: 'Ticket tag', pl: 'Numer zgłoszenia' },
  attachments: { en: 'Attachments', pl: 'Załączniki' },
  quarantine: { en: 'Quarantine', pl: 'Kwarantanna' },
  warnings: { en: 'Warnings', pl: 'Ostrzeżenia' },
  text: { en: 'New text', pl: 'Nowy tekst' },
  fullText: { en: 'Full text', pl: 'Pełny tekst' },
  yes: { en: 'yes', pl: 'tak' },
  no: { en: 'no', pl: 'nie' },
  none: { en: 'none', pl: 'brak' },
  bytes: { en: 'bytes', pl: 'B' },
  notQuarantined: { en: 'no, the message can be processed', pl: 'nie, wiadomość można przetworzyć' },
} as const;

type Label = keyof typeof LABELS;

/** An input file that cannot be read; its message is in the CLI's language. */
class MailFileError extends Error {
  override readonly name = 'MailFileError';
}

function readFailureMessage(file: string, error: unknown, language: CliLanguage): string {
  const cause = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return language === 'pl'
    ? `nie można odczytać pliku ${file} (${cause}); podaj ścieżkę do pliku .eml`
    : `cannot read file ${file} (${cause}); give the path of an .eml file`;
}

function indent(text: string): string {
  return text === '' ? '' : text.split('\n').map((line) => `    ${line}`).join('\n');
}

/** Formats an inspection as labelled lines in the CLI's language. */
export function formatInspection(inspection: MailInspection, warnings: readonly string[], language: CliLanguage): string {
  const label = (name: Label): string => LABELS[name][language];
  const orNone = (value: string | number | null): string => (value === null || value === '' ? label('none') : String(value));
  const lines = [
    `${label('subject')}: ${orNone(inspection.subject)}`,
    `${label('normalizedSubject')}: ${orNone(inspection.normalizedSubject)}`,
    `${label('language')}: ${inspection.language}`,
    `${label('automatic')}: ${inspection.automatic ? `${label('yes')} (${inspection.automaticReason ?? ''})` : label('no')}`,
    `${label('messageId')}: ${orNone(inspection.threadKeys.messageId)}`,
    `${label('inReplyTo')}: ${orNone(inspection.threadKeys.inReplyTo)}`,
    `${label('references')}: ${inspection.threadKeys.references.length === 0 ? label('none') : inspection.threadKeys.references.join(' ')}`,
    `${label('ticketTag')}: ${orNone(inspection.threadKeys.ticketTag)}`,
    `${label('quarantine')}: ${inspection.quarantineReason ?? label('notQuarantined')}`,
    `${label('attachments')}: ${inspection.attachments.length === 0 ? label('none') : ''}`,
    ...inspection.attachments.map((attachment) => `  - ${attachment.filename ?? '?'} (${attachment.contentType}, ${attachment.size} ${label('bytes')})`),
  ];
  if (warnings.length > 0) {
    lines.push(`${label('warnings')}:`, ...warnings.map((warning) => `  - ${warning}`));
  }
  lines.push(`${label('text')}:`, indent(inspection.text), `${label('fullText')}:`, indent(inspection.fullText));
  return `${lines.map((line) => line.trimEnd()).join('\n').replace(/\n+$/, '')}\n`;
}

/** Adds `linia mail inspect FILE.eml [--json]`, which needs no server. */
export function registerMailCommands(program: Command, language: CliLanguage, onError: (error: unknown) => void): void {
  const mail = program.command('mail').description('look at e-mail as Linia sees it');

  mail
    .command('inspect')
    .argument('<file>', 'message file in RFC 5322 format (.eml)')
    .option('--json', 'print one JSON object with fixed field names')
    .description('print what Linia makes of a message: decoded subject, new text, language, automatic mail, thread keys, attachments, quarantine reason')
    .action(async (file: string, options: { json?: boolean }) => {
      try {
        const config = loadProcessConfig();
        let raw: Buffer;
        try {
          raw = await readFile(path.resolve(file));
        } catch (error) {
          throw new MailFileError(readFailureMessage(file, error, language), { cause: error });
        }
        const { inspection, warnings } = await inspectMail(raw, {
          maxBytes: config.env.LINIA_MAX_MESSAGE_BYTES,
          timeoutMs: config.env.LINIA_PARSE_TIMEOUT_MS,
          tagPrefix: config.env.LINIA_TICKET_TAG_PREFIX,
          ownDomains: [config.messageIdDomain],
        });
        process.stdout.write(options.json ? `${JSON.stringify(inspection, null, 2)}\n` : formatInspection(inspection, warnings, language));
      } catch (error) {
        onError(error);
      }
    });
}
