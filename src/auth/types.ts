import type { PeerCertificate } from 'node:tls';
import type { FileSystem } from '../fs/types.js';
import type { SessionInfo } from '../session/info.js';

/** Everything a user may be allowed to do; commands and their aliases map onto these. */
export type Permission =
  | 'list'
  | 'read'
  | 'write'
  | 'append'
  | 'delete'
  | 'rename'
  | 'mkdir'
  | 'rmdir'
  | 'chmod'
  | 'set-time';

export const ALL_PERMISSIONS: readonly Permission[] = [
  'list',
  'read',
  'write',
  'append',
  'delete',
  'rename',
  'mkdir',
  'rmdir',
  'chmod',
  'set-time',
];

export const READ_ONLY_PERMISSIONS: readonly Permission[] = ['list', 'read'];

/** A rule for a part of the tree: the most specific matching rule wins. */
export interface PathRule {
  /** Virtual path the rule applies to ("/private"). */
  path: string;
  allow?: readonly Permission[];
  deny?: readonly Permission[];
  /**
   * true (default): `path` and everything below it. false: `path` and the
   * entries directly in it, not deeper (a rule for one folder's files).
   */
  recursive?: boolean;
}

/**
 * Limits the server enforces for one user, while bytes stream. Unset fields
 * fall back to the server's `userLimits` option.
 */
export interface UserLimits {
  /** Largest file an upload may produce, in bytes (552 as soon as an upload crosses it). */
  maxFileSize?: number;
  /**
   * Bytes the user's whole tree may hold (the filesystem's `usedSpace`, or a
   * walk of the tree); an upload that would cross it is stopped with 552.
   */
  quotaBytes?: number;
  /** Upload rate in bytes per second, shared by all of this user's sessions. */
  uploadRate?: number;
  /** Download rate in bytes per second, shared by all of this user's sessions. */
  downloadRate?: number;
  /** Sessions logged in as this user at once; one more gets 530 at PASS. */
  maxSessions?: number;
}

/**
 * A logged-in user. Hosts may extend it with their own fields (the server is
 * generic in the user type) and they come back typed in events and hooks.
 */
export interface FtpUser {
  username: string;
  /** A local directory that becomes this user's "/" (ignored when `filesystem` is set). */
  root?: string;
  /** This user's storage; defaults to the server's `filesystem` or a LocalFileSystem on `root`. */
  filesystem?: FileSystem;
  /** Initial working directory, a virtual path (default "/"). */
  home?: string;
  /** What the user may do: a list, or the shorthands 'all' / 'read-only' (default 'all'). */
  permissions?: readonly Permission[] | 'all' | 'read-only';
  /** Per-path exceptions to `permissions`. */
  rules?: readonly PathRule[];
  limits?: UserLimits;
  /** Require TLS on the control and data connections for this user. */
  requireTls?: boolean;
  /** Addresses or CIDR ranges this user may log in from. */
  allowedAddresses?: readonly string[];
  /** Shown in the 230 reply. */
  loginMessage?: string;
  /** Shown in the 221 reply. */
  quitMessage?: string;
  anonymous?: boolean;
}

export interface AuthRequest {
  username: string;
  password: string;
  /** The client's TLS certificate, when it presented one (`tls.clientCertificates`). */
  certificate?: PeerCertificate | undefined;
  /**
   * True when `certificate` chains to the server's `tls.ca`. An unverified
   * certificate can still be trusted by pinning its `fingerprint256`.
   */
  certificateAuthorized?: boolean;
  session: SessionInfo;
  /** Fires when the session ends or the auth time limit passes. */
  signal: AbortSignal;
}

/**
 * Decides who logs in. Return the user, or null to refuse (the client sees the
 * same 530 for an unknown user and a bad password). Throwing is a clean 530 too.
 */
export type Authenticate<U extends FtpUser = FtpUser> = (request: AuthRequest) => Promise<U | null | undefined> | U | null | undefined;
