import { countLabel } from '../scale.js';
import { loginClient, type CaseDef } from './types.js';

/** A client that gets no reply for this long counts as failed (a full listen backlog can hang it). */
const CLIENT_TIMEOUT_MS = 30_000;

/** Many clients at the same moment, each: connect, log in, EPSV, LIST, QUIT. */
export const concurrent: CaseDef = {
  id: 'concurrent',
  // The raw column: a bare Node FTP server, the floor of a Node server's sessions.
  raw: 'ftp',
  // Measured warm, like the other cases: a long-running server has long since
  // compiled its login and listing code and sized its heap. A fresh Node process
  // takes about five rounds of 500 sessions to get there, the bare loop as well
  // as ftpkit (rounds of 0.56, 0.46, 0.36, 0.28, 0.24 s, then 0.18-0.21 s).
  // Servers that drop sessions take 30 s a round and stop warming after one.
  warmUp: 5,
  fixtures: () => [],
  rows: (scale) => [
    { id: 'concurrent-time', label: `${countLabel(scale.concurrentClients)} concurrent sessions, total`, unit: 's', better: 'lower' },
    { id: 'concurrent-failures', label: `${countLabel(scale.concurrentClients)} concurrent sessions, failures`, unit: '', better: 'lower' },
  ],
  async run(ctx) {
    const scale = { ...ctx.scale, timeoutMs: Math.min(ctx.scale.timeoutMs, CLIENT_TIMEOUT_MS) };
    const session = async () => {
      const client = await loginClient({ ...ctx, scale }, false);
      try {
        await client.download('LIST');
        await client.expect('QUIT', 221);
      } finally {
        client.destroy();
      }
    };
    const start = performance.now();
    const outcomes = await Promise.allSettled(Array.from({ length: ctx.scale.concurrentClients }, session));
    const seconds = (performance.now() - start) / 1000;
    return { 'concurrent-time': seconds, 'concurrent-failures': outcomes.filter((o) => o.status === 'rejected').length };
  },
};
