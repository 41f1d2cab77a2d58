import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('pre-login timeout counts from the connection: NOOPs do not keep an anonymous connection open', async (t) => {
  const { port } = await startServer(t, { timeouts: { login: 600, idle: 60_000 } });
  const lurker = await RawClient.connect(port);
  t.after(() => lurker.close());
  const started = Date.now();
  let closedBy: { code: number; text: string } | undefined;
  while (!closedBy && Date.now() - started < 5000) {
    const reply = await lurker.cmd('NOOP');
    if (reply.code !== 200) closedBy = reply;
    else await sleep(100);
  }
  assert.equal(closedBy?.code, 421);
  assert.equal(closedBy?.text, 'Login timeout, closing control connection.');
  assert.ok(Date.now() - started < 3000, 'closed near the deadline, not kept alive by the NOOPs');
  await lurker.waitClosed();
  // An honest client logs in within the time and is then under the (long) idle timeout.
  const honest = await RawClient.login(port);
  t.after(() => honest.close());
  await sleep(800);
  assert.equal((await honest.cmd('NOOP')).code, 200);
});

test('REIN starts a fresh login deadline', async (t) => {
  const { port } = await startServer(t, { timeouts: { login: 700, idle: 60_000 } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await sleep(900);
  assert.equal((await c.cmd('REIN')).code, 220);
  await sleep(300);
  assert.equal((await c.cmd('NOOP')).code, 200, 'the deadline restarted at REIN');
  assert.equal((await c.read(3000)).code, 421);
});

test('idle timeout never fires during a slow but moving download or upload; it fires after', async (t) => {
  const payload = Buffer.alloc(24 * 1024 * 1024, 3);
  const { port } = await startServer(t, { files: { '/f.bin': payload }, timeouts: { idle: 400, stalledTransfer: 1500 } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');

  // A download read slowly (~12 MB/s) for well over the 400 ms idle timeout.
  const data = await c.epsv();
  c.send('RETR f.bin');
  assert.equal((await c.read()).code, 150);
  const opened = Date.now();
  let received = 0;
  const slowReader = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      setTimeout(done, 5 * Math.ceil(chunk.length / 65536));
    },
  });
  const drained = pipeline(data, slowReader);
  const done = await c.read(20_000);
  assert.equal(done.code, 226, done.text + " after " + (Date.now() - opened) + " ms, received " + received);
  assert.ok(Date.now() - opened > 800, `the server was sending for longer than the idle timeout (${Date.now() - opened} ms)`);

  // Upload trickled over ~1.2 s.
  const up = await c.epsv();
  c.send('STOR slow.bin');
  assert.equal((await c.read()).code, 150);
  for (let i = 0; i < 12; i++) {
    up.write(Buffer.alloc(100, 65));
    await sleep(100);
  }
  up.end();
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('SIZE slow.bin')).text, '1200');
  await drained;
  assert.equal(received, payload.length);

  // Idle now: the timer is back.
  const reply = await c.read(3000);
  assert.equal(reply.code, 421);
  assert.match(reply.text, /Idle timeout/);
});

test('data-connection accept timeout: 425 when the client never connects; the session goes on', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'x' }, timeouts: { dataConnection: 300 } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.pasv(); // ...and never connect
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  const reply = await c.read(5000);
  assert.equal(reply.code, 425);
  assert.equal(reply.text, 'Data connection not opened in time.');
  assert.equal((await c.cmd('NOOP')).code, 200);
  const data = await c.epsv();
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'x');
  assert.equal((await c.read()).code, 226);
});

test('stalled transfer: 426 when no byte moves, in both directions; the session goes on', async (t) => {
  const { port } = await startServer(t, { files: { '/big.bin': Buffer.alloc(32 * 1024 * 1024, 1) }, timeouts: { stalledTransfer: 400 } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const down = await c.epsv();
  down.pause(); // never read: the server's writes stop moving
  c.send('RETR big.bin');
  assert.equal((await c.read()).code, 150);
  const stalled = await c.read(10_000);
  assert.equal(stalled.code, 426);
  assert.equal(stalled.text, 'No data moved for too long; transfer aborted.');
  down.destroy();

  const up = await c.epsv();
  c.send('STOR half.bin');
  assert.equal((await c.read()).code, 150);
  up.write('a few bytes, then silence');
  assert.equal((await c.read(10_000)).code, 426);
  up.destroy();
  assert.equal((await c.cmd('NOOP')).code, 200);
});

test('an active-mode target that refuses: 425, not a hung session', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'x' }, timeouts: { dataConnection: 500 } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  // A port on the client's own address where nothing listens any more.
  const gone = createServer().listen(0, '127.0.0.1');
  await once(gone, 'listening');
  const freePort = (gone.address() as { port: number }).port;
  gone.close();
  assert.equal((await c.cmd(`EPRT |1|127.0.0.1|${freePort}|`)).code, 200);
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await c.read(5000)).code, 425);
  assert.equal((await c.cmd('NOOP')).code, 200);
});
