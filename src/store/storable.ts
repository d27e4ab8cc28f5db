/**
 * Returns a copy of `value` with U+0000 removed from every string inside it.
 * FerretDB stores documents in PostgreSQL jsonb, which rejects that character
 * (SQLSTATE 22P05); MongoDB accepts it. Mail text is stored without it on both,
 * so a stray NUL in a message cannot make its ticket event fail.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') {
    return (value.includes('\u0000') ? value.replace(/\u0000/g, '') : value) as T;
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown) => withoutNul(item)) as T;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = withoutNul(item);
    }
    return copy as T;
  }
  return value;
}
