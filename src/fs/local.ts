import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FtpError, errorKind, isFtpError } from '../errors.js';
import { baseName, parentPath } from '../session/paths.js';
import type { FileStat, FileSystem, FsContext, ReadOptions, WriteOptions } from './types.js';

export interface LocalFileSystemOptions {
  /**
   * Upload into a hidden temporary file and rename it over the target only once
   * the upload succeeded, so watchers never see a partial file and a failed
   * upload leaves the old content. Applies to STOR from offset 0; APPE and
   * REST+STOR extend the file in place.
   */
  atomicUploads?: boolean;
  /** Read and write chunk size in bytes (loopback transfers like big chunks). */
  chunkSize?: number;
  /** How many entries a listing stats at once. */
  statConcurrency?: number;
}

const TEMP_PREFIX = '.ftpkit-upload-';
const DEFAULT_CHUNK = 1024 * 1024;

/**
 * A directory on the local disk as the user's whole tree. Paths arrive already
 * normalized; every one is then resolved with realpath and refused unless it
 * stays inside the root, so a symlink inside the root cannot lead outside it.
 * Links that lead outside (or nowhere) are left out of listings.
 */
export class LocalFileSystem implements FileSystem {
  readonly root: string;
  private realRoot: Promise<string> | undefined;
  private readonly atomicUploads: boolean;
  private readonly chunkSize: number;
  private readonly statConcurrency: number;

  constructor(root: string, options: LocalFileSystemOptions = {}) {
    this.root = nodePath.resolve(root);
    this.atomicUploads = options.atomicUploads ?? false;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    this.statConcurrency = options.statConcurrency ?? 64;
  }

  async stat(path: string): Promise<FileStat> {
    const real = await this.resolveExisting(path);
    return describe(baseName(path) || '/', await wrap(fsp.stat(real)));
  }

  async *list(path: string): AsyncIterable<FileStat> {
    const real = await this.resolveExisting(path);
    const realRoot = await this.getRealRoot();
    const dir = await wrap(fsp.opendir(real, { bufferSize: 256 }));
    let batch: string[] = [];
    try {
      for await (const entry of dir) {
        if (entry.name.startsWith(TEMP_PREFIX)) continue;
        batch.push(entry.name);
        if (batch.length >= this.statConcurrency) {
          yield* await this.statBatch(real, batch, realRoot);
          batch = [];
        }
      }
      if (batch.length > 0) yield* await this.statBatch(real, batch, realRoot);
    } catch (error) {
      throw toFtpError(error);
    }
  }

  async read(path: string, options: ReadOptions): Promise<Readable> {
    const real = await this.resolveExisting(path);
    const handle = await wrap(fsp.open(real, constants.O_RDONLY));
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) throw new FtpError('is-a-directory');
    } catch (error) {
      await handle.close();
      throw toFtpError(error);
    }
    return handle.createReadStream({ start: options.start, highWaterMark: this.chunkSize });
  }

  async write(path: string, source: Readable, options: WriteOptions, ctx: FsContext): Promise<void> {
    const real = await this.resolveForCreate(path);
    const inPlace = options.append || options.start > 0 || !this.atomicUploads;
    const target = inPlace ? real : nodePath.join(nodePath.dirname(real), TEMP_PREFIX + randomBytes(6).toString('hex'));
    const flags = options.append ? 'a' : options.start > 0 ? 'r+' : 'w';
    const handle = await wrap(fsp.open(target, flags, 0o644));
    try {
      if (!options.append && options.start > 0) await handle.truncate(options.start);
      const sink = handle.createWriteStream({ start: options.append ? undefined : options.start, highWaterMark: this.chunkSize, autoClose: true });
      await pipeline(source, sink, { signal: ctx.signal });
      if (!inPlace) await fsp.rename(target, real);
    } catch (error) {
      await handle.close().catch(() => undefined);
      if (!inPlace) await fsp.rm(target, { force: true }).catch(() => undefined);
      throw toFtpError(error);
    }
  }

  async delete(path: string): Promise<void> {
    const real = await this.resolveEntry(path);
    const stats = await wrap(fsp.lstat(real));
    if (stats.isDirectory()) throw new FtpError('is-a-directory');
    await wrap(fsp.unlink(real));
  }

  async mkdir(path: string): Promise<void> {
    await wrap(fsp.mkdir(await this.resolveForCreate(path)));
  }

  async rmdir(path: string): Promise<void> {
    if (path === '/') throw new FtpError('permission-denied');
    await wrap(fsp.rmdir(await this.resolveEntry(path)));
  }

  async rename(from: string, to: string): Promise<void> {
    if (from === '/' || to === '/') throw new FtpError('permission-denied');
    const source = await this.resolveEntry(from);
    const target = await this.resolveForCreate(to);
    await wrap(fsp.rename(source, target));
  }

  async setModifiedTime(path: string, time: Date): Promise<void> {
    const real = await this.resolveExisting(path);
    const stats = await wrap(fsp.stat(real));
    await wrap(fsp.utimes(real, stats.atime, time));
  }

  async chmod(path: string, mode: number): Promise<void> {
    await wrap(fsp.chmod(await this.resolveExisting(path), mode & 0o7777));
  }

  async availableSpace(path: string): Promise<number> {
    const stats = await wrap(fsp.statfs(await this.resolveExisting(path)));
    return stats.bavail * stats.bsize;
  }

  private getRealRoot(): Promise<string> {
    this.realRoot ??= fsp.realpath(this.root).catch((error: unknown) => {
      this.realRoot = undefined; // the root may be created later
      throw toFtpError(error);
    });
    return this.realRoot;
  }

  /** Real path of an existing entry, links followed, refused unless inside the root. */
  private async resolveExisting(path: string): Promise<string> {
    const realRoot = await this.getRealRoot();
    const real = await wrap(fsp.realpath(this.toLocal(realRoot, path)));
    if (!inside(real, realRoot)) throw new FtpError('not-found');
    return real;
  }

  /** An entry itself (a link is not followed), in a parent that resolves inside the root. */
  private async resolveEntry(path: string): Promise<string> {
    const parent = await this.resolveExisting(parentPath(path));
    return nodePath.join(parent, baseName(path));
  }

  /** Where a new entry would go; if it exists and is a link, its target must be inside. */
  private async resolveForCreate(path: string): Promise<string> {
    const real = await this.resolveEntry(path);
    const realRoot = await this.getRealRoot();
    try {
      const resolved = await fsp.realpath(real);
      if (!inside(resolved, realRoot)) throw new FtpError('permission-denied');
      return resolved;
    } catch (error) {
      if (errorKind(error) === 'not-found' && !isFtpError(error)) {
        // Dangling link? Do not let a write follow it out of the root.
        const link = await fsp.lstat(real).catch(() => undefined);
        if (link?.isSymbolicLink()) throw new FtpError('permission-denied');
        return real;
      }
      throw toFtpError(error);
    }
  }

  private toLocal(realRoot: string, path: string): string {
    return path === '/' ? realRoot : nodePath.join(realRoot, ...path.split('/'));
  }

  private async statBatch(dir: string, names: string[], realRoot: string): Promise<FileStat[]> {
    const results = await Promise.all(
      names.map(async (name) => {
        const full = nodePath.join(dir, name);
        try {
          const link = await fsp.lstat(full);
          if (!link.isSymbolicLink()) return describe(name, link);
          const real = await fsp.realpath(full);
          if (!inside(real, realRoot)) return undefined;
          return describe(name, await fsp.stat(real));
        } catch {
          return undefined; // vanished, or a broken link
        }
      }),
    );
    return results.filter((entry): entry is FileStat => entry !== undefined);
  }
}

function inside(real: string, realRoot: string): boolean {
  return real === realRoot || real.startsWith(realRoot.endsWith(nodePath.sep) ? realRoot : realRoot + nodePath.sep);
}

function describe(name: string, stats: Stats): FileStat {
  return {
    name,
    type: stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : stats.isSymbolicLink() ? 'symlink' : 'other',
    size: stats.isDirectory() ? 0 : stats.size,
    mtime: stats.mtime,
    created: stats.birthtime,
    mode: stats.mode & 0o7777,
    nlink: stats.nlink,
    unique: `${stats.dev.toString(16)}-${stats.ino.toString(16)}`,
  };
}

/** Node errors keep their errno code (the server maps it) but lose their message. */
function toFtpError(error: unknown): unknown {
  if (isFtpError(error)) return error;
  const kind = errorKind(error);
  return kind ? new FtpError(kind, undefined, { cause: error }) : error;
}

async function wrap<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw toFtpError(error);
  }
}
