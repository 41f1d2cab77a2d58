import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { FtpServer, LocalFileSystem, MemoryFileSystem, type FileSystem, type FsContext, type FtpServerOptions, type FtpUser } from '../../src/index.js';
import type { MemoryFiles } from '../../src/fs/memory.js';
import { eventually, filesUnder, socketsOnPorts } from './leaks.js';

export interface Started<U extends FtpUser = FtpUser> {
  server: FtpServer<U>;
  port: number;
  host: string;
  /** ftp://test:test@host:port */
  url: string;
  /** The local root (with `local: true`). */
  root: string;
  memory: MemoryFileSystem | undefined;
  /** Every 'error' event the server emitted (unknown storage errors, hook failures...). */
  errors: unknown[];
  /** Passive ports the server opened so far. */
  passivePorts: ReadonlySet<number>;
  close(): Promise<void>;
}

export interface StartOptions<U extends FtpUser = FtpUser> extends Partial<FtpServerOptions<U>> {
  /** Serve a fresh temporary directory from disk instead of memory. */
  local?: boolean;
  /** Initial files for the memory filesystem. */
  files?: MemoryFiles;
  /**
   * After close, check that the server left nothing behind (default true): no
   * session, no socket on its control or passive ports, no descriptor open
   * under its local root. Checked against the kernel's view (/proc), so it
   * holds however the server's own bookkeeping thinks.
   */
  leakCheck?: boolean;
}

/** A temporary directory removed when the test ends. */
export async function tempDir(t: TestContext, prefix = 'ftpkit-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A real FtpServer on 127.0.0.1, port 0, logins test/test, closed (and checked
 * for leftover sessions, sockets and open files) when the test ends.
 */
export async function startServer<U extends FtpUser = FtpUser>(t: TestContext, options: StartOptions<U> = {}): Promise<Started<U>> {
  const { local, files, leakCheck = true, ...rest } = options;
  let root = '';
  let ownRoot = false;
  let memory: MemoryFileSystem | undefined;
  const storage: Partial<FtpServerOptions<U>> = {};
  if (rest.filesystem === undefined && rest.root === undefined) {
    if (local) {
      root = await mkdtemp(join(tmpdir(), 'ftpkit-test-'));
      ownRoot = true;
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
  const passive = recordPassiveListeners(server);
  let address: AddressInfo;
  try {
    address = await server.listen(0, rest.host ?? '127.0.0.1');
  } catch (error) {
    if (ownRoot) await rm(root, { recursive: true, force: true });
    throw error;
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      await server.close();
      if (server.sessions.length > 0) throw new Error(`${server.sessions.length} sessions left after close`);
      if (leakCheck) {
        // Ports are checked in the kernel's table only while they cannot belong to
        // anything else: the control port, and passive ports still open at close.
        // A passive port closed earlier may already serve another server of this test.
        const ports = new Set([address.port, ...passive.openPorts()]);
        await eventually(() => [...socketsOnPorts(ports), ...passive.leftOpen(), ...filesUnder(root)], 5000, 'server left handles open');
      }
    } finally {
      if (ownRoot) await rm(root, { recursive: true, force: true });
    }
  };
  t.after(close);
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, port: address.port, host: address.address, url: `ftp://test:test@${host}:${address.port}`, root, memory, errors, passivePorts: passive.ports, close };
}

/**
 * Keeps the passive listeners the server opens and the data connections they
 * accept (observation only), to check after close that all of them are closed.
 */
function recordPassiveListeners(server: FtpServer<never> | FtpServer<FtpUser>) {
  const ports = new Set<number>();
  const listeners = new Map<Server, number>();
  const accepted = new Set<Socket>();
  const pool = server.passivePorts;
  const listen = pool.listen.bind(pool);
  pool.listen = async (...args: Parameters<typeof listen>) => {
    const listener = await listen(...args);
    const bound = listener.address();
    const port = bound && typeof bound === 'object' ? bound.port : 0;
    ports.add(port);
    listeners.set(listener, port);
    listener.once('close', () => listeners.delete(listener)); // kept only while open
    listener.on('connection', (socket: Socket) => {
      accepted.add(socket);
      socket.once('close', () => accepted.delete(socket));
    });
    return listener;
  };
  return {
    ports: ports as ReadonlySet<number>,
    openPorts: () => [...listeners].filter(([listener]) => listener.listening).map(([, port]) => port),
    leftOpen: () => [
      ...[...listeners].filter(([listener]) => listener.listening).map(([, port]) => `passive listener on ${port} still listening`),
      ...[...accepted].map((socket) => `data connection ${socket.localPort}->${socket.remotePort} not closed`),
    ],
  };
}

/** A file's bytes read straight from a filesystem (no FTP involved), for assertions. */
export async function fileBytes(fs: FileSystem, path: string): Promise<Buffer> {
  const ctx = { session: undefined, user: { username: 'test' }, signal: new AbortController().signal } as unknown as FsContext;
  const chunks: Buffer[] = [];
  for await (const chunk of await fs.read(path, { start: 0 }, ctx)) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
