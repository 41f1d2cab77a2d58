/** The key of the method the clock calls (a symbol: not part of a session's public face). */
export const EXPIRE = Symbol('ftpkit.expire');

/** Something with a deadline (ms since the epoch; Infinity for none) that the clock ends. */
export interface Expiring {
  readonly deadline: number;
  [EXPIRE](): void;
}

/** Longest time between sweeps, and shortest (a tiny test timeout must not spin the loop). */
const MAX_TICK_MS = 1000;
const MIN_TICK_MS = 10;

/**
 * One timer for the idle and login timeouts of every session, instead of one
 * per session re-armed on every command: clearing and setting a timer costs
 * about 7 µs of CPU (twice per command), and each idle session would keep a
 * Timeout object alive. A session only writes its deadline (a number); a sweep
 * ends those past it. A timeout fires up to one tick late, and the tick is a
 * quarter of the shortest timeout in use (at most a second), so the error stays
 * within 25 %. The timer runs only while there are sessions, and never keeps
 * the process alive.
 */
class IdleClock {
  private readonly members = new Set<Expiring>();
  private timer: NodeJS.Timeout | undefined;
  private tickMs = MAX_TICK_MS;

  /** Watches `member`, whose timeouts are at least `shortestMs`. */
  add(member: Expiring, shortestMs: number): void {
    this.members.add(member);
    const tick = Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, Math.floor(shortestMs / 4)));
    if (this.timer && tick >= this.tickMs) return;
    this.tickMs = Math.min(this.tickMs, tick);
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.sweep(), this.tickMs);
    this.timer.unref();
  }

  delete(member: Expiring): void {
    this.members.delete(member);
    if (this.members.size > 0 || !this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.tickMs = MAX_TICK_MS;
  }

  private sweep(): void {
    const now = Date.now();
    for (const member of this.members) {
      if (member.deadline <= now) member[EXPIRE]();
    }
  }
}

/** The process-wide clock (every server's sessions share it). */
export const idleClock = new IdleClock();
