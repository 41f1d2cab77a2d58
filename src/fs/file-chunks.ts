import { close, read } from 'node:fs';
import { Readable } from 'node:stream';
import { RECYCLE, type Recycling } from '../data/recycle.js';

/** Chunks kept for reuse: one being read while one or two are in the socket. */
const SPARE_CHUNKS = 3;

/**
 * Bytes [start, end) of an open file as a stream of chunks, closing the
 * descriptor when it ends or is destroyed (never while a read is running: the
 * number could already belong to another file by the time the read lands).
 *
 * Unlike `fs.createReadStream`, a chunk its consumer hands back (see
 * `RECYCLE`) is read into again. A fresh 1 MiB buffer per read means fresh
 * pages from the allocator, and the kernel faults each one in during the
 * `pread`: measured on a 1 GiB download, 10,000–40,000 page faults and most
 * of the kernel time ftpkit spent above a bare Node pipe.
 */
export class FileChunks extends Readable implements Recycling {
  private position: number;
  private readonly spare: Buffer[] = [];
  private reading = false;
  private closeAfterRead: (() => void) | undefined;

  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
    private readonly chunkSize: number,
  ) {
    super({ highWaterMark: chunkSize });
    this.position = start;
  }

  override _read(): void {
    const length = Math.min(this.chunkSize, this.end - this.position);
    if (length <= 0) {
      this.push(null);
      return;
    }
    const buffer = (length === this.chunkSize && this.spare.pop()) || Buffer.allocUnsafeSlow(length);
    this.reading = true;
    read(this.fd, buffer, 0, length, this.position, (error, bytesRead) => {
      this.reading = false;
      if (this.closeAfterRead) return this.closeAfterRead();
      if (error) return void this.destroy(error);
      if (bytesRead === 0) return void this.push(null); // the file shrank since it was opened
      this.position += bytesRead;
      this.push(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
    });
  }

  /** Takes back a whole chunk of ours, unless someone else may still read it (a second 'data' listener, a pipe). */
  [RECYCLE](chunk: Buffer): void {
    if (this.destroyed || this.spare.length >= SPARE_CHUNKS || this.listenerCount('data') > 1) return;
    if (chunk.byteOffset === 0 && chunk.length === this.chunkSize && chunk.buffer.byteLength === this.chunkSize) this.spare.push(chunk);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.spare.length = 0;
    const closeFd = () => close(this.fd, (closeError) => callback(error ?? closeError));
    if (this.reading) this.closeAfterRead = closeFd;
    else closeFd();
  }
}
