/** Small statistics helpers of the SLA report. */

/**
 * Returns percentile `p` (0–1) of `values`, interpolating linearly between the
 * two nearest ranks, so the median of [1, 2, 3, 4] is 2.5; null for no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

/** `part / whole` in percent with one decimal, or null when `whole` is 0. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

/** Milliseconds as minutes with one decimal, or null. */
export function toMinutes(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 6_000) / 10;
}
