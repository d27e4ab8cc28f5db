/**
 * Escapes text for Slack's mrkdwn: `&`, `<` and `>` become entities, so text from a
 * requester cannot form `<!channel>`, `<@U…>` mentions or `<url|label>` links.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Returns the first `maxLines` non-empty lines, cut to `maxChars`, for a post preview. */
export function excerpt(text: string, maxLines = 5, maxChars = 600): string {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(0, maxLines)
    .join('\n');
  return lines.length > maxChars ? `${lines.slice(0, maxChars - 1)}…` : lines;
}

/** Slack's limit on the text of one section block, in characters. */
export const SECTION_TEXT_LIMIT = 3000;

/**
 * Turns Slack message markup into plain text for an e-mail: `<url|label>` becomes
 * `label (url)`, `<@U…>` and `<#C…|name>` keep a readable name, and the three
 * entities Slack escapes are decoded.
 */
export function slackToPlainText(text: string, userNames: ReadonlyMap<string, string> = new Map()): string {
  const converted = text.replace(/<([^<>]+)>/g, (_match, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) {
      const id = target.slice(1);
      return `@${label ?? userNames.get(id) ?? id}`;
    }
    if (target.startsWith('#')) {
      return `#${label ?? target.slice(1)}`;
    }
    if (target.startsWith('!')) {
      return `@${label ?? target.slice(1).split('^')[0]}`;
    }
    return label && label !== target ? `${label} (${target})` : target.replace(/^mailto:/, '');
  });
  return converted.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Removes mentions of the bot user from a message, e.g. `<@U0BOT> printer broken` gives `printer broken`. */
export function withoutMention(text: string, botUserId: string): string {
  return text.split(`<@${botUserId}>`).join(' ').replace(/[ \t]{2,}/g, ' ').trim();
}

/**
 * Converts the Markdown of a knowledge-base article to Slack mrkdwn after
 * escaping it: headings and `**bold**` become `*bold*`, and `[label](url)` a link
 * whose URL is an http(s) address only.
 */
export function markdownToMrkdwn(markdown: string): string {
  return escapeSlackText(markdown)
    .replace(/^#{1,6}\s+(.+)$/gm, '*$1*')
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)|]+)\)/g, '<$2|$1>');
}

/** Splits text into pieces of at most `limit` characters, at line breaks where possible. */
export function splitForSections(text: string, limit = SECTION_TEXT_LIMIT): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const cut = rest.lastIndexOf('\n', limit);
    const at = cut > limit / 2 ? cut : limit;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest.length > 0) {
    pieces.push(rest);
  }
  return pieces;
}
