import type { Readable } from 'node:stream';
import { FtpError } from '../errors.js';
import { baseName, isWithin, resolvePath } from '../session/paths.js';
import { PATH_METHODS, type PathMethod, OptionalMethods } from './forward.js';
import type { FileStat, FileSystem, FsContext, OptionalFsMethod, ReadOptions, WriteOptions, WriteResult } from './types.js';

/** One filesystem mounted at a folder of the tree. */
export interface Mount {
  /** Where it appears ("/", "/shared", "/archive/2024"). */
  path: string;
  filesystem: FileSystem;
}

interface Located {
  mount: Mount;
  /** The path inside the mounted filesystem. */
  inner: string;
}

/**
 * Several filesystems under one tree, like mounts on a Unix system:
 * `new MountFileSystem({ '/': home, '/shared': readOnly(team), '/archive': s3 })`.
 * Each path goes to the mount with the longest matching folder. Mount points
 * show up in the listing of their parent, and folders that lead to a mount
 * point exist even when no filesystem holds them (a tree with no "/" mount is
 * read-only outside its mounts). A rename across mounts is refused with 553
 * (FTP has no cross-device move), as is removing or renaming a mount point.
 *
 * An optional method is present when any mount has it; on a path whose mount
 * lacks it the answer is 502. `usedSpace` is present when every mount has it.
 */
export class MountFileSystem extends OptionalMethods implements FileSystem {
  readonly mounts: readonly Mount[];

  constructor(mounts: Readonly<Record<string, FileSystem>> | readonly Mount[]) {
    super();
    const list = Array.isArray(mounts) ? mounts : Object.entries(mounts as Record<string, FileSystem>).map(([path, filesystem]) => ({ path, filesystem }));
    const seen = new Set<string>();
    this.mounts = list
      .map(({ path, filesystem }) => {
        if (typeof path !== 'string' || !path.startsWith('/')) throw new TypeError(`mount path must be absolute: ${String(path)}`);
        if (!filesystem || typeof filesystem.stat !== 'function') throw new TypeError(`mount ${path} needs a filesystem`);
        const normalized = resolvePath('/', path);
        if (seen.has(normalized)) throw new TypeError(`mount path used twice: ${normalized}`);
        seen.add(normalized);
        return { path: normalized, filesystem };
      })
      // Longest first: the first match is the most specific mount.
      .sort((a, b) => b.path.length - a.path.length);
    if (this.mounts.length === 0) throw new TypeError('MountFileSystem needs at least one mount');
    this.defineOptionalMethods();
  }

  async stat(path: string, ctx: FsContext): Promise<FileStat> {
    const point = this.mountAt(path);
    if (point) {
      const stat = await point.filesystem.stat('/', ctx).catch(() => undefined);
      return stat ? { ...stat, name: baseName(path) || '/' } : folder(path);
    }
    const located = this.locate(path);
    if (!located) {
      if (path === '/' || this.mountsUnder(path).size > 0) return folder(path);
      throw new FtpError('not-found');
    }
    try {
      return await located.mount.filesystem.stat(located.inner, ctx);
    } catch (error) {
      // A folder on the way to a mount point exists even if its filesystem lacks it.
      if (this.mountsUnder(path).size > 0) return folder(path);
      throw error;
    }
  }

  async list(path: string, ctx: FsContext): Promise<AsyncIterable<FileStat>> {
    const points = this.mountsUnder(path);
    const located = this.locate(path);
    let entries: Iterable<FileStat> | AsyncIterable<FileStat> = [];
    if (located) {
      try {
        entries = await located.mount.filesystem.list(located.inner, ctx);
      } catch (error) {
        if (points.size === 0) throw error;
      }
    } else if (points.size === 0 && path !== '/') {
      throw new FtpError('not-found');
    }
    const shown = await Promise.all([...points].map((name) => this.stat(path === '/' ? `/${name}` : `${path}/${name}`, ctx)));
    return merge(shown, entries, points);
  }

  async read(path: string, options: ReadOptions, ctx: FsContext): Promise<Readable | AsyncIterable<Uint8Array>> {
    const { mount, inner } = this.writable(path, 'read');
    return mount.filesystem.read(inner, options, ctx);
  }

  async write(path: string, source: Readable, options: WriteOptions, ctx: FsContext): Promise<void | WriteResult> {
    const { mount, inner } = this.writable(path, 'write');
    return mount.filesystem.write(inner, source, options, ctx);
  }

  async delete(path: string, ctx: FsContext): Promise<void> {
    const { mount, inner } = this.writable(path, 'change');
    return mount.filesystem.delete(inner, ctx);
  }

  async mkdir(path: string, ctx: FsContext): Promise<void> {
    if (this.mountAt(path) || this.mountsUnder(path).size > 0) throw new FtpError('exists');
    const { mount, inner } = this.writable(path, 'write');
    return mount.filesystem.mkdir(inner, ctx);
  }

  async rmdir(path: string, ctx: FsContext): Promise<void> {
    const { mount, inner } = this.writable(path, 'change');
    return mount.filesystem.rmdir(inner, ctx);
  }

  async rename(from: string, to: string, ctx: FsContext): Promise<void> {
    const source = this.writable(from, 'change');
    const target = this.writable(to, 'write');
    if (source.mount !== target.mount) {
      throw new FtpError('not-supported', 'Cannot rename across mount points.', { public: true, code: 553 });
    }
    return source.mount.filesystem.rename(source.inner, target.inner, ctx);
  }

  /** The mount whose folder is exactly `path`. */
  private mountAt(path: string): Mount | undefined {
    return this.mounts.find((mount) => mount.path === path && path !== '/');
  }

  private locate(path: string): Located | undefined {
    const mount = this.mounts.find((m) => isWithin(path, m.path));
    if (!mount) return undefined;
    const inner = mount.path === '/' ? path : path === mount.path ? '/' : path.slice(mount.path.length);
    return { mount, inner };
  }

  /** Names in folder `path` that are mount points or lead to one. */
  private mountsUnder(path: string): Set<string> {
    const names = new Set<string>();
    const prefix = path === '/' ? '/' : path + '/';
    for (const { path: point } of this.mounts) {
      if (point !== path && point.startsWith(prefix)) names.add(point.slice(prefix.length).split('/')[0]!);
    }
    return names;
  }

  /**
   * The mount that holds `path` for an operation. Mount points, and folders
   * that only lead to one, cannot be changed; outside every mount nothing can.
   */
  private writable(path: string, operation: 'read' | 'write' | 'change'): Located {
    const located = this.locate(path);
    if (!located) throw new FtpError(operation === 'read' ? 'not-found' : 'permission-denied');
    if (operation === 'change' && (this.mountAt(path) || this.mountsUnder(path).size > 0)) throw new FtpError('permission-denied');
    return located;
  }

  private defineOptionalMethods(): void {
    const has = (name: OptionalFsMethod) => this.mounts.some((m) => typeof m.filesystem[name] === 'function');
    for (const name of PATH_METHODS) {
      if (!has(name)) continue;
      const method = (path: string, ...rest: unknown[]) => {
        const located = this.locate(path);
        const fn = located?.mount.filesystem[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
        if (!located || typeof fn !== 'function') return Promise.reject(new FtpError('not-supported'));
        return fn.call(located.mount.filesystem, located.inner, ...rest);
      };
      Object.defineProperty(this, name satisfies PathMethod, { value: method, writable: true, configurable: true });
    }
    if (this.mounts.every((m) => typeof m.filesystem.usedSpace === 'function')) {
      this.usedSpace = async (ctx) => {
        let total = 0;
        for (const m of this.mounts) total += await m.filesystem.usedSpace!(ctx);
        return total;
      };
    }
  }
}

/** `new MountFileSystem(mounts)`. */
export function mountTable(mounts: Readonly<Record<string, FileSystem>> | readonly Mount[]): MountFileSystem {
  return new MountFileSystem(mounts);
}

function folder(path: string): FileStat {
  return { name: baseName(path) || '/', type: 'directory', size: 0, mtime: new Date(0), mode: 0o555 };
}

/** Mount points first, then the folder's own entries without the names the mount points hide. */
async function* merge(points: readonly FileStat[], entries: Iterable<FileStat> | AsyncIterable<FileStat>, hidden: ReadonlySet<string>): AsyncIterable<FileStat> {
  yield* points;
  for await (const entry of entries) if (!hidden.has(entry.name)) yield entry;
}
