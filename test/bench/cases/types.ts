import type { Fixture } from '../fixtures.js';
import { FtpClient } from '../ftp-client.js';
import type { Scale } from '../scale.js';
import type { Environment, RunningServer } from '../servers.js';

/** One line of the table. */
export interface RowDef {
  id: string;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
}

/** A value that does not apply to a server (no MLSD, no TLS...): shown as "n/a". */
export class NotApplicable extends Error {}

/** A run that failed in a way worth naming in its cell ("truncated" rather than "failed"). */
export class CaseFailure extends Error {
  constructor(
    message: string,
    readonly note: string,
  ) {
    super(message);
  }
}

export interface CaseContext {
  server: RunningServer;
  env: Environment;
  scale: Scale;
  /** Logs in (over TLS with PROT P when the case is a TLS case). */
  login(): Promise<FtpClient>;
}

export interface CaseDef {
  id: string;
  /** What the case needs in the server's root. */
  fixtures(scale: Scale): Fixture[];
  rows(scale: Scale): RowDef[];
  /** Started with a certificate; the client uses AUTH TLS and PROT P. */
  tls?: boolean;
  /**
   * The raw Node column runs it too, with one of two bare Node servers:
   * `pipe` (test/bench/raw-pipe-server.mjs: plain streams and lines, no FTP;
   * the case talks to it with test/bench/raw-client.ts) or `ftp`
   * (test/bench/bare-ftp-server.mjs: the least FTP the case needs; the case's
   * own FTP client runs unchanged).
   */
  raw?: 'pipe' | 'ftp';
  /** A new server process for every run (memory cases: no heap left over from the run before). */
  freshServerPerRun?: boolean;
  /**
   * Untimed runs on each server before the timed ones (true: one). A fresh
   * process moves its first GiB slower than the next (allocator, heap sizing,
   * JIT: the bare Node pipe too), so without them the first samples measure
   * start-up, not speed. Warming stops early after a run that took longer than
   * WARM_UP_GIVE_UP_MS: such a server is timing out, not warming up.
   */
  warmUp?: boolean | number;
  /** One run: a value per row id (a NotApplicable for rows that do not apply). */
  run(ctx: CaseContext): Promise<Record<string, number | NotApplicable>>;
}

/**
 * Connects and logs in with the context's credentials. A TLS case secures the
 * control connection first (AUTH TLS, as FTPS clients do) and protects data
 * (PBSZ 0, PROT P); a server without AUTH TLS in FEAT is "n/a".
 */
export async function loginClient(ctx: Pick<CaseContext, 'server' | 'env' | 'scale'>, tls: boolean): Promise<FtpClient> {
  const client = await FtpClient.connect(ctx.server.port, { timeoutMs: ctx.scale.timeoutMs });
  try {
    if (tls) {
      const feat = await client.command('FEAT');
      if (feat.code !== 211 || !/^\s*AUTH\s+TLS/im.test(feat.text)) throw new NotApplicable('no AUTH TLS in FEAT');
      await client.startTls();
    }
    await client.login(ctx.env.user, ctx.env.pass);
    if (tls) await client.protectData();
    return client;
  } catch (error) {
    client.destroy();
    throw error;
  }
}
