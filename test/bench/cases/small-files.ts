import { randomBytes } from 'node:crypto';
import { countLabel } from '../scale.js';
import { loginClient, type CaseDef } from './types.js';

/** Files moved before timing starts (JIT, caches, first-use costs): 10, fewer at tiny scales. */
const warmUp = (count: number) => Math.min(10, Math.ceil(count / 10));

/** Many small files over one session: what per-transfer overhead costs (EPSV, connect, 150, 226). */
export const smallFiles: CaseDef = {
  id: 'small',
  fixtures: () => [],
  rows: (scale) => [
    { id: 'small-up', label: `${countLabel(scale.smallFiles)} × ${scale.smallFileSize / 1024} KB up, per file`, unit: 'ms', better: 'lower' },
    { id: 'small-down', label: `${countLabel(scale.smallFiles)} × ${scale.smallFileSize / 1024} KB down, per file`, unit: 'ms', better: 'lower' },
  ],
  async run(ctx) {
    const { smallFiles: count, smallFileSize: size } = ctx.scale;
    const content = randomBytes(size);
    const name = (i: number) => `small-${i}.bin`;
    const client = await loginClient(ctx, false);
    try {
      await client.expect('TYPE I', 200);
      for (let i = 0; i < warmUp(count); i++) {
        await client.upload(`STOR warm-${i}.bin`, size, content);
        await client.download(`RETR warm-${i}.bin`);
      }
      let start = performance.now();
      for (let i = 0; i < count; i++) await client.upload(`STOR ${name(i)}`, size, content);
      const up = (performance.now() - start) / count;
      start = performance.now();
      for (let i = 0; i < count; i++) {
        const { bytes } = await client.download(`RETR ${name(i)}`);
        if (bytes !== size) throw new Error(`RETR ${name(i)}: ${bytes} of ${size} bytes`);
      }
      const down = (performance.now() - start) / count;
      return { 'small-up': up, 'small-down': down };
    } finally {
      await client.quit();
    }
  },
};
