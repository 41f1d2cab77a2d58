import { createHash, randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { RawClient, readAll, type Reply } from './raw-client.js';
import { TlsControl } from './tls.js';

/**
 * Mixed FTP load from real sockets, the way a busy server sees it: logins
 * (good and bad), listings, uploads, downloads, round trips checked byte for
 * byte, directory work, aborts and clients that vanish mid-transfer. Used by
 * the resource test (thousands of sessions, then every handle back to its
 * baseline) and by `npm run soak` (the same for minutes, with a report).
 *
 * Every step checks its reply; anything unexpected is an error with a
 * description. Clients that vanish on purpose are not errors.
 */

export type Scenario = 'login-fail' | 'list' | 'upload' | 'download' | 'round-trip' | 'directories' | 'abort' | 'vanish' | 'noop-quit' | 'tls-round-trip' | 'tls-vanish';

const WEIGHTS: readonly [Scenario, number][] = [
  ['login-fail', 1],
  ['list', 3],
  ['upload', 3],
  ['download', 3],
  ['round-trip', 2],
  ['directories', 1],
  ['abort', 1],
  ['vanish', 1],
  ['noop-quit', 2],
];

/** Added when the target speaks FTPS (explicit AUTH TLS, PROT P, resumed data sessions). */
const TLS_WEIGHTS: readonly [Scenario, number][] = [
  ['tls-round-trip', 2],
  ['tls-vanish', 1],
];

export interface LoadTarget {
  port: number;
  host?: string;
  username?: string;
  password?: string;
  /** A file the server has, for downloads (path and exact content). */
  seed: { path: string; data: Buffer };
  /** Largest upload in bytes (default 256 KiB). */
  maxUpload?: number;
  /** The server offers FTPS (with `require: 'none'`, so plain sessions still run): add TLS sessions to the mix. */
  tls?: boolean;
}

export interface LoadStats {
  sessions: number;
  errors: string[];
  bytesUp: number;
  bytesDown: number;
  byScenario: Partial<Record<Scenario, number>>;
}

export function emptyStats(): LoadStats {
  return { sessions: 0, errors: [], bytesUp: 0, bytesDown: 0, byScenario: {} };
}

function pick(tls: boolean): Scenario {
  const weights = tls ? [...WEIGHTS, ...TLS_WEIGHTS] : WEIGHTS;
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  let r = Math.random() * total;
  for (const [scenario, weight] of weights) {
    r -= weight;
    if (r < 0) return scenario;
  }
  return 'noop-quit';
}

class Unexpected extends Error {}

function expect(reply: Reply, code: number, what: string): void {
  if (reply.code !== code) throw new Unexpected(`${what}: expected ${code}, got ${reply.lines.join(' | ')}`);
}

async function quit(c: RawClient): Promise<void> {
  expect(await c.cmd('QUIT'), 221, 'QUIT');
  await c.waitClosed();
}

let counter = 0;
const uniqueName = () => `load-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;

async function upload(c: RawClient, name: string, data: Buffer): Promise<void> {
  const socket = await c.epsv();
  c.send(`STOR ${name}`);
  expect(await c.read(), 150, `STOR ${name}`);
  socket.end(data);
  await closed(socket);
  expect(await c.read(), 226, `STOR ${name} end`);
}

async function download(c: RawClient, name: string): Promise<Buffer> {
  const socket = await c.epsv();
  c.send(`RETR ${name}`);
  expect(await c.read(), 150, `RETR ${name}`);
  const data = await readAll(socket);
  expect(await c.read(), 226, `RETR ${name} end`);
  return data;
}

function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

const digest = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** One session of the given scenario; adds to `stats`. */
export async function runScenario(target: LoadTarget, scenario: Scenario, stats: LoadStats): Promise<void> {
  const { port, host = '127.0.0.1', username = 'test', password = 'test' } = target;
  const maxUpload = target.maxUpload ?? 256 * 1024;
  stats.sessions++;
  stats.byScenario[scenario] = (stats.byScenario[scenario] ?? 0) + 1;
  let c: RawClient | undefined;
  try {
    if (scenario === 'login-fail') {
      c = await RawClient.connect(port, host);
      expect(await c.cmd(`USER ${username}`), 331, 'USER');
      expect(await c.cmd('PASS wrong-password'), 530, 'PASS wrong');
      await quit(c);
      return;
    }
    if (scenario === 'tls-round-trip' || scenario === 'tls-vanish') {
      await tlsSession(target, scenario, stats);
      return;
    }
    c = await RawClient.login(port, username, password, host);
    expect(await c.cmd('TYPE I'), 200, 'TYPE I');
    switch (scenario) {
      case 'list': {
        const socket = await c.epsv();
        c.send('LIST');
        expect(await c.read(), 150, 'LIST');
        stats.bytesDown += (await readAll(socket)).length;
        expect(await c.read(), 226, 'LIST end');
        break;
      }
      case 'upload': {
        const data = randomBytes(Math.floor(Math.random() * maxUpload));
        const name = uniqueName();
        await upload(c, name, data);
        stats.bytesUp += data.length;
        const size = await c.cmd(`SIZE ${name}`);
        if (size.code !== 213 || Number(size.text) !== data.length) throw new Unexpected(`SIZE ${name}: ${size.lines.join(' | ')} for ${data.length} bytes sent`);
        expect(await c.cmd(`DELE ${name}`), 250, 'DELE');
        break;
      }
      case 'download': {
        const data = await download(c, target.seed.path);
        stats.bytesDown += data.length;
        if (!data.equals(target.seed.data)) throw new Unexpected(`RETR ${target.seed.path}: ${data.length} bytes, not the file`);
        break;
      }
      case 'round-trip': {
        const data = randomBytes(Math.floor(Math.random() * maxUpload));
        const name = uniqueName();
        await upload(c, name, data);
        const back = await download(c, name);
        stats.bytesUp += data.length;
        stats.bytesDown += back.length;
        if (digest(back) !== digest(data)) throw new Unexpected(`${name}: downloaded bytes differ from the upload`);
        expect(await c.cmd(`DELE ${name}`), 250, 'DELE');
        break;
      }
      case 'directories': {
        const name = uniqueName();
        expect(await c.cmd(`MKD ${name}`), 257, 'MKD');
        expect(await c.cmd(`CWD ${name}`), 250, 'CWD');
        expect(await c.cmd('CDUP'), 250, 'CDUP');
        expect(await c.cmd(`RNFR ${name}`), 350, 'RNFR');
        expect(await c.cmd(`RNTO ${name}-moved`), 250, 'RNTO');
        expect(await c.cmd(`RMD ${name}-moved`), 250, 'RMD');
        break;
      }
      case 'abort': {
        const socket = await c.epsv();
        socket.pause();
        c.send(`RETR ${target.seed.path}`);
        expect(await c.read(), 150, 'RETR before ABOR');
        c.send('ABOR');
        const first = await c.read();
        // A small file may be complete before ABOR arrives: 226 then 225/226.
        if (first.code === 426) expect(await c.read(), 226, 'ABOR');
        else if (first.code === 226) {
          const second = await c.read();
          if (second.code !== 225 && second.code !== 226) throw new Unexpected(`ABOR after completion: ${second.lines.join(' | ')}`);
        } else throw new Unexpected(`ABOR: ${first.lines.join(' | ')}`);
        socket.destroy();
        expect(await c.cmd('NOOP'), 200, 'NOOP after ABOR');
        break;
      }
      case 'vanish': {
        const socket = await c.epsv();
        if (Math.random() < 0.5) {
          socket.pause();
          c.send(`RETR ${target.seed.path}`);
        } else {
          c.send(`STOR ${uniqueName()}`);
          socket.write(randomBytes(32 * 1024));
        }
        await c.read(); // 150
        socket.resetAndDestroy();
        c.reset();
        return;
      }
      case 'noop-quit':
        expect(await c.cmd('NOOP'), 200, 'NOOP');
        expect(await c.cmd('PWD'), 257, 'PWD');
        break;
    }
    await quit(c);
  } catch (error) {
    stats.errors.push(`${scenario}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    c?.close();
  }
}

/** An FTPS session: AUTH TLS, PROT P, data connections resuming the control session. */
async function tlsSession(target: LoadTarget, scenario: 'tls-round-trip' | 'tls-vanish', stats: LoadStats): Promise<void> {
  const control = await TlsControl.explicit(target.port);
  try {
    await control.login(target.username ?? 'test', target.password ?? 'test');
    const c = control.client;
    expect(await c.cmd('TYPE I'), 200, 'TYPE I');
    const transfer = async (line: string, send?: Buffer): Promise<Buffer> => {
      const raw = await control.epsv();
      const data = TlsControl.dataTls(raw, control.session);
      c.send(line);
      expect(await c.read(), 150, line);
      if (send) {
        data.end(send);
        await closed(raw);
        expect(await c.read(), 226, `${line} end`);
        return send;
      }
      const bytes = await readAll(data as unknown as Socket);
      expect(await c.read(), 226, `${line} end`);
      return bytes;
    };
    if (scenario === 'tls-vanish') {
      const raw = await control.epsv();
      TlsControl.dataTls(raw, control.session).on('error', () => undefined);
      c.send(`RETR ${target.seed.path}`);
      await c.read(); // 150
      raw.resetAndDestroy();
      control.raw?.resetAndDestroy();
      return;
    }
    const data = randomBytes(Math.floor(Math.random() * (target.maxUpload ?? 256 * 1024)));
    const name = uniqueName();
    await transfer(`STOR ${name}`, data);
    const back = await transfer(`RETR ${name}`);
    stats.bytesUp += data.length;
    stats.bytesDown += back.length;
    if (digest(back) !== digest(data)) throw new Unexpected(`${name}: downloaded bytes differ from the upload (TLS)`);
    expect(await c.cmd(`DELE ${name}`), 250, 'DELE');
    expect(await c.cmd('QUIT'), 221, 'QUIT');
  } finally {
    control.close();
  }
}

/** Runs sessions, `concurrency` at a time, until `sessions` have run or `until()` says stop. */
export async function runMixedLoad(target: LoadTarget, options: { sessions?: number; concurrency: number; until?: () => boolean }, stats: LoadStats = emptyStats()): Promise<LoadStats> {
  let started = 0;
  const more = () => (options.sessions === undefined || started < options.sessions) && !(options.until?.() ?? false);
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (more()) {
        started++;
        await runScenario(target, pick(target.tls === true), stats);
      }
    }),
  );
  return stats;
}
