import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

/** Connects from 127.0.0.2 (loopback, but not the control connection's address) and records what happens. */
function stranger(port: number, send?: string): { socket: Socket; result: Promise<{ bytes: number; refused: boolean }> } {
  const socket = connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' });
  const result = new Promise<{ bytes: number; refused: boolean }>((resolve) => {
    let bytes = 0;
    let refused = false;
    socket.on('error', (error: NodeJS.ErrnoException) => {
      refused ||= error.code === 'ECONNREFUSED';
    });
    socket.on('connect', () => {
      if (send) socket.write(send);
    });
    socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
    socket.on('close', () => resolve({ bytes, refused }));
  });
  return { socket, result };
}

const big = Buffer.alloc(8 * 1024 * 1024, 7);

test('passive: a stranger connecting FIRST is dropped; the real client then downloads everything', async (t) => {
  const { port, server } = await startServer(t, { files: { '/big.bin': big } });
  const warnings: string[] = [];
  server.on('transferAborted', () => warnings.push('aborted'));
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const { port: dataPort } = await c.pasv();
  const s = stranger(dataPort);
  const outcome = await s.result; // the server closes it at once
  assert.equal(outcome.bytes, 0);
  const data = connect({ host: '127.0.0.1', port: dataPort });
  c.send('RETR big.bin');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).length, big.length);
  assert.equal((await c.read()).code, 226);
  assert.deepEqual(warnings, []);
});

test('passive: a stranger connecting DURING the transfer is refused and the transfer completes intact', async (t) => {
  const { port } = await startServer(t, { files: { '/big.bin': big } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const { port: dataPort } = await c.pasv();
  const data = connect({ host: '127.0.0.1', port: dataPort });
  await once(data, 'connect');
  data.pause(); // hold the transfer open
  c.send('RETR big.bin');
  assert.equal((await c.read()).code, 150);
  const strangers = [stranger(dataPort), stranger(dataPort, 'garbage')];
  for (const s of strangers) {
    const outcome = await s.result;
    assert.equal(outcome.bytes, 0, 'the stranger gets no byte of the file');
  }
  const received = readAll(data);
  data.resume();
  const bytes = await received;
  assert.equal(bytes.length, big.length);
  assert.ok(bytes.equals(big));
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('NOOP')).code, 200);
});

test('passive: a stranger between the real connection and STOR cannot inject or truncate the upload', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const { port: dataPort } = await c.pasv();
  // Stranger first, pushing bytes, then the real client, then another stranger.
  const first = stranger(dataPort, 'INJECTED');
  await first.result;
  const data = connect({ host: '127.0.0.1', port: dataPort });
  await once(data, 'connect');
  const second = stranger(dataPort, 'INJECTED');
  await second.result;
  c.send('STOR up.bin');
  assert.equal((await c.read()).code, 150);
  data.end('honest content');
  assert.equal((await c.read()).code, 226);
  const back = await c.epsv();
  c.send('RETR up.bin');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(back)).toString(), 'honest content');
  assert.equal((await c.read()).code, 226);
});

test('passive: strangers are refused on EPSV ports too, and the session is never closed by them', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'mine' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  for (let i = 0; i < 3; i++) {
    const reply = await c.cmd('EPSV');
    const dataPort = Number(/\|\|\|(\d+)\|/.exec(reply.text)![1]);
    for (let j = 0; j < 5; j++) assert.equal((await stranger(dataPort).result).bytes, 0);
    const data = connect({ host: '127.0.0.1', port: dataPort });
    c.send('RETR f.txt');
    assert.equal((await c.read()).code, 150);
    assert.equal((await readAll(data)).toString(), 'mine');
    assert.equal((await c.read()).code, 226);
  }
});

test('passive.allowAnyAddress: data connections from another address are accepted when configured', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'proxy' }, passive: { allowAnyAddress: true } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const { port: dataPort } = await c.pasv();
  const other = connect({ host: '127.0.0.1', port: dataPort, localAddress: '127.0.0.2' });
  await once(other, 'connect');
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(other)).toString(), 'proxy');
  assert.equal((await c.read()).code, 226);
});
