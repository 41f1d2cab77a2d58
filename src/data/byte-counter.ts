import { Transform, type TransformCallback } from 'node:stream';

/** Decides, per chunk, whether bytes may go on: an error stops the stream (a limit was crossed). */
export type ChunkCheck = (chunkBytes: number, totalBytes: number) => Error | undefined;

/** Rate limiting: how long to hold the next chunk back (ms; 0 to pass it on now). */
export interface Throttle {
  delay(bytes: number): number;
}

/**
 * Waits shorter than this are not waited: the debt stays in the bucket and is
 * paid by a later, longer wait. So a throttled transfer sets at most a few
 * timers per second, never one per chunk.
 */
const MIN_WAIT_MS = 40;

/**
 * Counts the bytes that pass; fails the stream as soon as `check` says a
 * limit is crossed (maximum file size, quota), so an upload is stopped while
 * it streams rather than after it was stored; and holds chunks back to keep
 * a rate (`throttle`).
 */
export class ByteCounter extends Transform {
  bytes = 0;
  private held: NodeJS.Timeout | undefined;

  constructor(
    private readonly check?: ChunkCheck,
    private readonly throttle?: Throttle,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    const error = this.check?.(chunk.length, this.bytes);
    if (error) {
      done(error);
      return;
    }
    const wait = this.throttle ? this.throttle.delay(chunk.length) : 0;
    if (wait < MIN_WAIT_MS) {
      done(null, chunk);
      return;
    }
    this.held = setTimeout(() => {
      this.held = undefined;
      done(null, chunk);
    }, wait);
  }

  /** A chunk is held back for the rate: the transfer is moving, at its pace. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.held) clearTimeout(this.held);
    this.held = undefined;
    callback(error);
  }
}

/** Largest piece handed to a data socket at a time (see `sliceChunks`). */
export const MAX_SLICE = 128 * 1024;

/**
 * Cuts large buffers into MAX_SLICE pieces (views, no copy). Placed before the
 * ByteCounter of a download, it makes the count follow what the client really
 * takes: the pieces wait here and pass the counter one by one as the socket
 * drains. Without it, a storage that hands over one 24 MB buffer (or a 1 MB
 * read to an 8 KB/s client) looks like a stalled transfer and is aborted while
 * it is moving.
 */
export function sliceChunks(): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (chunk.length <= MAX_SLICE) {
        done(null, chunk);
        return;
      }
      for (let i = 0; i < chunk.length; i += MAX_SLICE) this.push(chunk.subarray(i, i + MAX_SLICE));
      done();
    },
  });
}
