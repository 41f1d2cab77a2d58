/**
 * Work that outlives the reply it belongs to: a storage call still running
 * after its transfer was aborted (the client got 426 at once, but the file
 * handle closes or the temporary upload is removed a moment later), a hook
 * still running after its session ended. `close()` waits for it, within a
 * bound, so that once it resolves nothing of the server is still touching
 * storage or host code.
 */
export class InFlight {
  private readonly pending = new Set<Promise<void>>();

  get size(): number {
    return this.pending.size;
  }

  /** Keeps `work` until it settles (its outcome is handled elsewhere). */
  add(work: Promise<unknown>): void {
    const settled: Promise<void> = work.then(
      () => void this.pending.delete(settled),
      () => void this.pending.delete(settled),
    );
    this.pending.add(settled);
  }

  /** Resolves once everything settled, or after `ms` (work that ignores its abort signal is let go). */
  async settled(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    try {
      while (this.pending.size > 0) {
        const all = Promise.all(this.pending).then(() => true);
        if (!(await Promise.race([all, expired]))) return false;
      }
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}
