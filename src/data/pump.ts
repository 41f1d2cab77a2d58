import { Readable, type Duplex, type Writable } from 'node:stream';
import { MAX_SLICE, type ChunkCheck } from './byte-counter.js';
import { confirmEnd } from './confirmed-end.js';
import { recyclerOf } from './recycle.js';

/** Where a transfer's byte count lives (a plain field, no stream stage per transfer). */
export interface Tally {
  bytes: number;
}

/** Largest piece handed to the socket at once, for a client that keeps up. */
const MAX_PIECE = 1024 * 1024;
/** A piece drained faster than this: the next may be twice as big. */
const FAST_DRAIN_MS = 100;
/** A piece took longer than this to drain: the next is half as big (not below MAX_SLICE). */
const SLOW_DRAIN_MS = 5000;

/**
 * Copies a download's bytes into the data connection: one listener pair per
 * transfer instead of a pipeline of stream stages (each stage costs objects, an
 * AbortController and a tick per chunk; for a 4 KB file the setup is most of
 * the work). Chunks go out in pieces, the next one only once the socket
 * drained, and are counted as they are handed over: the count follows what the
 * client takes, so the stall timer sees a slow client move. Pieces start at
 * MAX_SLICE (128 KB: a few seconds even for a slow client) and double while
 * the client drains them quickly or the socket takes them at once, up to
 * 1 MiB: handing 128 KB at a time costs a fast transfer about a quarter more
 * CPU than 1 MiB writes (measured on loopback, plain and TLS). Resolves once the socket flushed its last byte;
 * rejects (and destroys the source) when either side fails or the socket
 * closes early.
 */
export function sendTo(source: Readable, socket: Writable, tally: Tally): Promise<void> {
  return new Promise((resolve, reject) => {
    const recycle = recyclerOf(source);
    let chunk: Buffer | undefined;
    let rest: Buffer | undefined;
    let size = MAX_SLICE;
    let handedAt = 0;
    let ended = false;
    let settled = false;
    const done = (error?: Error | null) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', done);
      socket.off('drain', onDrain);
      socket.off('error', done);
      socket.off('close', onClose);
      if (error) {
        source.destroy();
        reject(error);
      } else {
        resolve();
      }
    };
    /** Hands pieces of `rest` over until the socket pushes back; true when all went. */
    const flush = (): boolean => {
      while (rest) {
        const piece = rest.length > size ? rest.subarray(0, size) : rest;
        rest = piece === rest ? undefined : rest.subarray(size);
        tally.bytes += piece.length;
        // The chunk's last piece written is the whole chunk written: the source may read into it again.
        const written = rest || !recycle ? undefined : recycle.bind(undefined, chunk!);
        if (!socket.write(piece, written)) {
          handedAt = performance.now();
          return false;
        }
        // Taken at once (the kernel's buffer had room): the fastest drain there is.
        // Without this, a client that never makes the socket push back would get
        // 128 KB pieces forever: eight write calls per MiB instead of one.
        size = Math.min(size * 2, MAX_PIECE);
      }
      return true;
    };
    // end() hands its callback the error of a write that failed after all was handed over (a reset).
    const finish = () => socket.end((error?: Error | null) => done(error));
    const onData = (data: Buffer) => {
      chunk = rest = data; // the source is paused while a chunk is still going out
      if (!flush()) source.pause();
    };
    const onDrain = () => {
      const took = performance.now() - handedAt;
      if (took < FAST_DRAIN_MS) size = Math.min(size * 2, MAX_PIECE);
      else if (took > SLOW_DRAIN_MS) size = Math.max(size / 2, MAX_SLICE);
      if (!flush()) return;
      if (ended) finish();
      else source.resume();
    };
    // 'end' comes once the last chunk was emitted, even if pieces of it still wait.
    const onEnd = () => {
      ended = true;
      if (!rest) finish();
    };
    const onClose = () => done(prematureClose('data connection closed before the transfer ended'));
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', done);
    socket.on('drain', onDrain);
    socket.on('error', done);
    socket.on('close', onClose);
  });
}

/**
 * Hands one batch (of a listing) to `sink`, counted in `tally` when given.
 * Undefined when the sink took it; else a promise that resolves once it
 * drained, and rejects when it fails or closes first. The caller makes the
 * next batch only then: a huge listing streams, never piles up in memory.
 */
export function writeBatch(sink: Writable, batch: Buffer, tally?: Tally): Promise<void> | undefined {
  if (tally) tally.bytes += batch.length;
  return sink.write(batch) ? undefined : writable(sink, 'drain');
}

/** Ends `sink` and resolves once its last byte went out (rejects when it fails or closes first). */
export function endWriting(sink: Writable): Promise<void> {
  sink.end();
  return writable(sink, 'finish');
}

/** Resolves at `event` ('drain' or 'finish'); rejects when the socket fails or closes first. */
function writable(socket: Writable, event: 'drain' | 'finish'): Promise<void> {
  if (event === 'finish' && socket.writableFinished) return Promise.resolve();
  if (socket.destroyed) return Promise.reject(socket.errored ?? prematureClose('data connection closed before the transfer ended'));
  return new Promise((resolve, reject) => {
    const settle = (error?: Error | null) => {
      socket.off(event, onEvent);
      socket.off('error', settle);
      socket.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onEvent = () => settle();
    const onClose = () => settle(socket.errored ?? prematureClose('data connection closed before the transfer ended'));
    socket.on(event, onEvent);
    socket.on('error', settle);
    socket.on('close', onClose);
  });
}

/**
 * An upload as storage sees it: the data socket's chunks, counted, `check`ed
 * as they arrive (a limit stops the upload the moment it is crossed). A
 * Readable fed straight from the socket, not a Transform in a pipeline: one
 * buffer hop and one pipeline (with its AbortController) fewer per transfer.
 * Its end is confirmed as ConfirmedEnd does: a reset that came with the last
 * bytes fails the upload instead of storing a truncated file.
 */
export class Intake extends Readable {
  private ended = false;

  constructor(
    private readonly socket: Duplex,
    private readonly tally: Tally,
    private readonly check?: ChunkCheck,
  ) {
    // A small buffer of its own: storage's write stream already holds a chunk's worth
    // (1 MiB) of the upload. Holding another MiB here kept twice as many of the
    // socket's 64 KB read buffers alive between garbage collections: twice the
    // page faults per GiB (measured 20,700 → 9,200) for no speed.
    super({ highWaterMark: 64 * 1024 });
    // Storage may refuse before it reads (a jailed path, a veto): the error must
    // not go unhandled then; consumers that read get it through their own listener.
    this.on('error', () => undefined);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    // An empty upload may have ended before the transfer took the socket (a
    // TLS data connection whose client closed right after its handshake).
    if (socket.readableEnded) queueMicrotask(this.onEnd);
  }

  private readonly onData = (chunk: Buffer) => {
    this.tally.bytes += chunk.length;
    const error = this.check?.(chunk.length, this.tally.bytes);
    if (error) this.destroy(error);
    else if (!this.push(chunk)) this.socket.pause();
  };

  private readonly onEnd = () => {
    this.ended = true;
    confirmEnd(this.socket, (error) => (error ? this.destroy(error) : this.push(null)));
  };

  private readonly onError = (error: Error) => this.destroy(error);

  /**
   * Closed without an end (destroyed, reset): the upload is incomplete. A TLS
   * socket may close before it emits the 'end' it already reached; like
   * `finished()`, an end reached with nothing left to read counts as the end.
   */
  private readonly onClose = () => {
    if (this.ended || this.destroyed) return;
    if (reachedEnd(this.socket)) this.onEnd();
    else this.destroy(prematureClose('data connection closed before the upload ended'));
  };

  override _read(): void {
    this.socket.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
    if (error) this.socket.destroy();
    callback(error);
  }
}

/** The error of a connection that closed too early, coded as Node codes it (it is the client's doing, not storage's). */
function prematureClose(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

/** The readable side got its EOF and holds no unread bytes (what `finished()` looks at). */
function reachedEnd(stream: Duplex): boolean {
  const state = (stream as Duplex & { _readableState?: { ended?: boolean } })._readableState;
  return stream.readableEnded || (state?.ended === true && stream.readableLength === 0);
}

/**
 * `source.pipe(sink)` with what `pipeline()` adds that storage needs (errors
 * on either side destroy both, an abort signal stops it), without the
 * AbortController and end-of-stream machinery `pipeline()` builds per call
 * (about 20 µs of CPU: a 4 KB upload pays it on every file). Resolves when the
 * sink finished (every write done); rejects once a failed sink closed, so no
 * write of it is still running.
 */
export function pour(source: Readable, sink: Writable, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else if (!sink.writableFinished) reject(new Error('storage closed before the upload ended'));
      else resolve();
    };
    const fail = (error: Error, fromStorage = false) => {
      failure ??= error;
      source.unpipe(sink);
      // The upload's source learns that storage failed: otherwise its teardown
      // looks like the client leaving (426) rather than a storage error (451).
      source.destroy(fromStorage ? error : undefined);
      sink.destroy();
    };
    const onAbort = () => fail(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    source.on('error', (error) => fail(error));
    sink.on('error', (error) => fail(error, true));
    sink.on('finish', () => failure === undefined && settle());
    sink.on('close', settle);
    source.pipe(sink);
  });
}
