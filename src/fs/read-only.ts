import { FtpError } from '../errors.js';
import { forwardOptional, OptionalMethods } from './forward.js';
import type { FileStat, FileSystem, FsContext, ReadOptions } from './types.js';
import type { Readable } from 'node:stream';

/**
 * A filesystem that can only be read: listings and downloads pass through,
 * every change is refused with 550. The optional methods that change things
 * (chmod, set-time) are left out, so FEAT and SITE HELP do not offer them.
 *
 * Compose it: `readOnly(new LocalFileSystem('/srv/archive'))`, or as one mount
 * of a `MountFileSystem`.
 */
export class ReadOnlyFileSystem extends OptionalMethods implements FileSystem {
  constructor(readonly inner: FileSystem) {
    super();
    forwardOptional(this, inner, ['hash', 'availableSpace', 'usedSpace']);
  }

  stat(path: string, ctx: FsContext): Promise<FileStat> {
    return this.inner.stat(path, ctx);
  }

  list(path: string, ctx: FsContext): ReturnType<FileSystem['list']> {
    return this.inner.list(path, ctx);
  }

  read(path: string, options: ReadOptions, ctx: FsContext): Promise<Readable | AsyncIterable<Uint8Array>> {
    return this.inner.read(path, options, ctx);
  }

  async write(): Promise<void> {
    throw new FtpError('permission-denied');
  }

  async delete(): Promise<void> {
    throw new FtpError('permission-denied');
  }

  async mkdir(): Promise<void> {
    throw new FtpError('permission-denied');
  }

  async rmdir(): Promise<void> {
    throw new FtpError('permission-denied');
  }

  async rename(): Promise<void> {
    throw new FtpError('permission-denied');
  }
}

/** `new ReadOnlyFileSystem(fs)`. */
export function readOnly(fs: FileSystem): ReadOnlyFileSystem {
  return new ReadOnlyFileSystem(fs);
}
