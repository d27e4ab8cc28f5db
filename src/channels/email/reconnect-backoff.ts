/**
 * Jittered exponential backoff between reconnection attempts: the n-th wait is
 * a random time between half and all of min(maxMs, minMs * 2^n), so watchers
 * that lost the same server do not all come back in the same instant.
 */
export class ReconnectBackoff {
  private attempt = 0;

  constructor(
    private readonly minMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  /** Number of waits handed out since the last reset. */
  get attempts(): number {
    return this.attempt;
  }

  nextDelayMs(): number {
    const ceiling = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  reset(): void {
    this.attempt = 0;
  }
}
