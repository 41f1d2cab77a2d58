import { setTimeout as sleep } from 'node:timers/promises';
import { rawSession } from '../raw-client.js';
import { treePss } from '../proc.js';
import { countLabel } from '../scale.js';
import { RAW } from '../servers.js';
import { loginClient, type CaseDef } from './types.js';

/** Logins in flight at once: below every peer's listen backlog, so none is dropped. */
const OPENING_CONCURRENCY = 16;
const KB = 1024;

/**
 * Server memory at rest, then with many idle logged-in sessions (fresh server
 * each run). Per session as RSS (what the issue names) and as PSS (shared
 * pages split among processes: the fair figure for forking servers). The raw
 * column is the floor: a bare Node server holding connections that exchanged
 * as many lines as a login.
 */
export const memory: CaseDef = {
  id: 'memory',
  freshServerPerRun: true,
  raw: 'pipe',
  fixtures: () => [],
  rows: (scale) => [
    { id: 'rss-idle', label: 'server RSS, idle', unit: 'MB', better: 'lower' },
    { id: 'session-kb', label: `RSS per idle session (${countLabel(scale.idleSessions)} logged in)`, unit: 'KB', better: 'lower' },
    { id: 'session-pss-kb', label: `PSS per idle session (${countLabel(scale.idleSessions)} logged in)`, unit: 'KB', better: 'lower' },
  ],
  async run(ctx) {
    await sleep(ctx.scale.settleMs / 2);
    const idle = ctx.server.usage().rssBytes;
    const idlePss = treePss(ctx.server.pid);
    const clients: { destroy(): void }[] = [];
    const open = () => (ctx.server.name === RAW ? rawSession(ctx.server.port, ctx.scale.timeoutMs) : loginClient(ctx, false));
    try {
      let next = 0;
      const opener = async () => {
        while (next < ctx.scale.idleSessions) {
          next++;
          clients.push(await open());
        }
      };
      await Promise.all(Array.from({ length: OPENING_CONCURRENCY }, opener));
      await sleep(ctx.scale.settleMs);
      const busy = ctx.server.usage().rssBytes;
      const busyPss = treePss(ctx.server.pid);
      const n = clients.length;
      return { 'rss-idle': idle / KB / KB, 'session-kb': (busy - idle) / KB / n, 'session-pss-kb': (busyPss - idlePss) / KB / n };
    } finally {
      for (const client of clients) client.destroy();
    }
  },
};
