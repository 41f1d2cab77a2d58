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
  // compiled its login and listing code (a fresh Node process pays V8's warm-up
  // in its first 500 sessions: 0.76 s against 0.23-0.33 s later).
  warmUp: true,
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
