import { convert, type HtmlToTextSelector } from 'html-to-text';

/**
 * HTML to plain text for messages without a text part. mailparser can convert HTML
 * itself, but it wraps lines at 80 characters and upper-cases headings, which breaks
 * the "On … wrote:" lines that quote stripping looks for. This conversion keeps lines
 * whole, renders blockquotes as `>` lines and leaves out images.
 */

/** Longest HTML converted, in characters. Longer HTML is cut, because conversion time grows with size. */
export const MAX_HTML_CHARS = 2 * 1024 * 1024;

/**
 * Deepest element nesting accepted. The converter walks the tree recursively, so deep
 * HTML could overflow the stack, and htmlparser2 parses deep nesting in quadratic time.
 * Mail clients nest layout tables a few dozen levels deep.
 */
export const MAX_HTML_DEPTH = 500;

/** Elements that never have content, so they do not nest. */
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

/**
 * Elements whose end tag may be left out and that the parser closes by itself (`<p>`
 * after `<p>`, `<td>` after `<td>`), so an unclosed run of them does not nest.
 */
const SELF_CLOSING_SIBLINGS = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'option', 'optgroup', 'colgroup', 'caption', 'rb', 'rt', 'rp']);

/** HTML that is nested deeper than MAX_HTML_DEPTH elements. */
export class HtmlTooDeepError extends Error {
  override readonly name = 'HtmlTooDeepError';

  constructor(readonly maxDepth: number) {
    super(`HTML nested deeper than ${maxDepth} levels`);
  }
}

/**
 * Returns true when the elements of `html` nest deeper than `maxDepth`, in one linear
 * pass over the tags. End tags close one level whatever their name, which is enough to
 * bound the depth without building the tree.
 */
export function exceedsHtmlDepth(html: string, maxDepth: number): boolean {
  let depth = 0;
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)(?![a-zA-Z0-9:-])[^<>]*?(\/?)>/g;
  for (let match = tag.exec(html); match !== null; match = tag.exec(html)) {
    const name = (match[2] ?? '').toLowerCase();
    if (VOID_ELEMENTS.has(name) || SELF_CLOSING_SIBLINGS.has(name) || match[3] === '/') {
      continue;
    }
    if (match[1] === '/') {
      depth = Math.max(0, depth - 1);
      continue;
    }
    depth += 1;
    if (depth > maxDepth) {
      return true;
    }
  }
  return false;
}

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

/**
 * Converts an HTML body to clean plain text: no line wrapping, no trailing spaces, at
 * most one blank line in a row. Throws HtmlTooDeepError for HTML nested deeper than
 * MAX_HTML_DEPTH elements.
 */
export function htmlToPlainText(html: string): string {
  const input = html.length > MAX_HTML_CHARS ? html.slice(0, MAX_HTML_CHARS) : html;
  if (exceedsHtmlDepth(input, MAX_HTML_DEPTH)) {
    throw new HtmlTooDeepError(MAX_HTML_DEPTH);
  }
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
