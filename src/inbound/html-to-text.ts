import { convert, type HtmlToTextSelector } from 'html-to-text';

/**
 * HTML to plain text for messages without a text part. mailparser can convert HTML
 * itself, but it wraps lines at 80 characters and upper-cases headings, which breaks
 * the "On … wrote:" lines that quote stripping looks for. This conversion keeps lines
 * whole, renders blockquotes as `>` lines and leaves out images.
 */

/** Longest HTML converted, in characters. Longer HTML is cut, because conversion time grows with size. */
export const MAX_HTML_CHARS = 2 * 1024 * 1024;

/** Deepest element nesting converted. The converter walks the tree recursively, so deep HTML could overflow the stack. */
const MAX_HTML_DEPTH = 200;

const SELECTORS: HtmlToTextSelector[] = [
  { selector: 'img', format: 'skip' },
  { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  { selector: 'a[href^="mailto:"]', format: 'anchor', options: { ignoreHref: true } },
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((heading) => ({ selector: heading, options: { uppercase: false } })),
  // Table cells are separated by a space and rows by a line, instead of a text grid:
  // most tables in mail are layout, and a grid of layout cells is unreadable.
  { selector: 'table', format: 'block' },
  { selector: 'tr', format: 'block' },
  { selector: 'td', format: 'inlineSurround', options: { suffix: ' ' } },
  { selector: 'th', format: 'inlineSurround', options: { suffix: ' ' } },
];

/** Converts an HTML body to clean plain text: no line wrapping, no trailing spaces, at most one blank line in a row. */
export function htmlToPlainText(html: string): string {
  const input = html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html;
  const text = convert(input, {
    wordwrap: false,
    limits: { maxInputLength: MAX_HTML_CHARS, maxDepth: MAX_HTML_DEPTH },
    selectors: SELECTORS,
  });
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
