/**
 * Ticket tags and reply/forward prefixes in subjects.
 *
 * A ticket tag is `[<prefix>#<number>]`, e.g. `[#12]` with the default empty prefix or
 * `[LIN#12]` with the prefix `LIN`. Incoming subjects are matched leniently (any case,
 * spaces inside the brackets), outgoing ones are always written in the canonical form.
 */

/** Largest ticket number a tag may carry, so every accepted tag fits a safe integer. */
const MAX_TICKET_DIGITS = 15;

/**
 * Reply and forward prefixes written by mail clients: English Re/Fw/Fwd, Polish
 * ODP (odpowiedź) and PD (przekazanie dalej), German AW/WG, Scandinavian SV/VS.
 * A counter such as `RE[2]:` or `Re(3):` may follow the word, and a full-width colon
 * is accepted because some East Asian clients write it.
 */
const REPLY_PREFIX = /\s*(?:re|fwd?|odp|pd|aw|wg|sv|vs)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*/iy;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function tagPattern(prefix: string, flags: string): RegExp {
  const trimmed = prefix.trim();
  // Without a prefix a second `\s*` would follow the first, and two adjacent `\s*`
  // backtrack quadratically on a long run of spaces.
  const opening = trimmed === '' ? '\\[\\s*' : `\\[\\s*${escapeRegExp(trimmed)}\\s*`;
  return new RegExp(`${opening}#\\s*(\\d{1,${MAX_TICKET_DIGITS}})\\s*\\]`, flags);
}

/** Collapses runs of whitespace, which also keeps the patterns here from backtracking on long runs of spaces. */
function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Returns the canonical ticket tag, `[#12]` or `[LIN#12]`. Throws a RangeError for a number that is not a positive safe integer. */
export function ticketTag(ticketNumber: number, prefix = ''): string {
  if (!Number.isSafeInteger(ticketNumber) || ticketNumber < 1) {
    throw new RangeError(`invalid ticket number ${ticketNumber}: expected a positive integer`);
  }
  return `[${prefix.trim()}#${ticketNumber}]`;
}

/** Returns the number of the first ticket tag with the given prefix in `subject`, or null when there is none. */
export function extractTicketTag(subject: string, prefix = ''): number | null {
  const match = tagPattern(prefix, 'i').exec(collapseWhitespace(subject));
  if (!match) {
    return null;
  }
  const ticketNumber = Number(match[1]);
  return Number.isSafeInteger(ticketNumber) && ticketNumber > 0 ? ticketNumber : null;
}

/**
 * Removes every ticket tag with the given prefix and every leading reply or forward
 * prefix, including stacked and interleaved ones (`Re: [#12] RE[2]: Fwd: Printer`
 * becomes `Printer`), and collapses whitespace.
 */
export function normalizeSubject(subject: string, prefix = ''): string {
  const withoutTags = collapseWhitespace(collapseWhitespace(subject).replace(tagPattern(prefix, 'gi'), ' '));
  // REPLY_PREFIX is sticky, so each match must start where the previous one ended.
  let position = 0;
  for (;;) {
    REPLY_PREFIX.lastIndex = position;
    if (REPLY_PREFIX.exec(withoutTags) === null) {
      break;
    }
    position = REPLY_PREFIX.lastIndex;
  }
  return withoutTags.slice(position).trim();
}

/** The reply and forward prefixes of REPLY_PREFIX, found anywhere in a subject rather than only at its start. */
const ANY_REPLY_PREFIX = /(?<![\p{L}\p{N}])(?:re|fwd?|odp|pd|aw|wg|sv|vs)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]/giu;

/**
 * Counts the reply and forward prefixes anywhere in a subject, so that
 * `Automatyczna odpowiedź: Re: Re: Drukarka` gives 2. A counter such as `RE[3]:`
 * counts as one prefix.
 */
export function countReplyPrefixes(subject: string): number {
  return collapseWhitespace(subject).match(ANY_REPLY_PREFIX)?.length ?? 0;
}

/** Builds the subject of a reply on a ticket: exactly one `Re:` and one tag, e.g. `Re: [#12] Printer offline`. */
export function replySubject(originalSubject: string, ticketNumber: number, prefix = ''): string {
  const tag = ticketTag(ticketNumber, prefix);
  const normalized = normalizeSubject(originalSubject, prefix);
  return normalized === '' ? `Re: ${tag}` : `Re: ${tag} ${normalized}`;
}
