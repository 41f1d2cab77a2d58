import { Readable } from 'node:stream';
import type { FileStat, FileSystem, FsContext, HashOptions, ReadOptions, WriteOptions } from '../../src/index.js';

/**
 * A filesystem wrapper that misbehaves on demand, the way real storage
 * backends do (remote stores time out, SDKs throw synchronously, plugins return
 * the wrong shape). Every method forwards to `inner` unless a fault is set for it.
 *
 * The error texts carry a fake server path on purpose: a reply that shows it
 * leaked storage internals to the client.
 */

export type FsMethod =
  | 'stat'
  | 'list'
  | 'read'
  | 'write'
  | 'delete'
  | 'mkdir'
  | 'rmdir'
  | 'rename'
  | 'setModifiedTime'
  | 'setCreatedTime'
  | 'chmod'
  | 'hash'
  | 'availableSpace';

export type Fault =
  /** Throws synchronously, before any promise exists. */
  | 'throw'
  /** Rejects with a plain Error carrying an errno the mapping does not know. */
  | 'reject'
  /** Never settles and ignores the abort signal. */
  | 'hang'
  /** Never settles until the abort signal fires, then rejects with it. */
  | 'hang-abortable'
  /** Resolves with a value of the wrong shape (see `GARBAGE`). */
  | { garbage: unknown }
  /** read: a stream that sends some bytes, then fails. write: consumes some bytes, then rejects. */
  | 'fail-midway'
  /** read: a stream that sends some bytes, then stops forever. write: stops reading and never settles. */
  | 'stall-midway'
  /** write only: resolves at once without reading the upload (a backend that lies). */
  | 'lazy-write';

export const LEAKY_PATH = '/srv/secret/ftp-storage';

export function leakyError(): Error {
  return Object.assign(new Error(`EIO: i/o error, open '${LEAKY_PATH}/x'`), { code: 'EIO', path: LEAKY_PATH });
}

/** Wrong-shaped results, per method, that a sloppy backend might produce. */
export const GARBAGE: Readonly<Record<FsMethod, readonly unknown[]>> = {
  stat: [null, undefined, 42, 'file', {}, { type: 'file', size: -1, mtime: 'yesterday', name: 7 }, { type: 'banana', size: NaN, mtime: new Date(NaN) }],
  list: [null, 42, 'abc', {}, [null], [{ name: 5 }], [{ name: 'ok', type: 'file', size: 'big', mtime: 0 }], [{ name: 'a\r\n226 forged', type: 'file', size: 1, mtime: new Date() }]],
  read: [null, undefined, 'a string', 42, {}, { pipe: 'nope' }],
  write: ['done', 42, { size: 'x' }],
  delete: ['gone', 42],
  mkdir: [{ weird: true }],
  rmdir: [0],
  rename: [Symbol('x')],
  setModifiedTime: [null],
  setCreatedTime: [{}],
  chmod: [NaN],
  hash: [null, 42, 'not hex\r\n226 forged', { digest: 'x' }, 'a'.repeat(100_000)],
  availableSpace: [null, -1, NaN, 'lots', Infinity, 1e300],
};

const HALF = 64 * 1024;

export class ChaosFileSystem implements FileSystem {
  private readonly faults = new Map<FsMethod, Fault>();
  /** Calls started and not yet settled (a hang keeps one here forever). */
  inFlight = 0;
  readonly calls: Record<string, number> = {};

  // Optional abilities exist here exactly when the wrapped storage has them.
  setCreatedTime?: (path: string, time: Date, ctx: FsContext) => Promise<void>;
  hash?: (path: string, options: HashOptions, ctx: FsContext) => Promise<string>;
  availableSpace?: (path: string, ctx: FsContext) => Promise<number>;

  constructor(readonly inner: FileSystem) {
    const { setCreatedTime, hash, availableSpace } = inner;
    if (setCreatedTime) this.setCreatedTime = (path, time, ctx) => this.call('setCreatedTime', ctx, () => setCreatedTime.call(inner, path, time, ctx));
    if (hash) this.hash = (path, options, ctx) => this.call('hash', ctx, () => hash.call(inner, path, options, ctx));
    if (availableSpace) this.availableSpace = (path, ctx) => this.call('availableSpace', ctx, () => availableSpace.call(inner, path, ctx));
  }

  fail(method: FsMethod, fault: Fault): this {
    this.faults.set(method, fault);
    return this;
  }

  heal(): this {
    this.faults.clear();
    return this;
  }

  stat(path: string, ctx: FsContext): Promise<FileStat> {
    return this.call('stat', ctx, () => this.inner.stat(path, ctx));
  }

  list(path: string, ctx: FsContext): Promise<Iterable<FileStat> | AsyncIterable<FileStat>> {
    return this.call('list', ctx, async () => this.inner.list(path, ctx));
  }

  read(path: string, options: ReadOptions, ctx: FsContext): Promise<Readable | AsyncIterable<Uint8Array>> {
    const fault = this.faults.get('read');
    if (fault === 'fail-midway' || fault === 'stall-midway') return Promise.resolve(brokenStream(fault, ctx.signal));
    return this.call('read', ctx, () => this.inner.read(path, options, ctx));
  }

  write(path: string, source: Readable, options: WriteOptions, ctx: FsContext): Promise<void> {
    const fault = this.faults.get('write');
    if (fault === 'fail-midway') return this.track(consume(source, HALF).then(() => Promise.reject(leakyError())));
    if (fault === 'stall-midway') return this.track(consume(source, HALF).then(() => new Promise<void>(() => undefined)));
    if (fault === 'lazy-write') return this.track(Promise.resolve());
    return this.call('write', ctx, () => this.inner.write(path, source, options, ctx) as Promise<void>);
  }

  delete(path: string, ctx: FsContext): Promise<void> {
    return this.call('delete', ctx, () => this.inner.delete(path, ctx));
  }

  mkdir(path: string, ctx: FsContext): Promise<void> {
    return this.call('mkdir', ctx, () => this.inner.mkdir(path, ctx));
  }

  rmdir(path: string, ctx: FsContext): Promise<void> {
    return this.call('rmdir', ctx, () => this.inner.rmdir(path, ctx));
  }

  rename(from: string, to: string, ctx: FsContext): Promise<void> {
    return this.call('rename', ctx, () => this.inner.rename(from, to, ctx));
  }

  setModifiedTime(path: string, time: Date, ctx: FsContext): Promise<void> {
    return this.call('setModifiedTime', ctx, () => this.inner.setModifiedTime!(path, time, ctx));
  }

  chmod(path: string, mode: number, ctx: FsContext): Promise<void> {
    return this.call('chmod', ctx, () => this.inner.chmod!(path, mode, ctx));
  }

  private call<T>(method: FsMethod, ctx: FsContext, forward: () => Promise<T>): Promise<T> {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    const fault = this.faults.get(method);
    if (fault === undefined) return this.track(forward());
    if (fault === 'throw') throw leakyError();
    if (fault === 'reject') return this.track(Promise.reject(leakyError()));
    if (fault === 'hang') return this.track(new Promise<T>(() => undefined));
    if (fault === 'hang-abortable') {
      return this.track(
        new Promise<T>((_, reject) => {
          if (ctx.signal.aborted) reject(ctx.signal.reason);
          else ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        }),
      );
    }
    if (typeof fault === 'object') return this.track(Promise.resolve(fault.garbage as T));
    return this.track(forward());
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight++;
    const settle = () => void this.inFlight--;
    promise.then(settle, settle);
    return promise;
  }
}

/** Reads about `bytes` bytes (or to the end) of `source`, then stops reading without closing it. */
function consume(source: Readable, bytes: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen < bytes) return;
      source.off('data', onData);
      source.pause();
      resolve();
    };
    source.on('data', onData);
    source.once('end', resolve);
    source.once('close', resolve);
    source.once('error', () => resolve());
  });
}

function brokenStream(fault: 'fail-midway' | 'stall-midway', signal: AbortSignal): Readable {
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent < HALF) {
        sent += 16 * 1024;
        this.push(Buffer.alloc(16 * 1024, 0x61));
      } else if (fault === 'fail-midway') {
        this.destroy(leakyError());
      }
      // stall-midway: never push again; only destroy() ends it.
    },
  });
  signal.addEventListener('abort', () => stream.destroy(), { once: true });
  return stream;
}
