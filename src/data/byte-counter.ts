import { Duplex, Transform, type TransformCallback } from 'node:stream';

/**
 * Counts the bytes that pass, and fails the stream with `onLimit`'s error as soon
 * as a limit is crossed (maximum file size, quota), so an upload is stopped while
 * it streams rather than after it was stored.
 */
export class ByteCounter extends Transform {
  bytes = 0;

  constructor(
    private readonly limit = Infinity,
    private readonly onLimit: () => Error = () => new Error('limit exceeded'),
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) done(this.onLimit());
    else done(null, chunk);
  }
}

/** Largest piece handed to a data socket at a time (see `sliceChunks`). */
export const MAX_SLICE = 128 * 1024;

/**
 * Cuts large buffers into MAX_SLICE pieces (no copy), pulled one at a time.
 * Placed before the ByteCounter of a download, it makes the count follow what
 * the client really takes: a storage that hands over one 24 MB buffer (or a
 * 1 MB read to a 8 KB/s client) would otherwise look like a stalled transfer
 * and be aborted while it is moving.
 */
export function sliceChunks(): Duplex {
  return Duplex.from(slices);
}

async function* slices(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    if (chunk.length <= MAX_SLICE) {
      yield chunk;
      continue;
    }
    for (let i = 0; i < chunk.length; i += MAX_SLICE) yield chunk.subarray(i, i + MAX_SLICE);
  }
}
