import type { Readable } from 'node:stream';
import type { FtpUser } from '../auth/types.js';
import type { SessionInfo } from '../session/info.js';

/**
 * The storage contract a host implements. The server owns protocol and paths,
 * the filesystem owns bytes: every `path` given here is a normalized absolute
 * virtual path ("/", "/docs/a.txt") already jailed to the user's tree, so no
 * backend has to defend against `..` itself.
 *
 * Throw an `FtpError` (or a Node error with an errno `code`) to choose the reply;
 * anything else becomes a 451 with a stock text.
 */
export interface FileSystem {
  stat(path: string, ctx: FsContext): Promise<FileStat>;
  /** Entries of a directory. An async iterable lets a huge directory stream. */
  list(path: string, ctx: FsContext): Promise<Iterable<FileStat> | AsyncIterable<FileStat>> | AsyncIterable<FileStat>;
  /** A stream of the file's bytes from `start`. */
  read(path: string, options: ReadOptions, ctx: FsContext): Promise<Readable | AsyncIterable<Uint8Array>>;
  /**
   * Consume `source` completely and resolve only once the bytes are stored: the
   * client is told 226 after that and not before. Reject to fail the upload.
   */
  write(path: string, source: Readable, options: WriteOptions, ctx: FsContext): Promise<void | WriteResult>;
  delete(path: string, ctx: FsContext): Promise<void>;
  mkdir(path: string, ctx: FsContext): Promise<void>;
  rmdir(path: string, ctx: FsContext): Promise<void>;
  rename(from: string, to: string, ctx: FsContext): Promise<void>;

  // Optional abilities: each switches its commands and FEAT lines on when present.
  /** MFMT, MFF modify, SITE UTIME. */
  setModifiedTime?(path: string, time: Date, ctx: FsContext): Promise<void>;
  /** MFCT, MFF create. */
  setCreatedTime?(path: string, time: Date, ctx: FsContext): Promise<void>;
  /** SITE CHMOD, MFF UNIX.mode. */
  chmod?(path: string, mode: number, ctx: FsContext): Promise<void>;
  /** HASH, XCRC, XMD5, XSHA*: a hex digest, computed without streaming through the server. */
  hash?(path: string, options: HashOptions, ctx: FsContext): Promise<string>;
  /** AVBL, ALLO: free bytes available to this user at `path`. */
  availableSpace?(path: string, ctx: FsContext): Promise<number>;
  /**
   * Bytes stored in the whole tree, for quotas (`limits.quotaBytes`). Without
   * it the server adds up a walk of the tree when an upload needs the number.
   */
  usedSpace?(ctx: FsContext): Promise<number>;
}

/** The optional methods, by name: what wrappers forward only when the inner filesystem has them. */
export const OPTIONAL_FS_METHODS = ['setModifiedTime', 'setCreatedTime', 'chmod', 'hash', 'availableSpace', 'usedSpace'] as const;
export type OptionalFsMethod = (typeof OPTIONAL_FS_METHODS)[number];

export type FileType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileStat {
  /** Base name (no slashes). */
  name: string;
  type: FileType;
  size: number;
  mtime: Date;
  /** Unix permission bits (0o755); a sensible default is shown when absent. */
  mode?: number;
  owner?: string;
  group?: string;
  nlink?: number;
  /** Creation time, for the MLSx `create` fact. */
  created?: Date;
  /** Stable identity (MLSx `unique` fact), e.g. `${dev}-${ino}`. */
  unique?: string;
  /** Target of a symbolic link, for `ls -l` style listings. */
  target?: string;
}

export interface FsContext<U extends FtpUser = FtpUser> {
  session: SessionInfo<U>;
  user: U;
  /** Fires on ABOR, disconnect, timeout and shutdown: stop work and reject. */
  signal: AbortSignal;
}

export interface ReadOptions {
  /** Byte offset to start from (REST). */
  start: number;
}

export interface WriteOptions {
  /** Byte offset to start writing at (REST + STOR): bytes before it are kept. */
  start: number;
  /** Append to the end of the file (APPE). */
  append: boolean;
}

export interface WriteResult {
  /** Bytes stored, when the backend knows better than the server's count. */
  size?: number;
}

export type HashAlgorithm = 'SHA-1' | 'SHA-256' | 'SHA-512' | 'MD5' | 'CRC32';

export interface HashOptions {
  algorithm: HashAlgorithm;
  /** First byte included. */
  start: number;
  /** One past the last byte included; undefined means end of file. */
  end: number | undefined;
}
