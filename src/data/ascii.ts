import { Transform, type TransformCallback } from 'node:stream';

const CR = 0x0d;
const LF = 0x0a;

/**
 * TYPE A on the way out: a bare LF becomes CRLF; an existing CRLF stays as it
 * is, so text that already has network line endings is not doubled.
 */
export class ToNetworkLineEndings extends Transform {
  private lastWasCR = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let extra = 0;
    let prev = this.lastWasCR;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === LF && !prev) extra++;
      prev = chunk[i] === CR;
    }
    if (extra === 0) {
      this.lastWasCR = prev;
      done(null, chunk);
      return;
    }
    const out = Buffer.allocUnsafe(chunk.length + extra);
    let n = 0;
    prev = this.lastWasCR;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === LF && !prev) out[n++] = CR;
      out[n++] = byte;
      prev = byte === CR;
    }
    this.lastWasCR = prev;
    done(null, out);
  }
}

/**
 * TYPE A on the way in: CRLF becomes LF. A CR at the end of a chunk is held
 * back until the next chunk shows whether an LF follows; a lone CR is kept.
 */
export class FromNetworkLineEndings extends Transform {
  private pendingCR = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let n = 0;
    let i = 0;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (chunk[0] !== LF) out[n++] = CR;
    }
    for (; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === CR) {
        if (i === chunk.length - 1) {
          this.pendingCR = true;
          continue;
        }
        if (chunk[i + 1] === LF) continue;
      }
      out[n++] = byte;
    }
    done(null, out.subarray(0, n));
  }

  override _flush(done: TransformCallback): void {
    done(null, this.pendingCR ? Buffer.from([CR]) : undefined);
  }
}
