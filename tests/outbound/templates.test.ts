import { readdirSync } from 'node:fs';
import { renderTemplate, templatesDir, TemplateError, type TemplateName, type TemplateProps } from '../../src/outbound/templates.js';

const FIXTURES: { [N in TemplateName]: TemplateProps[N] } = {
  'kb-answer': {
    ticketTag: '[#42]',
    requesterName: 'Zofia Żółć',
    articleTitle: 'Reset hasła',
    articleBody: '1. Otwórz portal.\n2. Kliknij „Nie pamiętam hasła”.',
    otherLanguageNote: false,
  },
  acknowledgement: { ticketTag: '[#42]', requesterName: '', subject: 'Drukarka <3> & skaner' },
  'size-notice': {
    ticketTag: '[#42]',
    requesterName: 'Zofia Żółć',
    subject: 'Logi z serwera',
    messageSize: '30,2 MB',
    sizeLimit: '25 MB',
    attachmentNames: 'logi.zip, zrzut ekranu.png',
  },
  escalation: {
    ticketTag: '[#42]',
    line: 'L2',
    subject: 'VPN',
    requester: 'Jan Kowalski jan@example.com',
    channel: 'email',
    priority: 'P3',
    dueAt: '2026-12-04T10:00:00.000Z',
    excerpt: 'VPN nie łączy się od rana.',
  },
};

describe('templates', () => {
  it('has a Polish and an English file for every template', () => {
    const files = readdirSync(templatesDir()).filter((file) => file.endsWith('.hbs')).sort();
    const expected = Object.keys(FIXTURES).flatMap((name) => [`${name}.en.hbs`, `${name}.pl.hbs`]).sort();
    expect(files).toEqual(expected);
  });

  it.each(Object.keys(FIXTURES) as TemplateName[])('renders %s in both languages', (name) => {
    for (const language of ['pl', 'en'] as const) {
      const rendered = renderTemplate(name, language, FIXTURES[name] as never);
      expect(rendered.text).toContain('[#42]');
      expect(rendered.text).not.toMatch(/\{\{|\}\}/);
      expect(rendered.html).toContain('<p>');
    }
  });

  it('escapes text in HTML but keeps it exact in plain text', () => {
    const rendered = renderTemplate('acknowledgement', 'en', FIXTURES.acknowledgement);
    expect(rendered.text).toContain('"Drukarka <3> & skaner"');
    expect(rendered.html).toContain('Drukarka &#60;3&#62; &#38; skaner');
  });

  it('writes Polish with diacritics', () => {
    const rendered = renderTemplate('kb-answer', 'pl', FIXTURES['kb-answer']);
    expect(rendered.text.startsWith('Dzień dobry,\n')).toBe(true);
    expect(renderTemplate('kb-answer', 'en', FIXTURES['kb-answer']).text.startsWith('Hello Zofia Żółć,\n')).toBe(true);
    expect(rendered.text).toContain('„rozwiązane”');
  });

  it('gives the escalation mail a subject', () => {
    expect(renderTemplate('escalation', 'pl', FIXTURES.escalation).subject).toBe('[#42] Eskalacja do L2: VPN');
    expect(renderTemplate('escalation', 'en', FIXTURES.escalation).subject).toBe('[#42] Escalated to L2: VPN');
  });

  it('fails loudly on a missing property', () => {
    expect(() => renderTemplate('acknowledgement', 'en', { ticketTag: '[#1]' } as never)).toThrow(TemplateError);
  });
});
