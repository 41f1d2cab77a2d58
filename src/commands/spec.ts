import type { Permission } from '../auth/types.js';
import type { FtpUser } from '../auth/types.js';
import type { Session } from '../session/session.js';

export interface CommandContext {
  session: Session;
  /** Canonical name of the command (MKD for XMKD). */
  command: string;
  /** The verb as the client typed it, upper-cased. */
  verb: string;
  /** Everything after the verb and its separating space ("" when absent). */
  argument: string;
  /** The argument resolved to a jailed virtual path (commands with `path`), else "". */
  path: string;
}

/**
 * One command: everything dispatch needs to check before the handler runs, so
 * handlers only do their own work and aliases can never bypass a check.
 */
export interface CommandSpec {
  name: string;
  /** Other verbs for the same command (RFC 775 X-commands...). */
  aliases?: readonly string[];
  /** Runs before login (default false: 530 until logged in). */
  beforeLogin?: boolean;
  argument: 'required' | 'optional' | 'none';
  /**
   * The argument (or part of it) is a path: dispatch resolves and jails it into
   * `ctx.path`. A function picks the path out of the argument (LIST flags);
   * an empty result means the working directory.
   */
  path?: true | ((argument: string) => string);
  /** Checked on `ctx.path` (or the working directory) before the handler runs. */
  permission?: Permission;
  /** May run while a transfer is in progress (ABOR, STAT, QUIT, NOOP). */
  duringTransfer?: boolean;
  /** Allowed on a plain control connection even when TLS is required (AUTH, FEAT...). */
  beforeTls?: boolean;
  /** Opens a data connection (RETR, STOR, LIST...): the TLS data policy (PROT P required) applies. */
  dataConnection?: boolean;
  /** Keeps a pending RNFR (only RNTO does). */
  keepsRename?: boolean;
  /** FEAT line(s) when enabled, without the leading space. */
  feat?: string | ((session: Session) => string | readonly string[] | undefined);
  /** Syntax for HELP. */
  help: string;
  /** Whether the command exists for this session (optional filesystem methods, options). */
  enabled?: (session: Session) => boolean;
  /** Left out of HELP's list (obsolete commands that only answer 502). */
  hidden?: boolean;
  /** Handles `OPTS <this command> <value>` (RFC 2389): OPTS HASH, OPTS MODE... */
  opts?: (ctx: CommandContext, value: string) => void | Promise<void>;
  handler(ctx: CommandContext): void | Promise<void>;
}

/** Helps commands to be declared with checked types. */
export function command(spec: CommandSpec): CommandSpec {
  return spec;
}
