import * as fs from 'node:fs';
import type { Dir, Stats } from 'node:fs';
import * as fsp from 'node:fs/promises';

/**
 * The metadata system calls LocalFileSystem makes (resolve, stat, open, mkdir,
 * rename...), in two flavours behind one promise-returning shape.
 *
 * `inline` makes each call synchronously. On a local disk a stat or a realpath
 * takes 2–5 µs of CPU; the same call through libuv's thread pool costs 25–70 µs
 * of CPU (queue, thread wake-up, completion wake-up, promise), which is most of
 * what a 4 KB transfer or a listing line costs. pyftpdlib, the fastest peer on
 * small files, works the same way. `threadPool` keeps every call off the event
 * loop: choose it for network filesystems, where one stat can block for long.
 * File contents are read and written through the thread pool either way.
 */
export interface MetadataCalls {
  realpath(path: string): Promise<string>;
  stat(path: string): Promise<Stats>;
  /** `undefined` when nothing is there: the "new file" path throws nothing. */
  lstat(path: string): Promise<Stats | undefined>;
  /** `lstat` of a listing's batch of entries (one promise for the batch; `undefined`: gone or unreadable). */
  lstatMany(paths: readonly string[]): Promise<(Stats | undefined)[]>;
  open(path: string, flags: string | number, mode?: number): Promise<number>;
  opendir(path: string, bufferSize: number): Promise<Dir>;
  closedir(dir: Dir): Promise<void>;
  fstat(fd: number): Promise<Stats>;
  ftruncate(fd: number, length: number): Promise<void>;
  close(fd: number): Promise<void>;
  unlink(path: string): Promise<void>;
  mkdir(path: string): Promise<void>;
  rmdir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  utimes(path: string, atime: Date, mtime: Date): Promise<void>;
  chmod(path: string, mode: number): Promise<void>;
}

/** Runs a synchronous call and hands its outcome over as a promise (errors become rejections). */
export function settle<T>(call: () => T): Promise<T> {
  try {
    return Promise.resolve(call());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

export const inlineCalls: MetadataCalls = {
  realpath: (path) => settle(() => fs.realpathSync.native(path)),
  stat: (path) => settle(() => fs.statSync(path)),
  lstat: (path) => settle(() => fs.lstatSync(path, { throwIfNoEntry: false })),
  lstatMany: (paths) => Promise.resolve(paths.map((path) => quietly(() => fs.lstatSync(path, { throwIfNoEntry: false })))),
  open: (path, flags, mode) => settle(() => fs.openSync(path, flags, mode)),
  opendir: (path, bufferSize) => settle(() => fs.opendirSync(path, { bufferSize })),
  closedir: (dir) => settle(() => dir.closeSync()),
  fstat: (fd) => settle(() => fs.fstatSync(fd)),
  ftruncate: (fd, length) => settle(() => fs.ftruncateSync(fd, length)),
  close: (fd) => settle(() => fs.closeSync(fd)),
  unlink: (path) => settle(() => fs.unlinkSync(path)),
  mkdir: (path) => settle(() => void fs.mkdirSync(path)),
  rmdir: (path) => settle(() => fs.rmdirSync(path)),
  rename: (from, to) => settle(() => fs.renameSync(from, to)),
  utimes: (path, atime, mtime) => settle(() => fs.utimesSync(path, atime, mtime)),
  chmod: (path, mode) => settle(() => fs.chmodSync(path, mode)),
};

/** `call`'s result, or undefined when it throws. */
export function quietly<T>(call: () => T): T | undefined {
  try {
    return call();
  } catch {
    return undefined;
  }
}

/** A callback-style call as a promise (cheaper than fs/promises for fds: no FileHandle). */
function call<T>(start: (done: (error: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}

export const threadPoolCalls: MetadataCalls = {
  realpath: (path) => fsp.realpath(path),
  stat: (path) => fsp.stat(path),
  lstat: (path) =>
    fsp.lstat(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    }),
  lstatMany: (paths) => Promise.all(paths.map((path) => fsp.lstat(path).catch(() => undefined))),
  open: (path, flags, mode) => call<number>((done) => fs.open(path, flags, mode, done)),
  opendir: (path, bufferSize) => fsp.opendir(path, { bufferSize }),
  closedir: (dir) => dir.close(),
  fstat: (fd) => call<Stats>((done) => fs.fstat(fd, done)),
  ftruncate: (fd, length) => call<void>((done) => fs.ftruncate(fd, length, done)),
  close: (fd) => call<void>((done) => fs.close(fd, done)),
  unlink: (path) => fsp.unlink(path),
  mkdir: (path) => fsp.mkdir(path).then(() => undefined),
  rmdir: (path) => fsp.rmdir(path),
  rename: (from, to) => fsp.rename(from, to),
  utimes: (path, atime, mtime) => fsp.utimes(path, atime, mtime),
  chmod: (path, mode) => fsp.chmod(path, mode),
};
