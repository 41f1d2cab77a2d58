import { isIP } from 'node:net';
import type { Authenticate, FtpUser, UserLimits } from './auth/types.js';
import { resolveExtensionOptions, type ExtensionOptions, type ResolvedExtensionOptions } from './extension-options.js';
import type { LocalFileSystemOptions } from './fs/local.js';
import type { FileSystem } from './fs/types.js';
import type { HookOptions } from './hooks.js';
import { checkUserLimits, resolveLimitOptions, type BandwidthOptions, type ProgressOptions, type ResolvedLimitOptions } from './limits/options.js';
import type { Logger } from './logger.js';
import type { Messages } from './protocol/messages.js';
import type { SessionInfo } from './session/info.js';
import { resolveSecurityOptions, type AntiFloodOptions, type ConnectionLimitOptions, type LoginThrottleOptions, type ResolvedSecurityOptions } from './security/options.js';
import { resolveTlsOptions, type FtpTlsOptions, type ResolvedTlsOptions } from './tls/options.js';

/** A user the server checks itself (the `users` option and `--user`). */
export interface StaticUser extends FtpUser {
  password: string;
}

export interface AnonymousOptions {
  /** Local directory served to anonymous users (default: the server's `root`). */
  root?: string;
  /** Storage for anonymous users (default: the server's filesystem). */
  filesystem?: FileSystem;
  /** Let anonymous users change files (default false: read-only). */
  writable?: boolean;
}

export type FileSystemFactory<U extends FtpUser = FtpUser> = (user: U, session: SessionInfo<U>) => FileSystem | Promise<FileSystem>;

export interface PassiveOptions {
  /** Ports for passive data connections, "50000-50100" or {min, max}; default: any free port. */
  portRange?: string | { min: number; max: number };
  /**
   * Address announced in PASV replies (the address clients must connect to):
   * an IPv4 address, a host name (resolved at each PASV), or a function of the
   * session (NAT, Docker). Default: the address the client reached.
   */
  address?: string | ((session: SessionInfo) => string | Promise<string>);
  /** Accept data connections from any address, not only the control connection's (default false). */
  allowAnyAddress?: boolean;
}

export interface ActiveOptions {
  /** Allow PORT/EPRT (default true). */
  enabled?: boolean;
  /** Allow data connections to addresses other than the client's (FTP bounce; default false). */
  allowAnyAddress?: boolean;
  /** Allow data connections to ports below 1024 (default false). */
  allowLowPorts?: boolean;
}

export interface TimeoutOptions {
  /** Time to log in after connecting (ms, default 60 s). */
  login?: number;
  /** Time without a command before the session is closed (ms, default 300 s; never during a moving transfer). */
  idle?: number;
  /** Time for the client to open the data connection (ms, default 30 s). */
  dataConnection?: number;
  /** Time a transfer may move no bytes before it is aborted (ms, default 120 s). */
  stalledTransfer?: number;
  /** Time limit for the authenticate hook (ms, default 15 s). */
  auth?: number;
  /** Time limit for each host hook (ms, default 15 s). */
  hook?: number;
}

export interface FtpServerOptions<U extends FtpUser = FtpUser> extends ExtensionOptions<U> {
  /** Address to listen on (default "127.0.0.1"). */
  host?: string;
  /** Port to listen on (default 2121; 0 picks a free one). */
  port?: number;
  /** Decides who logs in. Without it, `users` and `anonymous` decide. */
  authenticate?: Authenticate<U>;
  /** Fixed users with plain-text passwords, checked in constant time. Read once (changing users belong in `authenticate`). */
  users?: readonly StaticUser[];
  /** Allow anonymous login (USER anonymous / ftp), read-only unless `writable`. */
  anonymous?: boolean | AnonymousOptions;
  /** Storage for every user, or a factory per user. */
  filesystem?: FileSystem | FileSystemFactory<U>;
  /** Local directory served when neither the user nor `filesystem` say otherwise. */
  root?: string;
  /** Options of the LocalFileSystem made for `root` and for users' roots (atomic uploads...). */
  localFileSystem?: LocalFileSystemOptions;
  /** Refuse every change to storage, for every user. */
  readOnly?: boolean;
  /** Text of the 220 greeting (a string, or lines). */
  greeting?: string | readonly string[];
  passive?: PassiveOptions;
  active?: ActiveOptions;
  timeouts?: TimeoutOptions;
  /** Longest command line accepted, in bytes (default 4096). */
  maxLineLength?: number;
  /** Reply texts to replace: by message name, or by reply code for the stock texts. */
  messages?: Messages;
  /** Extra languages for LANG: language tag → messages. */
  languages?: Readonly<Record<string, Messages>>;
  /** A pino-compatible logger; `debug` namespaces (`ftpkit:*`) are used either way. */
  logger?: Logger;
  /** A FileZilla-style transcript of every session: true for stdout, or a function per line. */
  transcript?: boolean | ((line: string) => void);
  /** Hooks that decide: onConnect, preCommand, postCommand, beforeUploadCommit, onDisconnect. */
  hooks?: HookOptions<U>;
  /** Limits for every user; a user's own `limits` override them field by field. */
  userLimits?: UserLimits;
  /** Server-wide upload and download rates, shared by all sessions. */
  bandwidth?: BandwidthOptions;
  /** How often `transferProgress` events fire. */
  progress?: ProgressOptions;
  /** Total and per-address connection limits (docs/security.md). */
  limits?: ConnectionLimitOptions;
  /** Delay after a failed login, attempts per connection, lockouts (false: off). */
  loginThrottle?: LoginThrottleOptions | false;
  /** Commands-per-second limit with a temporary ban (false: off). */
  antiFlood?: AntiFloodOptions | false;
  /** Name ftpkit and its version in the default 220 greeting (default false). */
  greetingVersion?: boolean;
  /** FTPS: certificate and policy. Enables AUTH TLS on `listen()` ports and `listenImplicitTls()`. */
  tls?: FtpTlsOptions;
}

export interface ResolvedOptions<U extends FtpUser = FtpUser> extends ResolvedExtensionOptions<U>, ResolvedSecurityOptions {
  host: string;
  port: number;
  authenticate: Authenticate<U> | undefined;
  users: readonly StaticUser[];
  anonymous: AnonymousOptions | undefined;
  filesystem: FileSystem | FileSystemFactory<U> | undefined;
  root: string | undefined;
  localFileSystem: LocalFileSystemOptions;
  readOnly: boolean;
  greeting: string | readonly string[] | undefined;
  passive: {
    portRange: { min: number; max: number } | undefined;
    address: PassiveOptions['address'];
    allowAnyAddress: boolean;
  };
  active: Required<ActiveOptions>;
  timeouts: Required<TimeoutOptions>;
  maxLineLength: number;
  messages: Messages;
  languages: Readonly<Record<string, Messages>>;
  logger: Logger | undefined;
  transcript: FtpServerOptions['transcript'];
  hooks: HookOptions<U>;
  userLimits: ResolvedLimitOptions['userLimits'];
  bandwidth: ResolvedLimitOptions['bandwidth'];
  progress: ResolvedLimitOptions['progress'];
  tls: ResolvedTlsOptions | undefined;
}

/** Thrown by the constructor with every problem found in the options at once. */
export class FtpOptionsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid ftpkit options:\n- ${problems.join('\n- ')}`);
    this.name = 'FtpOptionsError';
  }
}

const second = 1000;

export function resolveOptions<U extends FtpUser>(options: FtpServerOptions<U>): ResolvedOptions<U> {
  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const isPort = (n: unknown, allowZero = true) => Number.isInteger(n) && (n as number) >= (allowZero ? 0 : 1) && (n as number) <= 65535;
  const positive = (name: string, n: number | undefined) => check(n === undefined || (Number.isFinite(n) && n > 0), `${name} must be a positive number of milliseconds`);

  check(options.port === undefined || isPort(options.port), 'port must be an integer from 0 to 65535');
  check(options.host === undefined || typeof options.host === 'string', 'host must be a string');
  check(options.authenticate === undefined || typeof options.authenticate === 'function', 'authenticate must be a function');
  for (const [i, user] of (options.users ?? []).entries()) {
    check(typeof user?.username === 'string' && user.username.length > 0, `users[${i}].username must be a non-empty string`);
    check(typeof user?.password === 'string', `users[${i}].password must be a string`);
    checkUserLimits(user?.limits, `users[${i}].limits`, problems);
  }
  const hasStorage = options.filesystem !== undefined || options.root !== undefined;
  const usersHaveStorage = (options.users ?? []).every((u) => u.filesystem !== undefined || u.root !== undefined);
  const hasVirtualHosts = (options.virtualHosts ?? []).length > 0;
  check(
    hasStorage || hasVirtualHosts || options.authenticate !== undefined || ((options.users ?? []).length > 0 && usersHaveStorage),
    'set root or filesystem (or give every user a root or filesystem)',
  );
  check(
    options.authenticate !== undefined || (options.users ?? []).length > 0 || Boolean(options.anonymous) || hasVirtualHosts,
    'nobody can log in: set authenticate, users or anonymous',
  );
  const portRange = parsePortRange(options.passive?.portRange, problems);
  const address = options.passive?.address;
  check(
    address === undefined || typeof address === 'function' || (typeof address === 'string' && address.length > 0 && isIP(address) !== 6),
    'passive.address must be an IPv4 address, a host name or a function',
  );
  const t = options.timeouts ?? {};
  for (const key of ['login', 'idle', 'dataConnection', 'stalledTransfer', 'auth', 'hook'] as const) positive(`timeouts.${key}`, t[key]);
  check(
    options.maxLineLength === undefined || (Number.isInteger(options.maxLineLength) && options.maxLineLength >= 512),
    'maxLineLength must be an integer of at least 512',
  );
  // Texts end up on the wire from timers and error paths: a non-string would throw there.
  const texts = [options.messages, ...Object.values(options.languages ?? {})];
  check(
    texts.every((m) => m === undefined || (typeof m === 'object' && m !== null && Object.values(m).every((v) => v === undefined || typeof v === 'string'))),
    'messages and languages must map names or codes to strings',
  );
  const greeting = options.greeting as unknown;
  check(
    greeting === undefined || typeof greeting === 'string' || (Array.isArray(greeting) && greeting.every((line) => typeof line === 'string')),
    'greeting must be a string or a list of lines',
  );
  const limits = resolveLimitOptions(options, problems);
  const security = resolveSecurityOptions(options, problems);
  const extensions = resolveExtensionOptions(options, problems);
  const tls = resolveTlsOptions(options.tls, problems);
  const local = options.localFileSystem ?? {};
  check(local.atomicUploads === undefined || typeof local.atomicUploads === 'boolean', 'localFileSystem.atomicUploads must be true or false');
  for (const key of ['chunkSize', 'statConcurrency'] as const) {
    check(local[key] === undefined || (Number.isInteger(local[key]) && local[key] > 0), `localFileSystem.${key} must be a positive integer`);
  }
  if (problems.length > 0) throw new FtpOptionsError(problems);

  const anonymous = options.anonymous === true ? {} : options.anonymous || undefined;
  return {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 2121,
    authenticate: options.authenticate,
    users: options.users ?? [],
    anonymous,
    filesystem: options.filesystem,
    root: options.root,
    localFileSystem: options.localFileSystem ?? {},
    readOnly: options.readOnly ?? false,
    greeting: options.greeting,
    passive: { portRange, address, allowAnyAddress: options.passive?.allowAnyAddress ?? false },
    active: {
      enabled: options.active?.enabled ?? true,
      allowAnyAddress: options.active?.allowAnyAddress ?? false,
      allowLowPorts: options.active?.allowLowPorts ?? false,
    },
    timeouts: {
      login: t.login ?? 60 * second,
      idle: t.idle ?? 300 * second,
      dataConnection: t.dataConnection ?? 30 * second,
      stalledTransfer: t.stalledTransfer ?? 120 * second,
      auth: t.auth ?? 15 * second,
      hook: t.hook ?? 15 * second,
    },
    maxLineLength: options.maxLineLength ?? 4096,
    messages: options.messages ?? {},
    languages: options.languages ?? {},
    logger: options.logger,
    transcript: options.transcript,
    hooks: options.hooks ?? {},
    ...limits,
    ...security,
    ...extensions,
    tls,
  };
}

function parsePortRange(range: PassiveOptions['portRange'], problems: string[]): { min: number; max: number } | undefined {
  if (range === undefined) return undefined;
  let min: number;
  let max: number;
  if (typeof range === 'string') {
    const match = /^(\d+)\s*-\s*(\d+)$/.exec(range.trim());
    min = Number(match?.[1]);
    max = Number(match?.[2]);
  } else {
    ({ min, max } = range);
  }
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1024 || max > 65535 || min > max) {
    problems.push('passive.portRange must be "MIN-MAX" with 1024 <= MIN <= MAX <= 65535');
    return undefined;
  }
  return { min, max };
}
