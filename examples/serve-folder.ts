/**
 * Serve a folder on disk.
 *
 *   npx tsx examples/serve-folder.ts [folder]      (default ./ftp-root)
 *
 * alice / wonderland may read and write; anyone may log in as "anonymous" and read.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { FtpServer } from 'ftpkit';

const root = resolve(process.argv[2] ?? './ftp-root');
mkdirSync(root, { recursive: true });

const server = new FtpServer({
  root, // a LocalFileSystem jailed to this folder: no path, not even a symlink, leads out of it
  users: [{ username: 'alice', password: 'wonderland' }],
  anonymous: true, // read-only unless { writable: true }
});

const { port } = await server.listen(Number(process.env.PORT ?? 2121), '127.0.0.1');
// Ctrl+C or SIGTERM closes the server; then nothing is left running and the process ends.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
console.log(`listening on ftp://127.0.0.1:${port}`);
console.log(`serving ${root}`);
