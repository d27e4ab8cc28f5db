import { readFileSync } from 'node:fs';
import path from 'node:path';
import matter from 'gray-matter';
import Handlebars from 'handlebars';
import { projectRoot } from '../project-root.js';

export type ReplyLanguage = 'pl' | 'en';

/** Props each template is rendered with; a template may use only these names. */
export interface TemplateProps {
  'kb-answer': {
    ticketTag: string;
    requesterName: string;
    articleTitle: string;
    articleBody: string;
    /** Set when the article is in the other language than the requester's. */
    otherLanguageNote: boolean;
  };
  acknowledgement: { ticketTag: string; requesterName: string; subject: string };
  /** Sent instead of the first reply when a message is over LINIA_MAX_MESSAGE_BYTES and its attachments were not kept. */
  'size-notice': {
    ticketTag: string;
    requesterName: string;
    subject: string;
    /** Size of the message, formatted for the language, e.g. `30,2 MB`. */
    messageSize: string;
    sizeLimit: string;
    /** Names of the attachments not kept, separated by commas; empty when they had no names. */
    attachmentNames: string;
  };
  escalation: {
    ticketTag: string;
    line: string;
    subject: string;
    requester: string;
    channel: string;
    priority: string;
    dueAt: string;
    excerpt: string;
  };
}
export type TemplateName = keyof TemplateProps;

export interface RenderedMessage {
  subject: string | null;
  text: string;
  html: string;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Builds simple HTML from the plain text: paragraphs on blank lines, line breaks kept. */
export function textToHtml(text: string): string {
  const paragraphs = text
    .trim()
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>\n')}</p>`);
  return `<!DOCTYPE html>\n<html><body style="font-family:sans-serif">\n${paragraphs.join('\n')}\n</body></html>\n`;
}

/** Folder of the templates; a test may point it elsewhere. */
export function templatesDir(): string {
  return path.join(projectRoot(), 'templates');
}

/**
 * Renders `templates/NAME.LANG.hbs`. The file's front matter may set `subject`,
 * itself a template. Each render compiles with its own Handlebars instance in
 * strict mode, so a name missing from the props fails loudly.
 */
export function renderTemplate<N extends TemplateName>(
  name: N,
  language: ReplyLanguage,
  props: TemplateProps[N],
  dir: string = templatesDir(),
): RenderedMessage {
  const file = path.join(dir, `${name}.${language}.hbs`);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TemplateError(`template ${name} (${language}) not found at ${file}`, { cause: error });
  }
  const parsed = matter(source);
  const engine = Handlebars.create();
  const options = { noEscape: true, strict: true };
  try {
    const text = engine.compile(parsed.content.trim(), options)(props).replace(/\n{3,}/g, '\n\n') + '\n';
    const subjectSource = typeof parsed.data.subject === 'string' ? parsed.data.subject : null;
    const subject = subjectSource === null ? null : engine.compile(subjectSource, options)(props).trim();
    return { subject, text, html: textToHtml(text) };
  } catch (error) {
    throw new TemplateError(`template ${name} (${language}) failed to render: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
