import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { FtpServer, LocalFileSystem, MemoryFileSystem, type FileSystem, type FsContext, type FtpServerOptions, type FtpUser } from '../../src/index.js';
import type { MemoryFiles } from '../../src/fs/memory.js';

export interface Started<U extends FtpUser = FtpUser> {
  server: FtpServer<U>;
  port: number;
  host: string;
  /** ftp://test:test@host:port */
  url: string;
  /** The local root (with `local: true`). */
  root: string;
  memory: MemoryFileSystem | undefined;
  close(): Promise<void>;
}

export interface StartOptions<U extends FtpUser = FtpUser> extends Partial<FtpServerOptions<U>> {
  /** Serve a fresh temporary directory from disk instead of memory. */
  local?: boolean;
  /** Initial files for the memory filesystem. */
  files?: MemoryFiles;
}

/** A temporary directory removed when the test ends. */
export async function tempDir(t: TestContext, prefix = 'ftpkit-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A real FtpServer on 127.0.0.1, port 0, logins test/test, closed (and checked
 * for leftover sessions) when the test ends.
 */
export async function startServer<U extends FtpUser = FtpUser>(t: TestContext, options: StartOptions<U> = {}): Promise<Started<U>> {
  const { local, files, ...rest } = options;
  let root = '';
  let memory: MemoryFileSystem | undefined;
  const storage: Partial<FtpServerOptions<U>> = {};
  if (rest.filesystem === undefined && rest.root === undefined) {
    if (local) {
      root = await tempDir(t);
      storage.filesystem = new LocalFileSystem(root);
    } else {
      memory = new MemoryFileSystem(files);
      storage.filesystem = memory;
    }
  } else if (typeof rest.root === 'string') {
    root = rest.root;
  }
  const server = new FtpServer<U>({
    ...storage,
    ...(rest.authenticate || rest.users || rest.anonymous ? {} : { users: [{ username: 'test', password: 'test' }] }),
    ...rest,
  } as FtpServerOptions<U>);
  const errors: unknown[] = [];
  server.on('error', ({ error }) => errors.push(error));
  const address = await server.listen(0, rest.host ?? '127.0.0.1');
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
    if (server.sessions.length > 0) throw new Error(`${server.sessions.length} sessions left after close`);
  };
  t.after(close);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, port: address.port, host: address.address, url: `ftp://test:test@${host}:${address.port}`, root, memory, close };
}

/** A file's bytes read straight from a filesystem (no FTP involved), for assertions. */
export async function fileBytes(fs: FileSystem, path: string): Promise<Buffer> {
  const ctx = { session: undefined, user: { username: 'test' }, signal: new AbortController().signal } as unknown as FsContext;
  const chunks: Buffer[] = [];
  for await (const chunk of await fs.read(path, { start: 0 }, ctx)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
