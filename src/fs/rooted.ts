import type { Readable } from 'node:stream';
import { FtpError } from '../errors.js';
import { baseName, resolvePath } from '../session/paths.js';
import { PATH_METHODS, forwardOptional, OptionalMethods } from './forward.js';
import type { FileStat, FileSystem, FsContext, ReadOptions, WriteOptions, WriteResult } from './types.js';

/**
 * A sub-folder of another filesystem as a whole tree: `rooted(shared, '/home/alice')`
 * shows alice `/home/alice` as `/`, and nothing above it can be named (paths
 * arrive jailed and normalized, and are only ever appended to the folder).
 * The folder must exist and may not contain `..`: hosts build it from user
 * names (`/home/${username}`), and a name `..` must not give its user the
 * parent tree; the constructor throws a TypeError instead. Optional methods are forwarded when the inner
 * filesystem has them (`usedSpace` only for the whole tree: a sub-folder's
 * usage is measured by a walk).
 */
export class RootedFileSystem extends OptionalMethods implements FileSystem {
  /** The folder of `inner` that is "/" here, normalized. */
  readonly folder: string;

  constructor(
    readonly inner: FileSystem,
    folder: string,
  ) {
    super();
    if (folder.split(/[/\\]/).includes('..')) throw new TypeError(`rooted(): the folder may not contain "..": ${JSON.stringify(folder)}`);
    this.folder = resolvePath('/', folder);
    forwardOptional(this, inner, PATH_METHODS, (method, _name, [path, ...rest]) => method.call(inner, this.inside(path as string), ...rest));
    if (this.folder === '/') forwardOptional(this, inner, ['usedSpace']);
  }

  /** Where a path of this tree lives in the inner one. */
  inside(path: string): string {
    if (this.folder === '/') return path;
    return path === '/' ? this.folder : this.folder + path;
  }

  async stat(path: string, ctx: FsContext): Promise<FileStat> {
    const stat = await this.inner.stat(this.inside(path), ctx);
    return path === '/' ? { ...stat, name: '/' } : { ...stat, name: baseName(path) };
  }

  list(path: string, ctx: FsContext): ReturnType<FileSystem['list']> {
    return this.inner.list(this.inside(path), ctx);
  }

  read(path: string, options: ReadOptions, ctx: FsContext): Promise<Readable | AsyncIterable<Uint8Array>> {
    return this.inner.read(this.inside(path), options, ctx);
  }

  write(path: string, source: Readable, options: WriteOptions, ctx: FsContext): Promise<void | WriteResult> {
    return this.inner.write(this.inside(path), source, options, ctx);
  }

  delete(path: string, ctx: FsContext): Promise<void> {
    return this.inner.delete(this.inside(path), ctx);
  }

  mkdir(path: string, ctx: FsContext): Promise<void> {
    return this.inner.mkdir(this.inside(path), ctx);
  }

  async rmdir(path: string, ctx: FsContext): Promise<void> {
    // The folder is this tree's root: it cannot be removed from inside.
    if (path === '/') throw new FtpError('permission-denied');
    return this.inner.rmdir(this.inside(path), ctx);
  }

  async rename(from: string, to: string, ctx: FsContext): Promise<void> {
    if (from === '/' || to === '/') throw new FtpError('permission-denied');
    return this.inner.rename(this.inside(from), this.inside(to), ctx);
  }
}

/** `new RootedFileSystem(fs, folder)`. */
export function rooted(fs: FileSystem, folder: string): RootedFileSystem {
  return new RootedFileSystem(fs, folder);
}
