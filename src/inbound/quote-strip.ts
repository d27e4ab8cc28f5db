import { foldText } from './text-normalize.js';

/**
 * Extraction of the new text of a reply: what the sender wrote above the quoted history
 * and the signature. Works on plain text, including HTML converted to text with
 * blockquotes rendered as `>` lines.
 */

/** Lines of an attribution ("On … wrote:") that a client may wrap, such as Gmail's around a long address. */
const MAX_ATTRIBUTION_LINES = 3;

/** Lines after `From:`/`Od:` searched for the rest of an Outlook header block. */
const OUTLOOK_BLOCK_LINES = 6;

/**
 * Separator lines of quoted or forwarded history, folded (lower case, no diacritics):
 * Outlook's "-----Original Message-----" and its Polish "-----Wiadomość oryginalna-----",
 * and "Forwarded message" separators with their Polish wordings.
 */
const SEPARATOR =
  /^-{2,}\s*(?:original message|wiadomosc oryginalna|oryginalna wiadomosc|forwarded message|wiadomosc przekazana dalej|przekazana wiadomosc)\s*-{2,}$/;

/** "Begin forwarded message:" of Apple Mail. */
const APPLE_FORWARD = /^begin forwarded message:$/;

/** End of an attribution line, folded: English "wrote:", Polish "napisał(a):", "napisał:", "napisała:", "pisze:". */
const ATTRIBUTION_END = /(?:wrote|napisal\(a\)|napisal|napisala|pisze):$/;

/**
 * Start of an attribution, folded: "On …", "W dniu …", "Dnia …", or a date as Gmail
 * writes it in Polish ("pon., 4 mar 2024 o 10:15 …") or other clients in digits.
 */
const ATTRIBUTION_START = /^(?:(?:on|w dniu|dnia)\s|(?:[a-z]{2,4}\.?,\s*)?\d)/;

const OUTLOOK_FROM = /^\*?(?:from|od)\s*:\*?\s*\S/;
const OUTLOOK_DATE = /^\*?(?:sent|date|wyslano|wyslane|data wyslania|data)\s*:/;
const OUTLOOK_OTHER = /^\*?(?:to|cc|subject|do|dw|temat)\s*:/;

/** A horizontal rule that Outlook puts above its header block. */
const RULE_LINE = /^(?:_{5,}|-{5,})$/;

/** A last line that mobile clients add in place of a signature. */
const MOBILE_SIGNATURE = /^(?:sent from my |wyslane z |wyslano z |get outlook for )/;

function isAttributionAt(folded: readonly string[], index: number): boolean {
  const first = folded[index] ?? '';
  if (first === '') {
    return false;
  }
  let joined = '';
  for (let offset = 0; offset < MAX_ATTRIBUTION_LINES; offset += 1) {
    const line = folded[index + offset];
    if (line === undefined || line === '') {
      return false;
    }
    joined = offset === 0 ? line : `${joined} ${line}`;
    if (ATTRIBUTION_END.test(joined)) {
      // A wrapped attribution must open like one, so that the line above a real
      // attribution is not swallowed with it. A single line may also be recognised by
      // the address or the date in it.
      const opensLikeAttribution = ATTRIBUTION_START.test(first);
      return offset === 0 ? opensLikeAttribution || /[@\d]/.test(joined) : opensLikeAttribution;
    }
  }
  return false;
}

function isOutlookBlockAt(folded: readonly string[], index: number): boolean {
  if (!OUTLOOK_FROM.test(folded[index] ?? '')) {
    return false;
  }
  let hasDate = false;
  let otherFields = 0;
  for (let offset = 1; offset <= OUTLOOK_BLOCK_LINES; offset += 1) {
    const line = folded[index + offset];
    if (line === undefined) {
      break;
    }
    if (OUTLOOK_DATE.test(line)) {
      hasDate = true;
    } else if (OUTLOOK_OTHER.test(line)) {
      otherFields += 1;
    }
  }
  return hasDate && otherFields >= 1;
}

/** The `-- ` signature delimiter, also without its trailing space, which many clients strip. */
const SIGNATURE_DELIMITER = /^--[ \t]?$/;

interface HistoryStart {
  /** Index of the first line of quoted history or the signature; the line count when there is none. */
  index: number;
  /** True when the history starts with an attribution line, after which the quoted text is marked with `>`. */
  attribution: boolean;
}

function findHistoryStart(lines: readonly string[], folded: readonly string[]): HistoryStart {
  for (let index = 0; index < lines.length; index += 1) {
    const line = folded[index] ?? '';
    if (SIGNATURE_DELIMITER.test(lines[index] ?? '') || SEPARATOR.test(line) || APPLE_FORWARD.test(line)) {
      return { index, attribution: false };
    }
    if (isAttributionAt(folded, index)) {
      return { index, attribution: true };
    }
    if (isOutlookBlockAt(folded, index)) {
      return { index: index > 0 && RULE_LINE.test(folded[index - 1] ?? '') ? index - 1 : index, attribution: false };
    }
  }
  return { index: lines.length, attribution: false };
}

/** Returns the lines from `start` to `end` that are not `>` quoted, without trailing spaces. */
function unquotedLines(lines: readonly string[], start: number, end: number): string[] {
  const kept: string[] = [];
  for (let index = start; index < end; index += 1) {
    if (!/^\s*>/.test(lines[index] ?? '')) {
      kept.push((lines[index] ?? '').trimEnd());
    }
  }
  return kept;
}

/**
 * Returns the new lines of a bottom-posted or interleaved reply: the unquoted lines after
 * an attribution, up to the next history marker or signature.
 */
function answersBelowAttribution(lines: readonly string[], folded: readonly string[], attributionIndex: number): string[] {
  let start = attributionIndex + 1;
  while (start < lines.length && !ATTRIBUTION_END.test(folded[start - 1] ?? '')) {
    start += 1;
  }
  const rest = findHistoryStart(lines.slice(start), folded.slice(start));
  return unquotedLines(lines, start, start + rest.index);
}

/**
 * Returns the new text of a message: everything before the first quoted history marker
 * ("On … wrote:", "W dniu … napisał(a):", "-----Original Message-----", an Outlook
 * From/Sent/To/Subject or Od/Wysłano/Do/Temat block, a forward separator) or the `-- `
 * signature delimiter, without `>` quoted lines and a trailing "Sent from my …" line.
 * A reply written below an attribution ("On … wrote:" followed by `>` lines and the
 * new lines) gives its unquoted lines instead. Returns '' when the message is only quoted
 * or forwarded content.
 */
export function extractNewText(fullText: string): string {
  const lines = fullText.replace(/\r\n?/g, '\n').split('\n');
  const folded = lines.map((line) => foldText(line).trim());
  const history = findHistoryStart(lines, folded);

  let kept = unquotedLines(lines, 0, history.index);
  if (kept.every((line) => line.trim() === '') && history.attribution) {
    kept = answersBelowAttribution(lines, folded, history.index);
  }

  while (kept.length > 0 && (kept[kept.length - 1] ?? '').trim() === '') {
    kept.pop();
  }
  const last = kept[kept.length - 1];
  if (last !== undefined && MOBILE_SIGNATURE.test(foldText(last).trim())) {
    kept.pop();
  }
  return kept.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}
