/** Keys tracked at most; beyond it the least recently touched are forgotten. */
const MAX_KEYS = 50_000;

interface Entry {
  /** Times of the failures still inside the window, oldest first. */
  failures: number[];
  lockedUntil: number;
}

/**
 * Counts failures per key (an address, a user name) in a sliding window and
 * locks the key out once `threshold` failures fall inside it. Memory stays
 * bounded whatever an attacker sends: at most `threshold` timestamps per key,
 * at most MAX_KEYS keys, expired keys swept as new ones arrive.
 */
export class FailureLog {
  private readonly entries = new Map<string, Entry>();
  private sweepAt = 0;

  constructor(
    private readonly threshold: number,
    private readonly window: number,
    private readonly duration: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether `key` is locked out now. */
  isLocked(key: string): boolean {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.lockedUntil > this.now();
  }

  /** Records a failure; returns true when it (or an earlier one) locked the key out. */
  record(key: string): boolean {
    if (this.threshold === Infinity) return false;
    const now = this.now();
    this.sweep(now);
    const entry = this.entries.get(key) ?? { failures: [], lockedUntil: 0 };
    this.entries.delete(key); // re-inserted last: Map order is least recently touched first
    this.entries.set(key, entry);
    if (entry.lockedUntil > now) return true;
    entry.failures = entry.failures.filter((t) => t > now - this.window);
    entry.failures.push(now);
    if (entry.failures.length >= this.threshold) {
      entry.lockedUntil = now + this.duration;
      entry.failures = [];
      return true;
    }
    return false;
  }

  /** Forgets a key's failures (a successful login of that user). */
  clear(key: string): void {
    const entry = this.entries.get(key);
    if (entry && entry.lockedUntil <= this.now()) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(now: number): void {
    if (this.entries.size >= MAX_KEYS) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    if (now < this.sweepAt) return;
    this.sweepAt = now + Math.min(this.window, 60_000);
    for (const [key, entry] of this.entries) {
      if (entry.lockedUntil <= now && (entry.failures.at(-1) ?? 0) <= now - this.window) this.entries.delete(key);
    }
  }
}
