import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { FtpServer } from '../../src/index.js';
import { startServer, tempDir } from './server.js';

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

/** Compares bytes without deepEqual's diff (megabytes of it when a big download went wrong). */
export function assertSameBytes(actual: Buffer, expected: Buffer, what: string): void {
  if (actual.equals(expected)) return;
  let at = 0;
  while (at < Math.min(actual.length, expected.length) && actual[at] === expected[at]) at++;
  assert.fail(`${what}: ${actual.length} bytes (expected ${expected.length}), first difference at byte ${at}`);
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

/** Where the scenario's resumes start: the client has this much of the download... */
export const DOWNLOAD_RESUME_AT = 70_000;
/** ...and the server has this much of the upload. */
export const UPLOAD_RESUME_AT = 110_000;
export const SCENARIO_SIZE = 300_000;

/**
 * One scenario run: a server on local disk at `net`, the command and transfer
 * records, and the files both sides start with: `full.bin` and a partial
 * download (`partial.bin`) in `local`, a partial upload (`NAMES.resumed`) in `root`.
 */
export async function prepareScenario(t: TestContext, net: Network) {
  const started = await startServer(t, { local: true, host: net.host });
  const commands = recordCommands(started.server);
  const transfers = recordTransfers(started.server);
  const local = await tempDir(t);
  const full = payload(SCENARIO_SIZE);
  await writeFile(join(local, 'full.bin'), full);
  await writeFile(join(local, 'partial.bin'), full.subarray(0, DOWNLOAD_RESUME_AT));
  await writeFile(join(started.root, NAMES.resumed), full.subarray(0, UPLOAD_RESUME_AT));
  return { ...started, commands, transfers, local, full };
}

/**
 * What every client's scenario must have done on the wire: use `mode` for data
 * connections, resume the download with REST + RETR, and resume the upload
 * with `uploadCommand` (REST + STOR, or APPE), each moving only the missing bytes.
 */
export function assertWireUse(scenario: Awaited<ReturnType<typeof prepareScenario>>, mode: DataMode, uploadCommand: 'STOR' | 'APPE'): void {
  const { commands, transfers } = scenario;
  assert.ok(usedDataMode(commands, mode), `${mode} mode used: ${commands.join(', ')}`);
  assert.ok(
    transfers.some((x) => x.command === 'RETR' && x.offset === DOWNLOAD_RESUME_AT && x.bytes === SCENARIO_SIZE - DOWNLOAD_RESUME_AT),
    `download resumed with REST ${DOWNLOAD_RESUME_AT} + RETR: ${JSON.stringify(transfers)}`,
  );
  const uploadOffset = uploadCommand === 'STOR' ? UPLOAD_RESUME_AT : 0;
  assert.ok(
    transfers.some((x) => x.command === uploadCommand && x.offset === uploadOffset && x.bytes === SCENARIO_SIZE - UPLOAD_RESUME_AT),
    `upload resumed with ${uploadCommand === 'STOR' ? `REST ${UPLOAD_RESUME_AT} + STOR` : 'APPE'}: ${JSON.stringify(transfers)}`,
  );
}
