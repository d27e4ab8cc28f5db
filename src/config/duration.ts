/**
 * Parses a duration such as `90s`, `30m`, `4h`, `1h30m` or `2d` into milliseconds.
 * A bare number is read as minutes, the unit SLA policies are usually written in.
 * Returns null when the text is not a duration.
 */
export function parseDuration(text: string | number): number | null {
  if (typeof text === 'number') {
    return Number.isFinite(text) && text >= 0 ? text * 60_000 : null;
  }
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Number(trimmed) * 60_000;
  }
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
  let total = 0;
  let consumed = '';
  for (const match of trimmed.matchAll(part)) {
    total += Number(match[1]) * unitMs[match[2]];
    consumed += match[0];
  }
  if (consumed.length === 0 || consumed !== trimmed.replace(/\s+/g, '')) {
    return null;
  }
  return total;
}
