/**
 * Every user gets a private in-memory home with a 1 MB quota, and uploads are
 * checked before the client hears "226": no executables, no empty files.
 *
 *   npx tsx examples/virtual-homes.ts
 *
 * Log in as alice / alice-pass or bob / bob-pass: each sees only their own files.
 */
import { FtpServer, MemoryFileSystem, type FileSystem } from 'ftpkit';

const passwords: Record<string, string> = { alice: 'alice-pass', bob: 'bob-pass' };
const homes = new Map<string, FileSystem>();

const server = new FtpServer({
  authenticate: ({ username, password }) => (passwords[username] === password ? { username } : null),
  // One filesystem per user, made on first login and kept for the next ones.
  filesystem: (user) => {
    if (!homes.has(user.username)) homes.set(user.username, new MemoryFileSystem({ '/welcome.txt': `Hello ${user.username}!\n` }));
    return homes.get(user.username)!;
  },
  // Enforced while the bytes stream: 552 as soon as an upload would cross it.
  userLimits: { quotaBytes: 1024 * 1024, maxSessions: 3 },
  hooks: {
    // After storage kept the file, before 226: refuse it, and it is removed.
    beforeUploadCommit: ({ path, bytes }) => {
      if (/\.(exe|bat|scr)$/i.test(path)) return { code: 553, message: 'Executables are not accepted.' };
      if (bytes === 0) return { code: 550, message: 'Empty files are not accepted.' };
      return undefined;
    },
  },
});

server.on('transferEnd', ({ session, direction, path, bytes }) => {
  if (direction === 'upload') console.log(`${session.user?.username} stored ${path} (${bytes} bytes)`);
});
server.on('transferAborted', ({ session, direction, path, reason, code }) => {
  if (direction === 'upload') console.log(`${session.user?.username} upload of ${path} refused: ${reason} (${code})`);
});

const { port } = await server.listen(Number(process.env.PORT ?? 2121), '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
console.log(`listening on ftp://127.0.0.1:${port}`);
