const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

/**
 * Parses an SLA target written in hours and minutes: `4h`, `90m`, `1h30m` (case and
 * spaces between the parts do not matter, so `1h 30m` works too). Returns the
 * duration in milliseconds, or null for anything else, including days, seconds,
 * fractions and an empty text, because business days have no fixed length.
 */
export function parseBusinessDuration(text: string): number | null {
  const match = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?$/i.exec(text.trim());
  if (!match || (match[1] === undefined && match[2] === undefined)) {
    return null;
  }
  const ms = Number(match[1] ?? 0) * HOUR_MS + Number(match[2] ?? 0) * MINUTE_MS;
  return Number.isSafeInteger(ms) ? ms : null;
}

/** Formats milliseconds of business time as `4h`, `90m` → `1h30m`, `0m`; seconds are dropped. */
export function formatBusinessDuration(ms: number): string {
  const totalMinutes = Math.floor(ms / MINUTE_MS);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours === 0) {
    return `${minutes}m`;
  }
  return minutes === 0 ? `${hours}h` : `${hours}h${minutes}m`;
}
