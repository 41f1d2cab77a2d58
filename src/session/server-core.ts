import type { FtpUser } from '../auth/types.js';
import type { CommandSpec } from '../commands/spec.js';
import type { CommandTable } from '../commands/table.js';
import type { PassivePortPool } from '../data/port-pool.js';
import type { Throttle } from '../data/byte-counter.js';
import type { FtpServerEvents, GuardedEmitter, LoginFailureReason, TransferDirection } from '../events.js';
import type { LimitRegistry } from '../limits/registry.js';
import type { FileSystem } from '../fs/types.js';
import type { HookRunner } from '../hooks.js';
import type { Log } from '../logger.js';
import type { ResolvedOptions } from '../options.js';
import type { Session } from './session.js';

/**
 * What a session needs from its server. An interface rather than the class, so
 * sessions, commands and the data path do not depend on `FtpServer` itself.
 */
export interface ServerCore {
  readonly options: ResolvedOptions;
  readonly events: GuardedEmitter<FtpServerEvents>;
  readonly hooks: HookRunner;
  readonly commands: CommandTable;
  /** SITE subcommands (SITE HELP, CHMOD... and the host's own). */
  readonly siteCommands: CommandTable;
  readonly log: Log;
  readonly passivePorts: PassivePortPool;
  /** Sessions open now. */
  readonly sessionCount: number;
  /** True while the server is shutting down: no new logins. */
  readonly draining: boolean;
  /**
   * Extra refusal rule run by dispatch before path checks (TLS policy): a reply
   * to refuse the command with, or undefined to let it run.
   */
  commandPolicy?(session: Session, spec: CommandSpec, argument: string): { code: number; message: string } | undefined;
  reportError(error: unknown, session?: Session): void;
  /** Keeps a storage or hook call that may outlive its reply, for close() to wait on. */
  track?(work: Promise<unknown>): void;
  /** Every session event goes through here: stats, diagnostics channels, listeners. */
  observe<K extends keyof FtpServerEvents>(session: Session, event: K, fields: object): void;
  sessionClosed(session: Session, reason: string): void;
  /** The storage of a user who just authenticated (user's own, factory, or root). */
  filesystemFor(user: FtpUser, session: Session): Promise<FileSystem | undefined>;
  /** Rate buckets and quota ledgers, per user and server-wide. */
  readonly limits: LimitRegistry;
  /** How many bytes one more upload may still add for this user (maximum file size, quota left). */
  uploadLimit(session: Session, path: string): Promise<{ bytes: number; kind: 'quota-exceeded' | 'no-space' }>;
  /** The rate limit of a transfer (user and server buckets), or undefined. */
  throttleFor(session: Session, direction: TransferDirection): Throttle | undefined;
  /** After a refused login: throttling (delay, lockout, 421) lives here. */
  loginFailed(session: Session, username: string, reason: LoginFailureReason): Promise<void>;
  /** Whether a login may be tried now (lockouts); false fails it as 'throttled' without asking the host. */
  loginAllowed?(session: Session, username: string): boolean;
  /** Counts each received command line (anti-flood): a 421 text closes the session. */
  commandReceived?(session: Session): string | undefined;
  /** Last word on an authenticated user (session limits, addresses, TLS): a refusal, or undefined. */
  admit(session: Session, user: FtpUser): LoginRefusal | undefined;
  sessionLoggedIn(session: Session, user: FtpUser): void;
  sessionLoggedOut(session: Session, user: FtpUser): void;
}

/** Why an authenticated user is not let in (PASS answers with it). */
export interface LoginRefusal {
  code: number;
  message: string;
  /** Close the connection after the reply. */
  close: boolean;
  /**
   * Handle it exactly like a wrong password (the login delay, counted toward
   * lockouts), so the refusal cannot tell an attacker the password was right.
   */
  failedLogin?: boolean;
}
