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
