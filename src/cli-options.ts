import { parseArgs } from 'node:util';
import { configFlag, extensionFlags } from './cli-extension-flags.js';
import { tlsFlags } from './cli-tls-flags.js';
import type { FtpServerOptions, StaticUser } from './options.js';

/**
 * Every `ftpkit` flag, one table: its help line and how it maps onto
 * FtpServerOptions. An option a host can set in code gets its flag here, so an
 * operator can run every feature without writing code.
 */
export interface Flag {
  name: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  value?: string;
  help: string;
  apply(options: CliOptions, value: string | boolean): void;
}

export interface CliOptions extends FtpServerOptions {
  root: string;
  host: string;
  port: number;
  users: StaticUser[];
  /** On SIGINT/SIGTERM, how long transfers in flight may finish (close({ graceMs })). */
  shutdownGraceMs?: number;
}

export class CliError extends Error {}

const number = (flag: string, text: string, min = 0): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${flag} needs a whole number, got "${text}"`);
  return n;
};

const seconds = (flag: string, text: string, allowZero = false): number => {
  const n = Number(text);
  if (!(allowZero ? n >= 0 : n > 0) || !Number.isFinite(n) || text.trim() === '') throw new CliError(`--${flag} needs a number of seconds, got "${text}"`);
  return n * 1000;
};

/** "1048576", "512k", "10M", "1.5G" (binary units) → bytes. */
const bytes = (flag: string, text: string): number => {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  const n = match ? Number(match[1]) * 1024 ** ' kmgt'.indexOf((match[2] || ' ').toLowerCase()) : NaN;
  if (!Number.isFinite(n) || n < 0) throw new CliError(`--${flag} needs a size in bytes (e.g. 500k, 10M, 2G), got "${text}"`);
  return Math.floor(n);
};

const rate = (flag: string, text: string): number => {
  const n = bytes(flag, text);
  if (n <= 0) throw new CliError(`--${flag} needs a rate above 0 bytes per second, got "${text}"`);
  return n;
};

/** "N" or "N:SECONDS" (0 or "off" for N switches the defence off). */
const countAndSeconds = (flag: string, text: string): { count: number; ms: number | undefined } => {
  if (text === 'off') return { count: 0, ms: undefined };
  const [count = '', secs] = text.split(':');
  return { count: number(flag, count), ms: secs === undefined ? undefined : seconds(flag, secs) };
};

export const flags: Flag[] = [
  configFlag, // first: every other flag overrides the file
  { name: 'root', type: 'string', value: 'DIR', help: 'folder to serve (default ./ftp-root, created if missing)', apply: (o, v) => void (o.root = String(v)) },
  { name: 'host', type: 'string', value: 'ADDR', help: 'address to listen on (default 127.0.0.1; 0.0.0.0 or :: for all)', apply: (o, v) => void (o.host = String(v)) },
  { name: 'port', type: 'string', value: 'PORT', help: 'port to listen on (default 2121)', apply: (o, v) => void (o.port = number('port', String(v))) },
  {
    name: 'user',
    type: 'string',
    multiple: true,
    value: 'NAME:PASSWORD',
    help: 'a login with full access to the root (repeatable)',
    apply(o, v) {
      const text = String(v);
      const colon = text.indexOf(':');
      if (colon <= 0) throw new CliError(`--user needs NAME:PASSWORD, got "${text.split(':')[0]}:…"`);
      o.users.push({ username: text.slice(0, colon), password: text.slice(colon + 1) });
    },
  },
  { name: 'anonymous', type: 'boolean', help: 'allow anonymous login (read-only)', apply: (o) => void (o.anonymous = true) },
  { name: 'anonymous-write', type: 'boolean', help: 'allow anonymous login with write access', apply: (o) => void (o.anonymous = { writable: true }) },
  { name: 'read-only', type: 'boolean', help: 'refuse every change to files, for every user', apply: (o) => void (o.readOnly = true) },
  {
    name: 'atomic-uploads',
    type: 'boolean',
    help: 'store uploads in a hidden temporary file, renamed over the target only once complete',
    apply: (o) => void (o.localFileSystem = { ...o.localFileSystem, atomicUploads: true }),
  },
  {
    name: 'metadata-calls',
    type: 'string',
    value: 'inline|thread-pool',
    help: 'how stat, realpath, open... reach the disk: inline (default, fastest on a local disk) or thread-pool (network filesystems)',
    apply(o, v) {
      const mode = String(v);
      if (mode !== 'inline' && mode !== 'thread-pool') throw new CliError(`--metadata-calls needs inline or thread-pool, got "${mode}"`);
      o.localFileSystem = { ...o.localFileSystem, metadataCalls: mode };
    },
  },
  {
    name: 'pasv-range',
    type: 'string',
    value: 'MIN-MAX',
    help: 'ports for passive data connections (default: any free port)',
    apply: (o, v) => void (o.passive = { ...o.passive, portRange: String(v) }),
  },
  {
    name: 'pasv-address',
    type: 'string',
    value: 'ADDR',
    help: 'address announced in PASV replies (NAT, Docker): an IPv4 address or host name',
    apply: (o, v) => void (o.passive = { ...o.passive, address: String(v) }),
  },
  { name: 'no-active', type: 'boolean', help: 'refuse active mode (PORT/EPRT)', apply: (o) => void (o.active = { ...o.active, enabled: false }) },
  { name: 'shutdown-grace', type: 'string', value: 'SECONDS', help: 'on SIGINT/SIGTERM, let transfers in flight finish this long, then close (default 5)', apply: (o, v) => void (o.shutdownGraceMs = seconds('shutdown-grace', String(v), true)) },
  { name: 'idle-timeout', type: 'string', value: 'SECONDS', help: 'close sessions idle this long (default 300)', apply: (o, v) => void (o.timeouts = { ...o.timeouts, idle: seconds('idle-timeout', String(v)) }) },
  { name: 'greeting', type: 'string', value: 'TEXT', help: 'text of the 220 greeting', apply: (o, v) => void (o.greeting = String(v)) },
  { name: 'max-file-size', type: 'string', value: 'SIZE', help: 'largest file an upload may produce (e.g. 100M; 552 beyond it)', apply: (o, v) => void (o.userLimits = { ...o.userLimits, maxFileSize: bytes('max-file-size', String(v)) }) },
  { name: 'quota', type: 'string', value: 'SIZE', help: "bytes each user's tree may hold (e.g. 1G; 552 beyond it)", apply: (o, v) => void (o.userLimits = { ...o.userLimits, quotaBytes: bytes('quota', String(v)) }) },
  { name: 'upload-rate', type: 'string', value: 'SIZE', help: 'upload bytes per second per user (e.g. 1M)', apply: (o, v) => void (o.userLimits = { ...o.userLimits, uploadRate: rate('upload-rate', String(v)) }) },
  { name: 'download-rate', type: 'string', value: 'SIZE', help: 'download bytes per second per user (e.g. 1M)', apply: (o, v) => void (o.userLimits = { ...o.userLimits, downloadRate: rate('download-rate', String(v)) }) },
  { name: 'max-sessions-per-user', type: 'string', value: 'N', help: 'sessions one user may have logged in at once', apply: (o, v) => void (o.userLimits = { ...o.userLimits, maxSessions: number('max-sessions-per-user', String(v), 1) }) },
  { name: 'total-upload-rate', type: 'string', value: 'SIZE', help: 'upload bytes per second for the whole server', apply: (o, v) => void (o.bandwidth = { ...o.bandwidth, uploadRate: rate('total-upload-rate', String(v)) }) },
  { name: 'total-download-rate', type: 'string', value: 'SIZE', help: 'download bytes per second for the whole server', apply: (o, v) => void (o.bandwidth = { ...o.bandwidth, downloadRate: rate('total-download-rate', String(v)) }) },
  { name: 'progress-interval', type: 'string', value: 'MS', help: 'transfer progress at most this often (default 1000; shown by --log)', apply: (o, v) => void (o.progress = { ...o.progress, intervalMs: number('progress-interval', String(v), 10) }) },
  { name: 'progress-bytes', type: 'string', value: 'SIZE', help: 'transfer progress only after this many more bytes (default 1)', apply: (o, v) => void (o.progress = { ...o.progress, bytes: bytes('progress-bytes', String(v)) }) },
  ...securityFlags(),
  ...tlsFlags,
  { name: 'log', type: 'boolean', help: 'print a transcript: session, time, user, address, each command and reply', apply: (o) => void (o.transcript = true) },
  ...extensionFlags,
];

/** Parses argv into server options (throws CliError on bad input). */
export function parseCli(argv: readonly string[]): { options: CliOptions; help: boolean } {
  const spec: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = { help: { type: 'boolean' } };
  for (const flag of flags) spec[flag.name] = flag.multiple ? { type: flag.type, multiple: true } : { type: flag.type };
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const options: CliOptions = { root: './ftp-root', host: '127.0.0.1', port: 2121, users: [] };
  for (const flag of flags) {
    const value = values[flag.name];
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) flag.apply(options, v as string | boolean);
  }
  return { options, help: values.help === true };
}

export function usage(): string {
  const lefts = flags.map((f) => `  --${f.name}${f.value ? ` ${f.value}` : ''}`);
  // One column for the help texts, two spaces right of the longest flag.
  const width = Math.max(...lefts.map((left) => left.length)) + 2;
  const lines = flags.map((f, i) => `${lefts[i]!.padEnd(width)}${f.help}`);
  return [
    'Usage: ftpkit [options]',
    '',
    'Serves a folder over FTP. Without --user or --anonymous, a demo login with a',
    'random password is created and printed.',
    '',
    ...lines,
    `${'  --help'.padEnd(34)}show this help`,
  ].join('\n');
}

/** The flags of the RFC 2577 defences (docs/security.md). */
function securityFlags(): Flag[] {
  const timeout = (name: string, key: 'login' | 'dataConnection' | 'stalledTransfer', help: string): Flag => ({
    name,
    type: 'string',
    value: 'SECONDS',
    help,
    apply: (o, v) => void (o.timeouts = { ...o.timeouts, [key]: seconds(name, String(v)) }),
  });
  const throttle = (o: CliOptions) => (o.loginThrottle === false ? {} : (o.loginThrottle ?? {}));
  return [
    {
      name: 'max-connections',
      type: 'string',
      value: 'N',
      help: 'sessions open at once, 0 for no limit (default 2000)',
      apply: (o, v) => void (o.limits = { ...o.limits, maxConnections: number('max-connections', String(v)) }),
    },
    {
      name: 'max-connections-per-ip',
      type: 'string',
      value: 'N',
      help: 'sessions open at once from one address, 0 for no limit (default 64)',
      apply: (o, v) => void (o.limits = { ...o.limits, maxConnectionsPerAddress: number('max-connections-per-ip', String(v)) }),
    },
    {
      name: 'max-login-attempts',
      type: 'string',
      value: 'N',
      help: 'failed logins per connection before 421, 0 for no limit (default 3)',
      apply: (o, v) => void (o.loginThrottle = { ...throttle(o), maxAttempts: number('max-login-attempts', String(v)) }),
    },
    {
      name: 'login-delay',
      type: 'string',
      value: 'SECONDS',
      help: 'pause after each failed login (default 1, 0 for none)',
      apply: (o, v) => void (o.loginThrottle = { ...throttle(o), delay: seconds('login-delay', String(v), true) }),
    },
    {
      name: 'lockout',
      type: 'string',
      value: 'N[:SECONDS]',
      help: 'lock out an address or user name after N failed logins within SECONDS, for SECONDS (default 10:900; off)',
      apply(o, v) {
        const { count, ms } = countAndSeconds('lockout', String(v));
        const lockout = count === 0 ? false : { perAddress: count, perUser: count, ...(ms === undefined ? {} : { window: ms, duration: ms }) };
        o.loginThrottle = { ...throttle(o), lockout };
      },
    },
    timeout('login-timeout', 'login', 'close connections not logged in this long after connecting (default 60)'),
    timeout('data-timeout', 'dataConnection', 'time for the client to open a data connection, then 425 (default 30)'),
    timeout('stall-timeout', 'stalledTransfer', 'abort a transfer with 426 when no byte moved this long (default 120)'),
    {
      name: 'max-command-length',
      type: 'string',
      value: 'BYTES',
      help: 'longest command line accepted, at least 512 (default 4096)',
      apply: (o, v) => void (o.maxLineLength = number('max-command-length', String(v), 512)),
    },
    {
      name: 'flood-limit',
      type: 'string',
      value: 'N[:SECONDS]',
      help: 'commands per second a connection may send before login, then 421 and a ban of SECONDS (default 50:60; off)',
      apply(o, v) {
        const { count, ms } = countAndSeconds('flood-limit', String(v));
        const previous = o.antiFlood === false ? {} : (o.antiFlood ?? {});
        o.antiFlood = count === 0 ? false : { ...previous, commandsPerSecond: count, ...(ms === undefined ? {} : { banDuration: ms }) };
      },
    },
    {
      name: 'flood-limit-after-login',
      type: 'boolean',
      help: 'apply --flood-limit to logged-in sessions too',
      apply: (o) => void (o.antiFlood = o.antiFlood === false ? false : { ...o.antiFlood, afterLogin: true }),
    },
    {
      name: 'allow-pasv-from-any',
      type: 'boolean',
      help: 'accept passive data connections from any address, not only the client\'s (unsafe; some proxies need it)',
      apply: (o) => void (o.passive = { ...o.passive, allowAnyAddress: true }),
    },
    {
      name: 'allow-active-to-any',
      type: 'boolean',
      help: 'let PORT/EPRT name any address (FTP bounce: unsafe; FXP needs it)',
      apply: (o) => void (o.active = { ...o.active, allowAnyAddress: true }),
    },
    {
      name: 'allow-active-low-ports',
      type: 'boolean',
      help: 'let PORT/EPRT name ports below 1024 (unsafe)',
      apply: (o) => void (o.active = { ...o.active, allowLowPorts: true }),
    },
    {
      name: 'greeting-version',
      type: 'boolean',
      help: 'name ftpkit and its version in the 220 greeting (default: reveal nothing)',
      apply: (o) => void (o.greetingVersion = true),
    },
  ];
}
