/**
 * Files that live in memory: handy for tests, demos and as a model of the
 * filesystem contract (see docs/filesystem.md).
 *
 *   npx tsx examples/memory-filesystem.ts
 *
 * Log in as demo / demo. Every completed upload is reported with its size.
 */
import { FtpServer, MemoryFileSystem } from 'ftpkit';

// A path ending in "/" (or given null) is a directory; anything else is a file.
const filesystem = new MemoryFileSystem({
  '/readme.txt': 'Everything here lives in memory and is gone when the server stops.\n',
  '/incoming/': null,
});

const server = new FtpServer({
  filesystem,
  users: [{ username: 'demo', password: 'demo' }],
});

// transferEnd fires once storage has kept the bytes (the client got its 226).
server.on('transferEnd', ({ direction, path, bytes }) => {
  if (direction === 'upload') console.log(`received ${path} (${bytes} bytes)`);
});

const { port } = await server.listen(Number(process.env.PORT ?? 2121), '127.0.0.1');
// Ctrl+C or SIGTERM closes the server; then nothing is left running and the process ends.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
console.log(`listening on ftp://127.0.0.1:${port}`);
