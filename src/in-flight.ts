/**
 * Work that outlives the reply it belongs to: a storage call still running
 * after its transfer was aborted (the client got 426 at once, but the file
 * handle closes or the temporary upload is removed a moment later), a hook
 * still running after its session ended. `close()` waits for it, within a
 * bound, so that once it resolves nothing of the server is still touching
 * storage or host code.
 */
export class InFlight {
  private count = 0;
  /** Called once nothing is pending any more. */
  private idle: (() => void)[] = [];
  // One shared callback, not two closures and a Set entry per call: every
  // command and storage call passes through here.
  private readonly release = (): void => {
    if (--this.count > 0) return;
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  };

  get size(): number {
    return this.count;
  }

  /** Keeps `work` until it settles (its outcome is handled elsewhere). */
  add(work: Promise<unknown>): void {
    this.count++;
    work.then(this.release, this.release);
  }

  /** Resolves once everything settled, or after `ms` (work that ignores its abort signal is let go). */
  async settled(ms: number): Promise<boolean> {
    if (this.count === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const empty = new Promise<true>((resolve) => this.idle.push(() => resolve(true)));
    try {
      return await Promise.race([empty, expired]);
    } finally {
      clearTimeout(timer);
    }
  }
}
