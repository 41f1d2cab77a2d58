#!/usr/bin/env node
// The server side of `npm run soak`, in its own process so its memory and
// descriptors are measured alone (run with --expose-gc). Plain JavaScript on
// the built package (dist/). Serves ROOT (atomic uploads) on 127.0.0.1:0 as
// soak/soak, with FTPS offered (not required) when CERT and KEY are given,
// prints its port as JSON on stdout, then answers IPC requests:
//   { type: 'sample' }  → { type: 'sample', heapUsed, rss, fds, sessions, errors, stats }
//                         (heap measured after a full garbage collection)
//   { type: 'close' }   → close({ graceMs: 2000 }), { type: 'closed', fds }, exit
import { readdirSync, readFileSync } from 'node:fs';
import { FtpServer, LocalFileSystem } from '../../dist/index.js';

const [root, cert, key] = process.argv.slice(2);
const server = new FtpServer({
  host: '127.0.0.1',
  port: 0,
  filesystem: new LocalFileSystem(root, { atomicUploads: true }),
  users: [{ username: 'soak', password: 'soak' }],
  passive: { portRange: { min: 42000, max: 42199 } },
  // One address opens every session: no per-address limits or throttling.
  limits: { maxConnections: 0, maxConnectionsPerAddress: 0 },
  loginThrottle: false,
  antiFlood: false,
  ...(cert && key ? { tls: { cert: readFileSync(cert), key: readFileSync(key), require: 'none' } } : {}),
});
const errors = [];
server.on('error', ({ error }) => errors.push(error instanceof Error ? error.message : String(error)));
const { port } = await server.listen();

const fds = () => readdirSync('/proc/self/fd').length;
process.on('message', async (message) => {
  if (message.type === 'sample') {
    globalThis.gc?.();
    globalThis.gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    process.send({ type: 'sample', heapUsed, rss, fds: fds(), sessions: server.sessions.length, errors: errors.splice(0), stats: server.stats() });
  } else if (message.type === 'close') {
    await server.close({ graceMs: 2000 });
    process.send({ type: 'closed', fds: fds() }, () => process.exit(0));
  }
});
process.stdout.write(JSON.stringify({ port, fds: fds() }) + '\n');
