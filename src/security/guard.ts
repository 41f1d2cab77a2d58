import type { FtpUser } from '../auth/types.js';
import type { LoginFailureReason } from '../events.js';
import { canonicalAddress } from '../net/address.js';
import { AddressList } from '../net/cidr.js';
import type { MessageKey } from '../protocol/messages.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { LoginRefusal } from '../session/server-core.js';
import type { Session } from '../session/session.js';
import { LoginThrottle } from './login-throttle.js';
import type { ResolvedSecurityOptions } from './options.js';

/** A token bucket: `rate` tokens a second, never more than `rate` saved up. */
interface Bucket {
  tokens: number;
  at: number;
}

/**
 * The server's defences in one place, called from its extension points:
 * connection admission (limits, bans, lockouts), each received command
 * (anti-flood), each login attempt (throttle) and each authenticated user
 * (allowed addresses). State is per server and bounded in size.
 */
export class SecurityGuard {
  readonly throttle: LoginThrottle;
  private readonly open = new Map<string, number>();
  private readonly bans = new Map<string, number>();
  private readonly buckets = new WeakMap<Session, Bucket>();

  constructor(
    private readonly options: ResolvedSecurityOptions,
    private readonly text: (key: MessageKey) => string,
    private readonly reportError: (error: unknown, session: Session) => void,
  ) {
    this.throttle = new LoginThrottle(options.loginThrottle);
  }

  /**
   * A new connection: the 421 text to refuse it with, or undefined when it is
   * admitted (and counted until `connectionClosed`).
   */
  admitConnection(remoteAddress: string | undefined, openSessions: number): string | undefined {
    const address = canonicalAddress(remoteAddress);
    const { maxConnections, maxConnectionsPerAddress } = this.options.limits;
    if (this.banned(address)) return this.text('addressBanned');
    if (this.throttle.addressLocked(address)) return this.text('addressLockedOut');
    if (openSessions >= maxConnections) return this.text('tooManyConnections');
    const fromAddress = this.open.get(address) ?? 0;
    if (fromAddress >= maxConnectionsPerAddress) return this.text('tooManyConnectionsFromAddress');
    this.open.set(address, fromAddress + 1);
    return undefined;
  }

  connectionClosed(remoteAddress: string): void {
    const address = canonicalAddress(remoteAddress);
    const count = (this.open.get(address) ?? 1) - 1;
    if (count <= 0) this.open.delete(address);
    else this.open.set(address, count);
  }

  /** Counts a command line; returns the 421 text when the session floods (its address is then banned). */
  commandReceived(session: Session): string | undefined {
    const { commandsPerSecond, afterLogin, banDuration } = this.options.antiFlood;
    if (commandsPerSecond === Infinity || (session.user && !afterLogin)) return undefined;
    const now = performance.now();
    const bucket = this.buckets.get(session) ?? { tokens: commandsPerSecond, at: now };
    bucket.tokens = Math.min(commandsPerSecond, bucket.tokens + ((now - bucket.at) / 1000) * commandsPerSecond);
    bucket.at = now;
    this.buckets.set(session, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    this.ban(canonicalAddress(session.remoteAddress), banDuration);
    session.log.warn('session', 'command flood: address banned', { address: session.remoteAddress, ms: banDuration });
    return session.t('flooding');
  }

  /** Whether a login may be tried (no lockout of the address or the name). */
  loginAllowed(session: Session, username: string): boolean {
    return this.throttle.allows(session.remoteAddress, username);
  }

  /** After a refused login: count, wait, and close the connection once its attempts are used up. */
  async loginFailed(session: Session, username: string, reason: LoginFailureReason): Promise<void> {
    const exhausted = await this.throttle.failed(session, username, reason);
    if (exhausted && !session.closed) {
      session.say(ReplyCode.ServiceNotAvailable, 'tooManyLoginAttempts');
      session.end('too many failed logins');
    }
  }

  loggedIn(session: Session): void {
    if (session.username !== undefined) this.throttle.succeeded(session.username);
  }

  /**
   * Last word on an authenticated user: their `allowedAddresses`. The refusal
   * looks exactly like a wrong password (same code, text and delay), so a
   * password cannot be confirmed from an address that may not use it.
   */
  admit(session: Session, user: FtpUser): LoginRefusal | undefined {
    if (user.allowedAddresses === undefined) return undefined;
    const list = new AddressList(user.allowedAddresses);
    if (list.invalid.length > 0) {
      this.reportError(new Error(`allowedAddresses of ${user.username}: entries ignored: ${list.invalid.join(', ')}`), session);
    }
    if (list.includes(session.remoteAddress)) return undefined;
    session.log.info('auth', 'login refused from an address not allowed for the user', { user: user.username, address: session.remoteAddress });
    return { code: ReplyCode.NotLoggedIn, message: session.t('loginFailed'), close: false, failedLogin: true };
  }

  private banned(address: string): boolean {
    const until = this.bans.get(address);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.bans.delete(address);
    return false;
  }

  private ban(address: string, ms: number): void {
    const now = Date.now();
    if (this.bans.size >= 10_000) {
      for (const [key, until] of this.bans) if (until <= now) this.bans.delete(key);
    }
    this.bans.set(address, now + ms);
  }
}
