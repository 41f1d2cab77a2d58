import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoginFailureReason } from '../events.js';
import { canonicalAddress } from '../net/address.js';
import type { Session } from '../session/session.js';
import { FailureLog } from './failure-log.js';
import type { ResolvedSecurityOptions } from './options.js';

/** Failures that say nothing about the credentials and must not lock anyone out. */
const NOT_COUNTED: ReadonlySet<LoginFailureReason> = new Set(['throttled', 'no-storage']);

/**
 * Brute-force defence (RFC 2577 section 5): every failed login waits before its
 * reply, a connection gets a few attempts before 421, and an address or a user
 * name with too many recent failures is locked out for a while. The delay is a
 * timer on the failing session only, so the rest of the server keeps serving;
 * commands a client pipelines behind a failed PASS wait their turn, so the
 * delay cannot be skipped.
 */
export class LoginThrottle {
  private readonly byAddress: FailureLog;
  private readonly byUser: FailureLog;
  private readonly attempts = new WeakMap<Session, number>();

  constructor(private readonly options: ResolvedSecurityOptions['loginThrottle']) {
    const { perAddress, perUser, window, duration } = options.lockout;
    this.byAddress = new FailureLog(perAddress, window, duration);
    this.byUser = new FailureLog(perUser, window, duration);
  }

  /** Whether the address is locked out (new connections are refused). */
  addressLocked(address: string): boolean {
    return this.byAddress.isLocked(canonicalAddress(address));
  }

  /** Whether a login may be tried now: neither the address nor the name is locked out. */
  allows(address: string, username: string): boolean {
    return !this.addressLocked(address) && !this.byUser.isLocked(userKey(username));
  }

  /**
   * Records a failed login and waits the delay (cut short if the session ends).
   * Returns true when this connection has used up its attempts.
   */
  async failed(session: Session, username: string, reason: LoginFailureReason): Promise<boolean> {
    if (!NOT_COUNTED.has(reason)) {
      this.byAddress.record(canonicalAddress(session.remoteAddress));
      this.byUser.record(userKey(username));
    }
    const attempts = (this.attempts.get(session) ?? 0) + 1;
    this.attempts.set(session, attempts);
    if (this.options.delay > 0 && !session.closed) {
      await sleep(this.options.delay, undefined, { signal: session.signal }).catch(() => undefined);
    }
    return attempts >= this.options.maxAttempts;
  }

  /** A successful login clears the name's failures (never the address's: one good account must not reset a scan). */
  succeeded(username: string): void {
    this.byUser.clear(userKey(username));
  }
}

/**
 * Names are compared case-insensitively, so "Admin" and "admin" share one count.
 * Long names are kept as a digest: made-up 4 KB names must not fill memory.
 */
function userKey(username: string): string {
  const name = username.toLowerCase();
  return name.length <= 64 ? name : 'sha256:' + createHash('sha256').update(name).digest('base64');
}
