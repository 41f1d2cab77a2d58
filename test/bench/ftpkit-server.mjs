#!/usr/bin/env node
// ftpkit under the peers' launcher contract, so the benchmark starts it like
// any other server, in its own process (its RSS and CPU are measured alone):
//   node test/bench/ftpkit-server.mjs PORT ROOT USER PASS PASVMIN PASVMAX [CERT KEY]
// Plain JavaScript on the built package (dist/): no TypeScript loader in the
// measured process. `npm run bench` builds first.
import { readFileSync } from 'node:fs';
import { FtpServer } from '../../dist/index.js';

const args = process.argv.slice(2);
if (args.length !== 6 && args.length !== 8) {
  process.stderr.write('usage: ftpkit-server.mjs PORT ROOT USER PASS PASVMIN PASVMAX [CERT KEY]\n');
  process.exit(2);
}
const [port, root, username, password, min, max, cert, key] = args;
const options = {
  host: '127.0.0.1',
  port: Number(port),
  root,
  users: [{ username, password }],
  passive: { portRange: { min: Number(min), max: Number(max) } },
  // Parity with the peers' launchers: no connection limits, no throttling
  // (the benchmark opens 1,000 sessions from one address).
  limits: { maxConnections: 0, maxConnectionsPerAddress: 0 },
  loginThrottle: false,
  antiFlood: false,
};
// Explicit FTPS, not required (as the peers' launchers do). Servers without
// TLS support ignore the option; the benchmark checks FEAT for AUTH TLS.
if (cert) options.tls = { cert: readFileSync(cert), key: readFileSync(key) };

const server = new FtpServer(options);
server.on('error', ({ error }) => process.stderr.write(`ftpkit: ${error instanceof Error ? error.message : String(error)}\n`));
await server.listen();
process.once('SIGTERM', () => {
  server.close().then(() => process.exit(0), () => process.exit(1));
});
