import { createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { crc32 } from 'node:zlib';
import type { FileSystem, FsContext, HashAlgorithm } from '../fs/types.js';
import type { ByteCounter } from './byte-counter.js';

/** Node's name of each FTP hash (CRC32 is computed with zlib). */
const NODE_ALGORITHM: Readonly<Record<Exclude<HashAlgorithm, 'CRC32'>, string>> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-512': 'sha512',
  MD5: 'md5',
};

/** Bytes hashed between two turns of the event loop: ABOR and STAT stay answered. */
const SLICE = 1024 * 1024;

/** One running digest, whatever the algorithm. */
class Digest {
  private readonly hash: Hash | undefined;
  private crc = 0;

  constructor(readonly algorithm: HashAlgorithm) {
    this.hash = algorithm === 'CRC32' ? undefined : createHash(NODE_ALGORITHM[algorithm]);
  }

  update(bytes: Uint8Array): void {
    if (this.hash) this.hash.update(bytes);
    else this.crc = crc32(bytes, this.crc);
  }

  hex(): string {
    return this.hash ? this.hash.digest('hex') : (this.crc >>> 0).toString(16).padStart(8, '0');
  }
}

export interface HashRequest {
  algorithm: HashAlgorithm;
  /** First byte hashed. */
  start: number;
  /** One past the last byte hashed. */
  end: number;
}

/**
 * The lowercase hex digest of bytes [start, end) of a file: from the
 * filesystem's own `hash()` when it has one (it may keep digests, or compute
 * them near the data), otherwise by reading the range. Reading yields to the
 * event loop every megabyte, so a huge file never blocks the session, and it
 * stops as soon as `ctx.signal` fires (ABOR, disconnect).
 */
export async function hashFile(fs: FileSystem, path: string, request: HashRequest, ctx: FsContext, counter: ByteCounter): Promise<string> {
  const { algorithm, start, end } = request;
  if (fs.hash) return (await fs.hash(path, { algorithm, start, end }, ctx)).toLowerCase();
  const digest = new Digest(algorithm);
  if (end <= start) return digest.hex();
  const opened = await fs.read(path, { start }, ctx);
  const source = opened instanceof Readable ? opened : Readable.from(opened, { objectMode: false });
  let remaining = end - start;
  try {
    for await (const chunk of source as AsyncIterable<Uint8Array>) {
      for (let offset = 0; offset < chunk.length && remaining > 0; offset += SLICE) {
        ctx.signal.throwIfAborted();
        const slice = chunk.subarray(offset, offset + Math.min(SLICE, remaining));
        digest.update(slice);
        remaining -= slice.length;
        counter.bytes += slice.length;
        if (slice.length === SLICE) await yieldToEventLoop();
      }
      if (remaining <= 0) break;
    }
  } finally {
    source.destroy();
  }
  return digest.hex();
}
