import { randomBytes } from 'node:crypto';
import { constants, createWriteStream, lstatSync, opendirSync, realpathSync, statSync, type Dir, type Stats, type WriteStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as nodePath from 'node:path';
import { Readable } from 'node:stream';
import { pour } from '../data/pump.js';
import { FtpError, errorKind, isFtpError } from '../errors.js';
import { baseName, parentPath } from '../session/paths.js';
import { FileChunks } from './file-chunks.js';
import { SETTLES_AT_ONCE } from './guard.js';
import { inlineCalls, quietly, settle, threadPoolCalls, type MetadataCalls } from './local-calls.js';
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
  /** Entries a listing reads from the directory at once (and, with thread-pool calls, stats at once). */
  statConcurrency?: number;
  /**
   * How metadata calls (realpath, stat, open, mkdir, rename...) are made:
   * `'inline'` (default) synchronously, a few microseconds each on a local
   * disk and several times cheaper than a trip through libuv's thread pool;
   * `'thread-pool'` keeps every call off the event loop, for network
   * filesystems where a single stat may hang. File contents always go through
   * the thread pool.
   */
  metadataCalls?: 'inline' | 'thread-pool';
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
  /** The real root once known: most calls need it without waiting. */
  private knownRealRoot: string | undefined;
  private readonly atomicUploads: boolean;
  private readonly chunkSize: number;
  private readonly statConcurrency: number;
  private readonly calls: MetadataCalls;

  constructor(root: string, options: LocalFileSystemOptions = {}) {
    this.root = nodePath.resolve(root);
    this.atomicUploads = options.atomicUploads ?? false;
    this.chunkSize = options.chunkSize ?? DEFAULT_CHUNK;
    this.statConcurrency = options.statConcurrency ?? 64;
    this.calls = options.metadataCalls === 'thread-pool' ? threadPoolCalls : inlineCalls;
  }

  /**
   * What the server's storage guard need not race against an abort (see
   * SETTLES_AT_ONCE): these very functions, so a subclass that overrides one
   * (and may wait inside it) is raced again.
   */
  get [SETTLES_AT_ONCE](): ReadonlySet<unknown> | undefined {
    return this.calls === inlineCalls ? INLINE_METHODS : undefined;
  }

  stat(path: string): Promise<FileStat> {
    if (this.calls === inlineCalls) return wrap(settle(() => describe(baseName(path) || '/', statSync(this.resolveExistingNow(path)))));
    return this.statLater(path);
  }

  private async statLater(path: string): Promise<FileStat> {
    const real = await this.resolveExisting(path);
    return describe(baseName(path) || '/', await wrap(this.calls.stat(real)));
  }

  list(path: string): AsyncIterable<FileStat> {
    return this.calls === inlineCalls ? new SyncEntries(() => this.entriesNow(path)) : this.entriesLater(path);
  }

  /**
   * The listing with inline calls: each entry read and described synchronously
   * as it is taken, no promise per entry (a 50,000-entry directory would
   * otherwise cost 50,000 trips through the microtask queue).
   */
  private *entriesNow(path: string): Generator<FileStat> {
    const real = this.resolveExistingNow(path);
    const realRoot = this.knownRealRoot!;
    const prefix = real.endsWith(nodePath.sep) ? real : real + nodePath.sep;
    let dir: Dir;
    try {
      dir = opendirSync(real, { bufferSize: Math.max(32, this.statConcurrency) });
    } catch (error) {
      throw toFtpError(error);
    }
    try {
      for (let entry = dir.readSync(); entry; entry = dir.readSync()) {
        if (entry.name.startsWith(TEMP_PREFIX)) continue;
        const stats = quietly(() => lstatSync(prefix + entry!.name, { throwIfNoEntry: false }));
        const described = stats && this.listedNow(entry.name, prefix + entry.name, stats, realRoot);
        if (described) yield described;
      }
    } catch (error) {
      throw toFtpError(error);
    } finally {
      quietly(() => dir.closeSync());
    }
  }

  /** An entry as listed: a link by what it leads to, or left out when that is outside the root or nowhere. */
  private listedNow(name: string, local: string, stats: Stats, realRoot: string): FileStat | undefined {
    if (!stats.isSymbolicLink()) return describe(name, stats);
    return quietly(() => {
      const real = realpathSync.native(local);
      return inside(real, realRoot) ? describe(name, statSync(real)) : undefined;
    });
  }

  private async *entriesLater(path: string): AsyncIterable<FileStat> {
    const real = await this.resolveExisting(path);
    const realRoot = this.knownRealRoot ?? (await this.getRealRoot());
    const dir = await wrap(this.calls.opendir(real, Math.max(32, this.statConcurrency)));
    try {
      for (let ended = false; !ended; ) {
        const names: string[] = [];
        ended = await this.readNames(dir, names);
        if (names.length > 0) yield* await this.statBatch(real, names, realRoot);
      }
    } catch (error) {
      throw toFtpError(error);
    } finally {
      await this.calls.closedir(dir).catch(() => undefined);
    }
  }

  async read(path: string, options: ReadOptions): Promise<Readable> {
    const real = await this.resolveExisting(path);
    const fd = await wrap(this.calls.open(real, constants.O_RDONLY));
    let stats: Stats;
    try {
      stats = await this.calls.fstat(fd);
      if (stats.isDirectory()) throw new FtpError('is-a-directory');
    } catch (error) {
      await this.calls.close(fd).catch(() => undefined);
      throw toFtpError(error);
    }
    // Reading up to the size known now ends the stream without one more read
    // that finds nothing (a thread-pool round trip per file: small files notice).
    if (stats.size <= options.start) {
      await this.calls.close(fd).catch(() => undefined);
      return Readable.from([]);
    }
    return new FileChunks(fd, options.start, stats.size, this.chunkSize);
  }

  async write(path: string, source: Readable, options: WriteOptions, ctx: FsContext): Promise<void> {
    const real = await this.resolveForCreate(path);
    const inPlace = options.append || options.start > 0 || !this.atomicUploads;
    const target = inPlace ? real : nodePath.join(nodePath.dirname(real), TEMP_PREFIX + randomBytes(6).toString('hex'));
    const flags = options.append ? 'a' : options.start > 0 ? 'r+' : 'w';
    const fd = await wrap(this.calls.open(target, flags, 0o644));
    let sink: WriteStream | undefined;
    try {
      if (!options.append && options.start > 0) await this.calls.ftruncate(fd, options.start);
      // A finished upload's descriptor is closed here, with the metadata calls
      // (inline on a local disk: no thread-pool round trip per upload), and a
      // close error (NFS reports write errors there) still fails it. A failed
      // one is closed by the stream itself when it is destroyed (never twice:
      // the number may already belong to another socket or file).
      sink = createWriteStream(target, { fd, start: options.append ? undefined : options.start, highWaterMark: this.chunkSize, autoClose: false });
      await pour(source, sink, ctx.signal);
      await this.calls.close(fd);
      if (!inPlace) await this.calls.rename(target, real);
    } catch (error) {
      if (!sink) await this.calls.close(fd).catch(() => undefined);
      if (!inPlace) await fsp.rm(target, { force: true }).catch(() => undefined);
      throw toFtpError(error);
    }
  }

  async delete(path: string): Promise<void> {
    const real = await this.resolveEntry(path);
    const stats = await wrap(this.calls.lstat(real));
    if (!stats) throw new FtpError('not-found');
    if (stats.isDirectory()) throw new FtpError('is-a-directory');
    await wrap(this.calls.unlink(real));
  }

  async mkdir(path: string): Promise<void> {
    await wrap(this.calls.mkdir(await this.resolveForCreate(path)));
  }

  async rmdir(path: string): Promise<void> {
    if (path === '/') throw new FtpError('permission-denied');
    await wrap(this.calls.rmdir(await this.resolveEntry(path)));
  }

  async rename(from: string, to: string): Promise<void> {
    if (from === '/' || to === '/') throw new FtpError('permission-denied');
    const source = await this.resolveEntry(from);
    const target = await this.resolveForCreate(to);
    await wrap(this.calls.rename(source, target));
  }

  async setModifiedTime(path: string, time: Date): Promise<void> {
    const real = await this.resolveExisting(path);
    const stats = await wrap(this.calls.stat(real));
    await wrap(this.calls.utimes(real, stats.atime, time));
  }

  async chmod(path: string, mode: number): Promise<void> {
    await wrap(this.calls.chmod(await this.resolveExisting(path), mode & 0o7777));
  }

  async availableSpace(path: string): Promise<number> {
    const stats = await wrap(fsp.statfs(await this.resolveExisting(path)));
    return stats.bavail * stats.bsize;
  }

  private getRealRoot(): Promise<string> {
    this.realRoot ??= this.calls.realpath(this.root).then(
      (real) => (this.knownRealRoot = real),
      (error: unknown) => {
        this.realRoot = undefined; // the root may be created later
        throw toFtpError(error);
      },
    );
    return this.realRoot;
  }

  /** Real path of an existing entry, links followed, refused unless inside the root. */
  private async resolveExisting(path: string): Promise<string> {
    const realRoot = this.knownRealRoot ?? (await this.getRealRoot());
    const real = await wrap(this.calls.realpath(this.toLocal(realRoot, path)));
    if (!inside(real, realRoot)) throw new FtpError('not-found');
    return real;
  }

  /** resolveExisting, synchronously (inline calls only). */
  private resolveExistingNow(path: string): string {
    try {
      const realRoot = (this.knownRealRoot ??= realpathSync.native(this.root));
      const real = realpathSync.native(this.toLocal(realRoot, path));
      if (!inside(real, realRoot)) throw new FtpError('not-found');
      return real;
    } catch (error) {
      throw toFtpError(error);
    }
  }

  /** An entry itself (a link is not followed), in a parent that resolves inside the root. */
  private async resolveEntry(path: string): Promise<string> {
    const parent = await this.resolveExisting(parentPath(path));
    return nodePath.join(parent, baseName(path));
  }

  /**
   * Where a new entry would go (its parent is already real). Nothing there, or
   * a plain entry: that path. A link: its target, which must be inside; a
   * dangling link is refused, so a write cannot follow it out of the root.
   */
  private async resolveForCreate(path: string): Promise<string> {
    const real = await this.resolveEntry(path);
    const entry = await wrap(this.calls.lstat(real));
    if (!entry?.isSymbolicLink()) return real;
    const realRoot = await this.getRealRoot();
    try {
      const resolved = await this.calls.realpath(real);
      if (!inside(resolved, realRoot)) throw new FtpError('permission-denied');
      return resolved;
    } catch (error) {
      if (errorKind(error) === 'not-found' && !isFtpError(error)) throw new FtpError('permission-denied');
      throw toFtpError(error);
    }
  }

  private toLocal(realRoot: string, path: string): string {
    return path === '/' ? realRoot : nodePath.join(realRoot, ...path.split('/'));
  }

  /**
   * Adds up to `statConcurrency` names from the directory to `names`, upload
   * temp files left out; true once the directory ended (reading past the end
   * would ask the kernel once more).
   */
  private async readNames(dir: Dir, names: string[]): Promise<boolean> {
    while (names.length < this.statConcurrency) {
      const entry = await dir.read();
      if (!entry) return true;
      if (!entry.name.startsWith(TEMP_PREFIX)) names.push(entry.name);
    }
    return false;
  }

  /** The batch's entries described; vanished ones, broken links and links leading out are left out. */
  private async statBatch(dir: string, names: string[], realRoot: string): Promise<FileStat[]> {
    const prefix = dir.endsWith(nodePath.sep) ? dir : dir + nodePath.sep;
    const all = await this.calls.lstatMany(names.map((name) => prefix + name));
    const entries: FileStat[] = [];
    for (let i = 0; i < names.length; i++) {
      const stats = all[i];
      if (!stats) continue;
      if (!stats.isSymbolicLink()) {
        entries.push(describe(names[i]!, stats));
        continue;
      }
      try {
        const real = await this.calls.realpath(prefix + names[i]);
        if (inside(real, realRoot)) entries.push(describe(names[i]!, await this.calls.stat(real)));
      } catch {
        // a broken link
      }
    }
    return entries;
  }
}

/**
 * With inline metadata calls, these methods do only synchronous work behind
 * their promise (file contents are not read yet when `read` returns).
 */
const INLINE_METHODS: ReadonlySet<unknown> = new Set(
  (['stat', 'read', 'delete', 'mkdir', 'rmdir', 'rename', 'setModifiedTime', 'chmod'] as const).map((name) => LocalFileSystem.prototype[name]),
);

/**
 * Entries read as they are taken, by `for...of` (the server's listings) or by
 * `for await` (any other consumer of FileSystem.list).
 */
class SyncEntries implements Iterable<FileStat>, AsyncIterable<FileStat> {
  constructor(private readonly entries: () => Generator<FileStat>) {}

  [Symbol.iterator](): Generator<FileStat> {
    return this.entries();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<FileStat> {
    yield* this.entries();
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

/** `promise`, with a Node error turned into its FtpError (one reaction, not an async frame: on every call). */
function wrap<T>(promise: Promise<T>): Promise<T> {
  return promise.then(undefined, rethrowAsFtpError);
}

function rethrowAsFtpError(error: unknown): never {
  throw toFtpError(error);
}
