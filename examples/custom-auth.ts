/**
 * Your own users: an `authenticate` hook decides who logs in and what they may do.
 *
 *   npx tsx examples/custom-auth.ts
 *
 * admin / admin-pass may change files; viewer / viewer-pass may only read.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { FtpServer, MemoryFileSystem, type FtpUser } from 'ftpkit';

interface Account {
  salt: Buffer;
  hash: Buffer;
  role: 'admin' | 'viewer';
}

// Stands in for a database: passwords are stored as salted scrypt hashes, never in clear.
const accounts = new Map<string, Account>();
function addAccount(username: string, password: string, role: Account['role']): void {
  const salt = randomBytes(16);
  accounts.set(username, { salt, hash: scryptSync(password, salt, 32), role });
}
addAccount('admin', 'admin-pass', 'admin');
addAccount('viewer', 'viewer-pass', 'viewer');

// The user type can carry the host's own fields; they come back typed in events and hooks.
interface AppUser extends FtpUser {
  role: Account['role'];
}

const server = new FtpServer<AppUser>({
  filesystem: new MemoryFileSystem({ '/welcome.txt': 'Hello from custom-auth.\n', '/reports/': null }),
  // Return the user, or null to refuse. The client sees the same 530 for an unknown
  // name and a wrong password; a hook that throws or hangs is a clean 530 as well.
  async authenticate({ username, password }) {
    const account = accounts.get(username);
    if (!account) return null;
    const given = scryptSync(password, account.salt, 32);
    if (!timingSafeEqual(given, account.hash)) return null;
    return {
      username,
      role: account.role,
      permissions: account.role === 'admin' ? 'all' : 'read-only',
      loginMessage: `Welcome, ${username} (${account.role}).`,
    };
  },
});

server.on('login', ({ user, session }) => console.log(`login: ${user.username} (${user.role}) from ${session.remoteAddress}`));
server.on('loginFailed', ({ username, reason, session }) => console.log(`login failed: ${username} (${reason}) from ${session.remoteAddress}`));

const { port } = await server.listen(Number(process.env.PORT ?? 2121), '127.0.0.1');
// Ctrl+C or SIGTERM closes the server; then nothing is left running and the process ends.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
console.log(`listening on ftp://127.0.0.1:${port}`);
