import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import { test } from 'node:test';
import { LocalFileSystem, MemoryFileSystem, type FileStat, type FsContext } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer, tempDir } from '../helpers/server.js';
import { SETTLES_AT_ONCE } from '../../src/fs/guard.js';
import { waitFor } from '../helpers/transfers.js';

/**
 * A backend that never settles read, write or list and ignores the abort
 * signal completely, but records the signals it was given.
 */
class StuckFileSystem extends MemoryFileSystem {
  readonly signals: AbortSignal[] = [];
  stuck = new Set<string>(['read', 'write', 'list']);

  private hang<T>(ctx: FsContext): Promise<T> {
    this.signals.push(ctx.signal);
    return new Promise<T>(() => undefined);
  }

  override async stat(path: string, ctx: FsContext): Promise<FileStat> {
    if (this.stuck.has('stat')) return this.hang(ctx);
    return super.stat(path);
  }

  override list(path: string, ctx: FsContext): Promise<FileStat[]> {
    return this.stuck.has('list') ? this.hang(ctx) : super.list(path);
  }

  override read(path: string, options: { start: number }, ctx: FsContext): Promise<Readable> {
    return this.stuck.has('read') ? this.hang(ctx) : super.read(path, options);
  }

  override write(path: string, source: Readable, options: { start: number; append: boolean }, ctx: FsContext): Promise<void> {
    if (!this.stuck.has('write')) return super.write(path, source, options, ctx);
    source.resume(); // takes the bytes, never says it stored them
    return this.hang(ctx);
  }
}

test('a listing that never settles: ABOR frees the session at once, and the backend was told', async (t) => {
  const fs = new StuckFileSystem({ '/a.txt': 'a' });
  const { port } = await startServer(t, { filesystem: fs });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const data = await c.epsv();
  c.send('LIST');
  assert.equal((await c.read()).code, 150);
  await waitFor(() => fs.signals.length === 1);
  c.send('ABOR');
  assert.equal((await c.read()).code, 426);
  assert.equal((await c.read()).code, 226);
  assert.equal(fs.signals[0]!.aborted, true, 'the signal fired on ABOR');
  assert.equal((await c.cmd('NOOP')).code, 200);
  data.destroy();
});

test('a write that never settles: ABOR answers 426, and the stalled-transfer timeout does too', async (t) => {
  const fs = new StuckFileSystem();
  const { port, server } = await startServer(t, { filesystem: fs, timeouts: { stalledTransfer: 300 } });
  const reasons: string[] = [];
  server.on('transferAborted', ({ reason }) => reasons.push(reason));
  const c = await RawClient.login(port);
  t.after(() => c.close());
  for (const stop of ['abor', 'timeout'] as const) {
    const data = await c.epsv();
    c.send('STOR x.bin');
    assert.equal((await c.read()).code, 150);
    data.end(Buffer.alloc(10_000));
    await waitFor(() => fs.signals.length === (stop === 'abor' ? 1 : 2));
    if (stop === 'abor') c.send('ABOR');
    assert.equal((await c.read()).code, 426);
    if (stop === 'abor') assert.equal((await c.read()).code, 226);
    assert.equal(fs.signals.at(-1)!.aborted, true);
  }
  assert.deepEqual(reasons, ['abor', 'timeout']);
  assert.equal((await c.cmd('NOOP')).code, 200);
});

test('a read that never settles (before 150): the client leaving ends the session, and close() is prompt', async (t) => {
  const fs = new StuckFileSystem({ '/a.txt': 'a' });
  const { port, server } = await startServer(t, { filesystem: fs });
  const c = await RawClient.login(port);
  await c.epsv();
  c.send('RETR a.txt');
  await waitFor(() => fs.signals.length === 1);
  // A reset ends the session at once. (A FIN is a half-close: the session would
  // wait to answer the command in flight, at most until the idle timeout.)
  c.socket.resetAndDestroy();
  await waitFor(() => server.sessions.length === 0, 3000, 'the session to end');
  assert.equal(fs.signals[0]!.aborted, true, 'the signal fired on disconnect');
  const started = Date.now();
  await server.close();
  assert.ok(Date.now() - started < 2000, 'nothing holds the shutdown');
});

test('a stat that never settles: the idle timeout ends the session; shutdown aborts the rest', async (t) => {
  const fs = new StuckFileSystem({ '/d/': null });
  fs.stuck = new Set(['stat']);
  const { port, server } = await startServer(t, { filesystem: fs, timeouts: { idle: 300 } });
  const a = await RawClient.login(port);
  a.send('CWD d');
  const reply = await a.read(5000);
  assert.equal(reply.code, 421, 'idle timeout');
  await a.waitClosed();
  assert.equal(fs.signals[0]!.aborted, true);

  const b = await RawClient.login(port);
  b.send('SIZE d');
  await waitFor(() => fs.signals.length === 2);
  await server.close();
  assert.equal(fs.signals[1]!.aborted, true, 'the signal fired on shutdown');
  assert.equal(server.sessions.length, 0);
  b.close();
});

test('authenticate that never settles: the client leaving frees the session without waiting for the auth time limit', async (t) => {
  let signal: AbortSignal | undefined;
  const { port, server } = await startServer(t, {
    timeouts: { auth: 60_000 },
    authenticate: (request) => {
      signal = request.signal;
      return new Promise(() => undefined);
    },
  });
  const c = await RawClient.connect(port);
  await c.cmd('USER someone');
  c.send('PASS secret');
  await waitFor(() => signal !== undefined);
  c.socket.resetAndDestroy();
  await waitFor(() => server.sessions.length === 0, 3000, 'the session to end');
  assert.equal(signal!.aborted, true);
});

test('the session signal is made when storage first reads it: read after the session ended, it has fired, with the reason', async (t) => {
  // The local disk's inline calls are not raced, so nothing reads the signal during the command.
  const kept: FsContext[] = [];
  class KeepingFileSystem extends LocalFileSystem {
    override stat(path: string, ctx?: FsContext): Promise<FileStat> {
      kept.push(ctx!);
      return super.stat(path);
    }

    // This stat only records the context before the inline call: it settles at once too.
    override get [SETTLES_AT_ONCE](): ReadonlySet<unknown> {
      return new Set([...(super[SETTLES_AT_ONCE] ?? []), KeepingFileSystem.prototype.stat]);
    }
  }
  const fs = new KeepingFileSystem(await tempDir(t));
  const { port, server } = await startServer(t, { filesystem: fs });
  const c = await RawClient.login(port);
  assert.equal((await c.cmd('CWD /')).code, 250);
  assert.equal(kept.length, 1);
  assert.equal((await c.cmd('QUIT')).code, 221);
  c.close();
  await waitFor(() => server.sessions.length === 0);
  const signal = kept[0]!.signal;
  assert.equal(signal.aborted, true, 'a signal first read after the end has already fired');
  assert.match(String((signal.reason as Error).message), /session closed: quit/);
});

test('a backend may replace ctx.signal (the type allows it) and reads back what it set', async (t) => {
  const seen: boolean[] = [];
  class ReplacingFileSystem extends LocalFileSystem {
    override stat(path: string, ctx?: FsContext): Promise<FileStat> {
      const own = AbortSignal.any([ctx!.signal]);
      ctx!.signal = own; // e.g. to add a deadline of its own
      seen.push(ctx!.signal === own);
      return super.stat(path);
    }
  }
  const { port } = await startServer(t, { filesystem: new ReplacingFileSystem(await tempDir(t)) });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('CWD /')).code, 250);
  assert.deepEqual(seen, [true]);
});
