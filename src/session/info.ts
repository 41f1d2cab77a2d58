import type { FtpUser } from '../auth/types.js';
import type { AbortReason, TransferDirection } from '../events.js';

/**
 * What hooks, events, auth and storage see of a session: identity, addresses,
 * user and security state. Read-only; host control is `FtpSession`.
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

/** A transfer in progress, as the host sees it. */
export interface TransferStatus {
  readonly direction: TransferDirection;
  /** RETR, STOR, APPE, STOU, LIST, NLST or MLSD. */
  readonly command: string;
  /** Virtual path of the file or listed directory. */
  readonly path: string;
  /** Restart offset (REST) the transfer began at. */
  readonly offset: number;
  /** Bytes moved so far. */
  readonly bytes: number;
  /** `Date.now()` when the transfer began. */
  readonly startedAt: number;
}

/**
 * A session as the host holds it (`server.sessions`, every event and hook):
 * everything in `SessionInfo`, plus control.
 */
export interface FtpSession<U extends FtpUser = FtpUser> extends SessionInfo<U> {
  /** The transfer in progress, if any. */
  readonly activeTransfer: TransferStatus | undefined;
  /** True once the session is ending or ended. */
  readonly closed: boolean;
  /**
   * Closes the session. With a message, the client gets that reply first (421
   * unless `code` says otherwise); a running transfer is aborted (reason "host").
   */
  close(message?: string, code?: number): void;
  /** Stops the running transfer: the client gets 426. False when nothing was running. */
  abortTransfer(reason?: AbortReason): boolean;
}
