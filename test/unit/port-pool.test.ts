import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { test, type TestContext } from 'node:test';
import { PassivePortPool } from '../../src/data/port-pool.js';

const HOST = '127.0.0.1';

function occupy(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ host: HOST, port, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Two neighbouring ports free right now (below the ephemeral range, so clients do not take them meanwhile). */
async function freePair(t: TestContext): Promise<[number, number]> {
  for (let i = 0; i < 50; i++) {
    const a = 20_000 + Math.floor(Math.random() * 10_000);
    const servers = [await occupy(a), await occupy(a + 1)];
    await Promise.all(servers.map((s) => s && close(s)));
    if (servers.every(Boolean)) return [a, a + 1];
  }
  t.skip('no two neighbouring free ports found');
  throw new Error('unreachable');
}

const listenOnce = async (pool: PassivePortPool): Promise<number> => {
  const server = await pool.listen(HOST, () => undefined);
  const { port } = server.address() as { port: number };
  await close(server);
  return port;
};

test('port pool: a taken port is passed over, and tried last for a while after', async (t) => {
  const [a, b] = await freePair(t);
  const taken = (await occupy(a))!;
  const pool = new PassivePortPool({ min: a, max: b });
  // Two rounds over a two-port range: whichever port the pool starts at, it has found `a` taken.
  assert.deepEqual([await listenOnce(pool), await listenOnce(pool)], [b, b]);
  await close(taken);
  // `a` is free again, and next in line, but was found taken lately: `b` is tried first.
  assert.equal(await listenOnce(pool), b);
});

test('port pool: a port found taken lately is still used when nothing else is free', async (t) => {
  const [a, b] = await freePair(t);
  const takenA = (await occupy(a))!;
  const pool = new PassivePortPool({ min: a, max: b });
  assert.deepEqual([await listenOnce(pool), await listenOnce(pool)], [b, b]);
  const takenB = (await occupy(b))!;
  await close(takenA);
  assert.equal(await listenOnce(pool), a);
  // Every port taken: the pool says so (a transient failure) after trying each.
  const takenAgain = (await occupy(a))!;
  await assert.rejects(pool.listen(HOST, () => undefined), { kind: 'transient' });
  await Promise.all([close(takenAgain), close(takenB)]);
});
