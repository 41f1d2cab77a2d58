import { Transform, type TransformCallback } from 'node:stream';

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
