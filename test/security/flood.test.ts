import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import type { Session } from '../../src/session/session.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('anti-flood: a command flood gets 421, the address is banned for a while, the neighbour keeps working', async (t) => {
  const { port } = await startServer(t, { antiFlood: { commandsPerSecond: 20, banDuration: 1000 } });
  const honest = await RawClient.connect(port);
  t.after(() => honest.close());
  const flooder = await RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.2' });
  t.after(() => flooder.close());
  flooder.write('NOOP\r\n'.repeat(500));
  let ok = 0;
  let last;
  for (;;) {
    last = await flooder.read();
    if (last.code !== 200) break;
    ok++;
  }
  assert.equal(last.code, 421);
  assert.equal(last.text, 'Too many commands too fast, closing control connection.');
  assert.ok(ok >= 1 && ok <= 20, `no more than the burst of 20 was served (${ok})`);
  await flooder.waitClosed();
  // The address is banned: new connections get a clear 421.
  const again = await RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.2', greeting: false });
  t.after(() => again.close());
  const refused = await again.read();
  assert.equal(refused.code, 421);
  assert.equal(refused.text, 'Too many commands from your address, try again later.');
  // The honest client (another address) was never disturbed, and logs in.
  assert.equal((await honest.cmd('USER test')).code, 331);
  assert.equal((await honest.cmd('PASS test')).code, 230);
  assert.equal((await honest.cmd('PWD')).code, 257);
  // The ban ends.
  await sleep(1100);
  const later = await RawClient.login(port, 'test', 'test');
  t.after(() => later.close());
  const fromBanned = await RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.2' });
  t.after(() => fromBanned.close());
  assert.equal((await fromBanned.cmd('NOOP')).code, 200);
});

test('anti-flood: a client that keeps to the rate is never cut off; over-long lines and empty lines count too', async (t) => {
  const { port } = await startServer(t, { antiFlood: { commandsPerSecond: 20, banDuration: 60_000 }, maxLineLength: 512 });
  const polite = await RawClient.connect(port);
  t.after(() => polite.close());
  for (let i = 0; i < 30; i++) {
    assert.equal((await polite.cmd('NOOP')).code, 200);
    await sleep(60); // ~16 per second
  }
  const sneaky = await RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.2' });
  t.after(() => sneaky.close());
  sneaky.write('\r\n'.repeat(100) + 'NOOP\r\n');
  const reply = await sneaky.read();
  assert.equal(reply.code, 421, 'empty lines cost like commands');
  const third = await RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.3' });
  t.after(() => third.close());
  third.write(('x'.repeat(600) + '\r\n').repeat(60));
  let last;
  do last = await third.read();
  while (last.code === 500);
  assert.equal(last.code, 421);
});

test('anti-flood: logged-in sessions are exempt by default and limited with afterLogin', async (t) => {
  const exempt = await startServer(t, { antiFlood: { commandsPerSecond: 20 } });
  const fast = await RawClient.login(exempt.port);
  t.after(() => fast.close());
  fast.write('NOOP\r\n'.repeat(300));
  for (let i = 0; i < 300; i++) assert.equal((await fast.read()).code, 200);

  const strict = await startServer(t, { antiFlood: { commandsPerSecond: 20, afterLogin: true, banDuration: 60_000 } });
  const limited = await RawClient.login(strict.port);
  t.after(() => limited.close());
  limited.write('NOOP\r\n'.repeat(300));
  let last;
  do last = await limited.read();
  while (last.code === 200);
  assert.equal(last.code, 421);
});

test('antiFlood: false lets any rate through', async (t) => {
  const { port } = await startServer(t, { antiFlood: false });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  c.write('NOOP\r\n'.repeat(500));
  for (let i = 0; i < 500; i++) assert.equal((await c.read()).code, 200);
});

test('a client that pipelines without reading replies cannot make the server buffer them without bound', async (t) => {
  const { port, server } = await startServer(t, { antiFlood: false });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const help = await c.cmd('HELP');
  const replyBytes = help.lines.join('\r\n').length + 2;
  c.socket.pause(); // stop reading
  const count = Math.ceil((48 * 1024 * 1024) / replyBytes); // far more than loopback socket buffers hold
  const line = Buffer.from('HELP\r\n'.repeat(1000));
  let sent = 0;
  let peak = 0;
  // The internal session (its control socket), not the host's FtpSession view.
  const session = server.sessions[0] as unknown as Session;
  while (sent < count) {
    if (!c.socket.write(line)) await new Promise((r) => c.socket.once('drain', r));
    sent += 1000;
    peak = Math.max(peak, session.socket.writableLength);
    if (sent % 20_000 === 0) {
      // Writes stop when the server stops reading: give it a moment, then check.
      await sleep(5);
      peak = Math.max(peak, session.socket.writableLength);
      if (c.socket.writableLength > 4 * 1024 * 1024) break; // the server stopped reading us: backpressure works
    }
  }
  await sleep(200);
  peak = Math.max(peak, session.socket.writableLength);
  assert.ok(peak < 1024 * 1024, `server-side reply buffer stayed small (peak ${peak} bytes)`);
  // Reading again, the client gets its replies, and the session still works.
  c.socket.resume();
  c.close();
  const next = await RawClient.login(port);
  t.after(() => next.close());
  assert.equal((await next.cmd('NOOP')).code, 200);
});

test('maximum command length: 500 and the session goes on; an abusive line closes it; the next client is served', async (t) => {
  const { port } = await startServer(t, { maxLineLength: 512, antiFlood: false });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const long = await c.cmd(`CWD ${'a'.repeat(600)}`);
  assert.equal(long.code, 500);
  assert.equal(long.text, 'Command line too long.');
  assert.equal((await c.cmd('PWD')).code, 257);
  assert.equal((await c.cmd(`CWD ${'b/'.repeat(250)}`)).code, 550, 'a line under the limit is a normal command');
  c.write('X'.repeat(512 * 65) + '\r\n');
  const closing = await c.read();
  assert.equal(closing.code, 421);
  await c.waitClosed();
  const next = await RawClient.login(port);
  t.after(() => next.close());
  assert.equal((await next.cmd('NOOP')).code, 200);
});
