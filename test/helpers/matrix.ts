import { createHash } from 'node:crypto';
import type { FtpServer } from '../../src/index.js';

/**
 * What every real client must be able to do, everywhere: the same scenario runs
 * over IPv4 and IPv6, in passive and in active mode, with UTF-8 names.
 */
export interface Network {
  name: 'IPv4' | 'IPv6';
  /** Address the server listens on. */
  host: string;
  /** The host as it goes into a URL. */
  urlHost: string;
}

export const NETWORKS: readonly Network[] = [
  { name: 'IPv4', host: '127.0.0.1', urlHost: '127.0.0.1' },
  { name: 'IPv6', host: '::1', urlHost: '[::1]' },
];

export type DataMode = 'passive' | 'active';
export const MODES: readonly DataMode[] = ['passive', 'active'];

/** UTF-8 names with spaces, accents and CJK: what the scenario creates. */
export const NAMES = {
  file: 'ünï cødé 日本.bin',
  dir: 'dîr ñ',
  renamed: 'rénamed.bin',
  resumed: 'résumé.bin',
} as const;

/** Deterministic bytes (no RNG: a failure reproduces). */
export function payload(size: number, seed = 'ftpkit'): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i += block.length) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/** The verbs the server received, in order (to prove which data mode and resume commands a client used). */
export function recordCommands(server: FtpServer): string[] {
  const seen: string[] = [];
  server.on('command', ({ command, argument }) => seen.push(command === 'PASS' ? command : `${command} ${argument}`.trim()));
  return seen;
}

/** Transfers that ended well, with their offsets: proves a resume really started mid-file. */
export function recordTransfers(server: FtpServer): { command: string; path: string; offset: number; bytes: number }[] {
  const seen: { command: string; path: string; offset: number; bytes: number }[] = [];
  server.on('transferEnd', ({ command, path, offset, bytes }) => seen.push({ command, path, offset, bytes }));
  return seen;
}

/** Which verbs set up data connections in `mode`. */
export function dataVerbs(mode: DataMode): readonly string[] {
  return mode === 'passive' ? ['PASV', 'EPSV'] : ['PORT', 'EPRT'];
}

export function usedDataMode(commands: readonly string[], mode: DataMode): boolean {
  const verbs = commands.map((c) => c.split(' ')[0]!);
  const wanted = dataVerbs(mode);
  const other = dataVerbs(mode === 'passive' ? 'active' : 'passive');
  return verbs.some((v) => wanted.includes(v)) && !verbs.some((v) => other.includes(v));
}
