import type { Authenticate, FtpUser } from './auth/types.js';
import type { FileSystem, HashAlgorithm } from './fs/types.js';
import type { AnonymousOptions, FileSystemFactory, StaticUser } from './options.js';

/**
 * A virtual host (RFC 7151): a name a client selects with `HOST` before it logs
 * in. Whatever a host leaves out is taken from the server's own options, so
 * `{ name: 'b.example', root: '/srv/b' }` serves another tree to the same users.
 */
export interface VirtualHost<U extends FtpUser = FtpUser> {
  /** The host name clients send with HOST (case-insensitive). */
  name: string;
  /** More names (or address literals such as `[::1]`) for the same host. */
  aliases?: readonly string[];
  /** The 220 reply to HOST: this host's greeting. */
  greeting?: string | readonly string[];
  /** This host's own logins (instead of the server's `users`). */
  users?: readonly StaticUser[];
  /** This host's own authentication (instead of the server's). */
  authenticate?: Authenticate<U>;
  /** Anonymous login on this host (default: the server's setting). */
  anonymous?: boolean | AnonymousOptions;
  /** Local directory this host serves (instead of the server's root or filesystem). */
  root?: string;
  /** Storage of this host (instead of the server's). */
  filesystem?: FileSystem | FileSystemFactory<U>;
}

export interface HashFeatureOptions {
  /** Algorithms offered by HASH / OPTS HASH (default: all of SHA-1, SHA-256, SHA-512, MD5, CRC32). */
  algorithms?: readonly HashAlgorithm[];
  /** Algorithm selected when a session starts (default SHA-256). */
  default?: HashAlgorithm;
  /** Largest range one hash may cover, in bytes; beyond it the reply is 556 (default: no limit). */
  maxBytes?: number;
  /** Hashes computed at once by the whole server; more are answered 450 (default 4). */
  concurrency?: number;
}

export interface ModeZOptions {
  /** zlib level for downloads and listings, 0-9 (default 6; OPTS MODE Z LEVEL n changes it per session). */
  level?: number;
}

/** Options of the protocol extensions (issue "every extension"), flattened into FtpServerOptions. */
export interface ExtensionOptions<U extends FtpUser = FtpUser> {
  /** Virtual hosts selected with HOST (RFC 7151). Without any, HOST is not offered. */
  virtualHosts?: readonly VirtualHost<U>[];
  /**
   * Commands to switch off by name (e.g. `['HASH', 'SITE CHMOD']`): they answer
   * 502 and leave FEAT and HELP. Aliases go with their command (MKD takes XMKD
   * along); `SITE X` switches off one SITE subcommand.
   */
  disabledCommands?: readonly string[];
  /** MODE Z: deflate-compressed transfers and listings (default on). */
  modeZ?: boolean | ModeZOptions;
  /** HASH, XCRC, XMD5, XSHA1, XSHA256, XSHA512 (default on). */
  hash?: boolean | HashFeatureOptions;
  /**
   * `MDTM YYYYMMDDHHMMSS path` sets the modification time (an old convention)
   * instead of being answered 501 (default false; MFMT is the standard way).
   */
  mdtmSetsTime?: boolean;
}

export const HASH_ALGORITHMS: readonly HashAlgorithm[] = ['SHA-1', 'SHA-256', 'SHA-512', 'MD5', 'CRC32'];

export interface ResolvedExtensionOptions<U extends FtpUser = FtpUser> {
  /** Every name and alias (lower-cased) → its host. */
  virtualHosts: ReadonlyMap<string, VirtualHost<U>>;
  disabledCommands: ReadonlySet<string>;
  modeZ: { enabled: boolean; level: number };
  hash: { enabled: boolean; algorithms: readonly HashAlgorithm[]; default: HashAlgorithm; maxBytes: number; concurrency: number };
  mdtmSetsTime: boolean;
}

/** Host names are compared without case, and `[::1]` is the same host as `::1`. */
export function hostKey(name: string): string {
  const trimmed = name.trim().toLowerCase();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
}

export function resolveExtensionOptions<U extends FtpUser>(options: ExtensionOptions<U>, problems: string[]): ResolvedExtensionOptions<U> {
  const check = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const virtualHosts = new Map<string, VirtualHost<U>>();
  for (const [i, host] of (options.virtualHosts ?? []).entries()) {
    const names = [host?.name, ...(host?.aliases ?? [])];
    for (const name of names) {
      if (typeof name !== 'string' || !/^[\w.:\-[\]]+$/.test(name.trim())) {
        problems.push(`virtualHosts[${i}]: "${String(name)}" is not a host name`);
        continue;
      }
      check(!virtualHosts.has(hostKey(name)), `virtualHosts[${i}]: ${name} is named twice`);
      virtualHosts.set(hostKey(name), host);
    }
    for (const [j, user] of (host?.users ?? []).entries()) {
      check(typeof user?.username === 'string' && user.username.length > 0, `virtualHosts[${i}].users[${j}].username must be a non-empty string`);
      check(typeof user?.password === 'string', `virtualHosts[${i}].users[${j}].password must be a string`);
    }
    check(host?.authenticate === undefined || typeof host.authenticate === 'function', `virtualHosts[${i}].authenticate must be a function`);
  }

  const disabledCommands = new Set<string>();
  for (const name of options.disabledCommands ?? []) {
    const normalized = typeof name === 'string' ? name.trim().replace(/\s+/g, ' ').toUpperCase() : '';
    if (/^[A-Z][A-Z0-9]{1,15}( [A-Z][A-Z0-9]{1,15})?$/.test(normalized)) disabledCommands.add(normalized);
    else problems.push(`disabledCommands: "${String(name)}" is not a command name`);
  }

  const z = typeof options.modeZ === 'object' ? options.modeZ : {};
  const level = z.level ?? 6;
  check(Number.isInteger(level) && level >= 0 && level <= 9, 'modeZ.level must be an integer from 0 to 9');

  const h = typeof options.hash === 'object' ? options.hash : {};
  const algorithms = h.algorithms ?? HASH_ALGORITHMS;
  for (const algorithm of algorithms) check(HASH_ALGORITHMS.includes(algorithm), `hash.algorithms: unknown algorithm ${String(algorithm)}`);
  check(algorithms.length > 0 || options.hash === false, 'hash.algorithms must not be empty');
  const preferred = h.default ?? (algorithms.includes('SHA-256') ? 'SHA-256' : algorithms[0]!);
  check(algorithms.includes(preferred), 'hash.default must be one of hash.algorithms');
  const maxBytes = h.maxBytes ?? Infinity;
  check(maxBytes === Infinity || (Number.isInteger(maxBytes) && maxBytes >= 0), 'hash.maxBytes must be a whole number of bytes');
  const concurrency = h.concurrency ?? 4;
  check(Number.isInteger(concurrency) && concurrency >= 1, 'hash.concurrency must be a whole number of at least 1');

  return {
    virtualHosts,
    disabledCommands,
    modeZ: { enabled: options.modeZ !== false, level },
    hash: { enabled: options.hash !== false, algorithms, default: preferred, maxBytes, concurrency },
    mdtmSetsTime: options.mdtmSetsTime ?? false,
  };
}
