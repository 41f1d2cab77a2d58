import type { AddressInfo } from 'node:net';
import type { FtpUser } from './auth/types.js';
import { MemoryFileSystem, type MemoryFiles } from './fs/memory.js';
import type { FtpServerOptions } from './options.js';
import { FtpServer } from './server.js';

export interface TestServerOptions<U extends FtpUser = FtpUser> extends Partial<FtpServerOptions<U>> {
  /** Initial content of the in-memory filesystem. */
  files?: MemoryFiles;
}

export interface TestServer<U extends FtpUser = FtpUser> extends AsyncDisposable {
  server: FtpServer<U>;
  /** The in-memory storage every user shares (unless options say otherwise). */
  filesystem: MemoryFileSystem;
  host: string;
  port: number;
  /** `ftp://user:pass@127.0.0.1:port` for clients that take URLs (user and password URL-encoded). */
  url: string;
  /** The first configured user's name (`test` by default). */
  username: string;
  password: string;
  close(): Promise<void>;
}

/**
 * Starts an in-memory server on a free loopback port in one call, for a host's
 * own tests: `await using ftp = await startTestServer({ files: { '/a.txt': 'hi' } })`.
 * Logs in as `test` / `test` unless `users` or `authenticate` say otherwise
 * (`username` and `password` are then the first user's).
 */
export async function startTestServer<U extends FtpUser = FtpUser>(options: TestServerOptions<U> = {}): Promise<TestServer<U>> {
  const { files, ...rest } = options;
  const filesystem = new MemoryFileSystem(files);
  // The login the result advertises: the first given user, else test/test.
  const first = rest.users?.[0];
  const username = first?.username ?? 'test';
  const password = first?.password ?? 'test';
  const server = new FtpServer<U>({
    filesystem,
    ...(rest.authenticate || rest.users ? {} : { users: [{ username, password }] }),
    ...rest,
    host: '127.0.0.1',
    port: 0,
  } as FtpServerOptions<U>);
  const address: AddressInfo = await server.listen();
  const close = () => server.close();
  return {
    server,
    filesystem,
    host: address.address,
    port: address.port,
    url: `ftp://${encodeURIComponent(username)}:${encodeURIComponent(password)}@${address.address}:${address.port}`,
    username,
    password,
    close,
    [Symbol.asyncDispose]: close,
  };
}
