/**
 * A token bucket for bytes: `rate` tokens per second, at most `capacity`
 * saved up. Taking more than there is goes into debt, paid back by waiting:
 * `take()` says how long. No timers of its own; the clock is read on demand.
 */
export class TokenBucket {
  private tokens: number;
  private last = performance.now();

  constructor(
    private rate: number,
    private readonly burstSeconds = 0.25,
  ) {
    this.tokens = this.capacity;
  }

  private get capacity(): number {
    return Math.max(this.rate * this.burstSeconds, 16 * 1024);
  }

  /** Changes the rate (a user logged in again with other limits). */
  setRate(rate: number): void {
    this.refill();
    this.rate = rate;
  }

  /** Takes `n` tokens; returns how many ms the caller should wait before going on (0: now). */
  take(n: number): number {
    this.refill();
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }

  private refill(): void {
    const now = performance.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}

/** Several buckets at once (the user's and the server's): the longest wait wins. */
export function takeFrom(buckets: readonly TokenBucket[], n: number): number {
  let wait = 0;
  for (const bucket of buckets) wait = Math.max(wait, bucket.take(n));
  return wait;
}
