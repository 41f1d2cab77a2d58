import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

/** Connects without expecting a 220: returns the first reply and the client. */
async function knock(port: number, localAddress = '127.0.0.1'): Promise<{ code: number; text: string; client: RawClient }> {
  const client = await RawClient.connect(port, '127.0.0.1', { greeting: false, localAddress });
  const reply = await client.read();
  return { code: reply.code, text: reply.text, client };
}

test('maxConnections: one too many gets 421 with a clear text; a slot freed is a slot reused', async (t) => {
  const { port, server } = await startServer(t, { limits: { maxConnections: 3 } });
  const open = await Promise.all([0, 1, 2].map(() => RawClient.connect(port)));
  t.after(() => open.forEach((c) => c.close()));
  const refused = await knock(port);
  assert.equal(refused.code, 421);
  assert.equal(refused.text, 'Too many connections, try again later.');
  await refused.client.waitClosed();
  assert.equal(server.stats().connections, 3);
  await open[0]!.quit();
  await waitFor(() => server.stats().connections === 2);
  const again = await RawClient.login(port);
  t.after(() => again.close());
  assert.equal((await again.cmd('PWD')).code, 257);
});

test('maxConnectionsPerAddress: the greedy address is refused, the address next to it is not', async (t) => {
  const { port, server } = await startServer(t, { limits: { maxConnectionsPerAddress: 2 } });
  const greedy = await Promise.all([0, 1].map(() => RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.2' })));
  t.after(() => greedy.forEach((c) => c.close()));
  const refused = await knock(port, '127.0.0.2');
  assert.equal(refused.code, 421);
  assert.equal(refused.text, 'Too many connections from your address, try again later.');
  await refused.client.waitClosed();
  const honest = await Promise.all([0, 1].map(() => RawClient.login(port)));
  t.after(() => honest.forEach((c) => c.close()));
  for (const c of honest) assert.equal((await c.cmd('NOOP')).code, 200);
  // Sessions ending in every way give their slot back: QUIT, reset, timeout.
  await greedy[0]!.quit();
  greedy[1]!.close();
  await waitFor(() => server.stats().connections === 2);
  for (let round = 0; round < 3; round++) {
    const pair = await Promise.all([0, 1].map(() => RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.2' })));
    pair.forEach((c) => c.socket.resetAndDestroy());
    await waitFor(() => server.stats().connections === 2);
  }
  const last = await RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.2' });
  t.after(() => last.close());
  assert.equal((await last.cmd('NOOP')).code, 200);
});

test('limits of 0 mean no limit', async (t) => {
  const { port } = await startServer(t, { limits: { maxConnections: 0, maxConnectionsPerAddress: 0 } });
  const many = await Promise.all(Array.from({ length: 80 }, () => RawClient.connect(port)));
  t.after(() => many.forEach((c) => c.close()));
  assert.equal(many.length, 80, 'more than the per-address default of 64');
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}
