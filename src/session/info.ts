import type { FtpUser } from '../auth/types.js';

/**
 * What hooks, events, auth and storage see of a session: identity, addresses,
 * user and security state. Read-only; host control lives on `Session` itself.
 */
export interface SessionInfo<U extends FtpUser = FtpUser> {
  /** Unique per server, short, safe to log. */
  readonly id: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** The logged-in user, once PASS succeeded. */
  readonly user: U | undefined;
  /** The name sent with USER (also before login succeeds). */
  readonly username: string | undefined;
  /** True once the control connection is protected by TLS. */
  readonly secure: boolean;
  /** True when data connections are protected (PROT P). */
  readonly protectedData: boolean;
  /** What the client announced with CLNT, if anything. */
  readonly clientName: string | undefined;
  /** The virtual host selected with HOST, if any. */
  readonly virtualHost: string | undefined;
  readonly startedAt: Date;
}
