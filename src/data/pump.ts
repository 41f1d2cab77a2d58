import { Readable, type Duplex, type Writable } from 'node:stream';
import { MAX_SLICE, type ChunkCheck } from './byte-counter.js';
import { confirmEnd } from './confirmed-end.js';

/** Where a transfer's byte count lives (a plain field, no stream stage per transfer). */
export interface Tally {
  bytes: number;
}

/**
 * Copies a download's bytes into the data connection: one listener pair per
 * transfer instead of a pipeline of stream stages (each stage costs objects, an
 * AbortController and a tick per chunk; for a 4 KB file the setup is most of
 * the work). Big chunks go out in pieces of at most MAX_SLICE, the next one only
 * once the socket drained, and are counted as they are handed over: the count
 * follows what the client takes, so a slow client is never taken for a stalled
 * one. Resolves once the socket flushed its last byte; rejects (and destroys
 * the source) when either side fails or the socket closes early.
 */
export function sendTo(source: Readable, socket: Writable, tally: Tally): Promise<void> {
  return new Promise((resolve, reject) => {
    let rest: Buffer | undefined;
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
        const piece = rest.length > MAX_SLICE ? rest.subarray(0, MAX_SLICE) : rest;
        rest = piece === rest ? undefined : rest.subarray(MAX_SLICE);
        tally.bytes += piece.length;
        if (!socket.write(piece)) return false;
      }
      return true;
    };
    const finish = () => socket.end(() => done());
    const onData = (chunk: Buffer) => {
      rest = chunk; // the source is paused while a chunk is still going out
      if (!flush()) source.pause();
    };
    const onDrain = () => {
      if (!flush()) return;
      if (ended) finish();
      else source.resume();
    };
    // 'end' comes once the last chunk was emitted, even if pieces of it still wait.
    const onEnd = () => {
      ended = true;
      if (!rest) finish();
    };
    const onClose = () => done(new Error('data connection closed before the transfer ended'));
    source.on('data', onData);
    source.on('end', onEnd);
    source.on('error', done);
    socket.on('drain', onDrain);
    socket.on('error', done);
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
    super({ highWaterMark: 1024 * 1024 });
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
    else this.destroy(new Error('data connection closed before the upload ended'));
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

/** The readable side got its EOF and holds no unread bytes (what `finished()` looks at). */
function reachedEnd(stream: Duplex): boolean {
  const state = (stream as Duplex & { _readableState?: { ended?: boolean } })._readableState;
  return stream.readableEnded || (state?.ended === true && stream.readableLength === 0);
}

/**
 * `source.pipe(sink)` with what `pipeline()` adds that storage needs (errors
 * on either side destroy both, an abort signal stops it, the promise settles
 * once the sink closed), without the AbortController and end-of-stream
 * machinery `pipeline()` builds per call (about 20 µs of CPU: a 4 KB upload
 * pays it on every file).
 */
export function pour(source: Readable, sink: Writable, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    const fail = (error: Error) => {
      failure ??= error;
      source.unpipe(sink);
      source.destroy();
      sink.destroy();
    };
    const onAbort = () => fail(signal!.reason instanceof Error ? signal!.reason : new Error('aborted'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    source.on('error', fail);
    sink.on('error', fail);
    sink.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      if (failure) reject(failure);
      else if (!sink.writableFinished) reject(new Error('storage closed before the upload ended'));
      else resolve();
    });
    source.pipe(sink);
  });
}
