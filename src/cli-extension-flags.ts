import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, type CliOptions, type Flag } from './cli-options.js';
import { HASH_ALGORITHMS } from './extension-options.js';
import type { HashAlgorithm } from './fs/types.js';
import type { FtpServerOptions } from './options.js';

/**
 * `--config FILE`: a JSON file that maps onto FtpServerOptions (everything that
 * is not code: users, virtual hosts, passive ports, timeouts, messages and
 * languages...). It is applied first, so flags on the command line override it.
 */
export const configFlag: Flag = {
  name: 'config',
  type: 'string',
  value: 'FILE',
  help: 'JSON file of server options (users, virtualHosts, languages...); flags override it',
  apply(o, v) {
    Object.assign(o, loadConfig(String(v)));
  },
};

export function loadConfig(file: string): Partial<FtpServerOptions> {
  let text: string;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (error) {
    throw new CliError(`--config: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`--config: ${file} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError(`--config: ${file} must hold a JSON object`);
  return parsed as Partial<FtpServerOptions>;
}

const positiveInteger = (flag: string, text: string, max = Number.MAX_SAFE_INTEGER): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new CliError(`--${flag} needs a whole number up to ${max}, got "${text}"`);
  return n;
};

const hashOptions = (o: CliOptions) => (typeof o.hash === 'object' ? o.hash : {});

/** Flags of the protocol extensions (virtual hosts, MODE Z, HASH, command switches). */
export const extensionFlags: Flag[] = [
  {
    name: 'vhost',
    type: 'string',
    multiple: true,
    value: 'NAME=DIR',
    help: 'a virtual host (RFC 7151 HOST) serving DIR to the same logins (repeatable)',
    apply(o, v) {
      const text = String(v);
      const eq = text.indexOf('=');
      if (eq <= 0 || eq === text.length - 1) throw new CliError(`--vhost needs NAME=DIR, got "${text}"`);
      o.virtualHosts = [...(o.virtualHosts ?? []), { name: text.slice(0, eq), root: resolve(text.slice(eq + 1)) }];
    },
  },
  {
    name: 'disable',
    type: 'string',
    multiple: true,
    value: 'COMMAND',
    help: 'switch a command off, e.g. HASH or "SITE CHMOD" (502, gone from FEAT/HELP; repeatable)',
    apply: (o, v) => void (o.disabledCommands = [...(o.disabledCommands ?? []), String(v)]),
  },
  { name: 'no-mode-z', type: 'boolean', help: 'refuse MODE Z (compressed transfers)', apply: (o) => void (o.modeZ = false) },
  {
    name: 'mode-z-level',
    type: 'string',
    value: '0-9',
    help: 'zlib level of MODE Z downloads and listings (default 6)',
    apply: (o, v) => void (o.modeZ = { level: positiveInteger('mode-z-level', String(v), 9) }),
  },
  { name: 'no-hash', type: 'boolean', help: 'refuse HASH, XCRC, XMD5, XSHA1, XSHA256, XSHA512', apply: (o) => void (o.hash = false) },
  {
    name: 'hash-max-size',
    type: 'string',
    value: 'BYTES',
    help: 'largest file range HASH and X* commands compute (556 beyond it)',
    apply: (o, v) => void (o.hash = { ...hashOptions(o), maxBytes: positiveInteger('hash-max-size', String(v)) }),
  },
  {
    name: 'hash-algorithms',
    type: 'string',
    value: 'LIST',
    help: 'digests offered, first is the default (e.g. SHA-256,SHA-1,CRC32)',
    apply(o, v) {
      const algorithms = String(v).split(',').map((a) => a.trim().toUpperCase()).filter(Boolean) as HashAlgorithm[];
      for (const a of algorithms) if (!HASH_ALGORITHMS.includes(a)) throw new CliError(`--hash-algorithms: unknown algorithm ${a} (use ${HASH_ALGORITHMS.join(', ')})`);
      if (algorithms.length === 0) throw new CliError('--hash-algorithms needs at least one algorithm');
      o.hash = { ...hashOptions(o), algorithms, default: algorithms[0]! };
    },
  },
  {
    name: 'hash-concurrency',
    type: 'string',
    value: 'N',
    help: 'digests computed at once by the whole server (default 4; more get 450)',
    apply: (o, v) => void (o.hash = { ...hashOptions(o), concurrency: Math.max(1, positiveInteger('hash-concurrency', String(v))) }),
  },
  { name: 'mdtm-sets-time', type: 'boolean', help: 'let "MDTM time path" set the modification time (default: 501)', apply: (o) => void (o.mdtmSetsTime = true) },
];
