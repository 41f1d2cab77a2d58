import type { FileStat } from '../fs/types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SIX_MONTHS_MS = 182 * 24 * 3600 * 1000;

/**
 * One `ls -l` line, the format every client's LIST parser knows:
 * `-rw-r--r-- 1 ftp ftp 1234 Nov 25 14:27 name`. Files from the last six months
 * (or the future) show the time, older ones the year, as `ls` does. Times are
 * UTC, like MLSx facts, so the two listings agree.
 */
export function formatListLine(stat: FileStat, now = Date.now()): string {
  const mode = stat.mode ?? (stat.type === 'directory' ? 0o755 : 0o644);
  const size = String(stat.size).padStart(12);
  return `${typeChar(stat)}${permissionString(mode)} ${String(stat.nlink ?? 1).padStart(3)} ${pad(stat.owner ?? 'ftp', 8)} ${pad(stat.group ?? 'ftp', 8)} ${size} ${lsDate(stat.mtime, now)} ${stat.name}`;
}

function typeChar(stat: FileStat): string {
  return stat.type === 'directory' ? 'd' : stat.type === 'symlink' ? 'l' : stat.type === 'other' ? 'p' : '-';
}

/** `rwxr-xr-x` for each of the 512 modes, built once: a listing asks for it on every line. */
const PERMISSION_STRINGS: readonly string[] = Array.from({ length: 512 }, (_, mode) => {
  const bits = 'rwxrwxrwx';
  let out = '';
  for (let i = 0; i < 9; i++) out += mode & (1 << (8 - i)) ? bits[i] : '-';
  return out;
});

function permissionString(mode: number): string {
  return PERMISSION_STRINGS[mode & 0o777]!;
}

/** Owner and group columns already padded: a listing has few distinct names and many lines. */
const padded = new Map<string, string>();

function pad(value: string, width: number): string {
  const key = `${width}:${value}`;
  let out = padded.get(key);
  if (out === undefined) {
    const safe = value.replace(/\s/g, '_');
    out = safe.length >= width ? safe : safe + ' '.repeat(width - safe.length);
    if (padded.size < 1024) padded.set(key, out);
  }
  return out;
}

function lsDate(date: Date, now: number): string {
  const time = date.getTime();
  const month = MONTHS[date.getUTCMonth()]!;
  const day = String(date.getUTCDate()).padStart(2);
  const recent = time > now - SIX_MONTHS_MS && time <= now + 24 * 3600 * 1000;
  if (recent) {
    return `${month} ${day} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}`;
  }
  return `${month} ${day}  ${date.getUTCFullYear()}`;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** RFC 3659 time-val: YYYYMMDDHHMMSS[.sss], always UTC. */
export function formatTimeVal(date: Date, milliseconds = false): string {
  const base =
    String(date.getUTCFullYear()).padStart(4, '0') +
    two(date.getUTCMonth() + 1) +
    two(date.getUTCDate()) +
    two(date.getUTCHours()) +
    two(date.getUTCMinutes()) +
    two(date.getUTCSeconds());
  const ms = date.getUTCMilliseconds();
  return milliseconds && ms !== 0 ? `${base}.${String(ms).padStart(3, '0')}` : base;
}

/** Parses an RFC 3659 time-val (UTC); undefined when malformed. */
export function parseTimeVal(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac] = match;
  const ms = frac ? Number(frac.padEnd(3, '0')) : 0;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms));
  // Reject values Date silently rolled over (month 13, second 61...).
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d) || date.getUTCHours() !== Number(h)) return undefined;
  return date;
}
