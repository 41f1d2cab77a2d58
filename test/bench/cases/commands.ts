import { rawSession } from '../raw-client.js';
import { countLabel } from '../scale.js';
import { RAW } from '../servers.js';
import { loginClient, type CaseDef } from './types.js';

const WARM_UP = 500;

/** NOOP after NOOP on one connection: the cost of one command's round trip. */
export const noop: CaseDef = {
  id: 'noop',
  raw: 'pipe',
  fixtures: () => [],
  rows: (scale) => [{ id: 'noop', label: `NOOP round trip (${countLabel(scale.noops)} in a row)`, unit: 'µs', better: 'lower' }],
  async run(ctx) {
    // The raw column: a bare Node server answering each line, the floor of any Node server.
    const client = ctx.server.name === RAW ? await rawSession(ctx.server.port, ctx.scale.timeoutMs) : await loginClient(ctx, false);
    try {
      for (let i = 0; i < WARM_UP; i++) await client.expect('NOOP', 200);
      const start = performance.now();
      for (let i = 0; i < ctx.scale.noops; i++) {
        const reply = await client.command('NOOP');
        if (reply.code !== 200) throw new Error(`NOOP: ${reply.code}`);
      }
      return { noop: ((performance.now() - start) * 1000) / ctx.scale.noops };
    } finally {
      await client.quit();
    }
  },
};
