import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import { faultScenario, sleep, within } from '../helpers/fault.js';
import { socketsOnPorts } from '../helpers/leaks.js';
import type { Session } from '../../src/session/session.js';
import { readAll } from '../helpers/raw-client.js';
import { startDownload, waitFor } from '../helpers/transfers.js';

/**
 * Data connections that misbehave: the client stops reading and then
 * vanishes, connects and leaves before the command, never connects, asks for
 * hundreds of passive ports, or strangers crowd the port; and a data-socket
 * wrapper (an extension's, like TLS) that throws. Each time: a clean reply,
 * a usable session, and no port or socket left behind.
 */

const FILES = { '/big.bin': Buffer.alloc(16 * 1024 * 1024, 5), '/small.txt': 'small' };

test('the client stops reading a download, then vanishes (FIN or reset, data or control first)', async (t) => {
  await faultScenario(t, { files: FILES }, async ({ login, server }) => {
    for (const order of ['control-first', 'data-first'] as const) {
      for (const rude of [false, true]) {
        const c = await login();
        await c.cmd('TYPE I');
        const data = await startDownload(c, 'big.bin'); // not read: the server's writes pile up until the socket stops taking them
        await sleep(50);
        const cut = (s: Socket) => (rude ? s.resetAndDestroy() : s.destroy());
        if (order === 'control-first') {
          cut(c.socket);
          cut(data);
        } else {
          cut(data);
          cut(c.socket);
        }
      }
    }
    await waitFor(() => (server.sessions as unknown as Session[]).every((s) => !s.transfer), 5000, 'no transfer to keep running for a vanished client');
  });
});

test('the client stops reading and stays: the stall timeout ends the transfer with 426, the session goes on', async (t) => {
  await faultScenario(t, { files: FILES, timeouts: { stalledTransfer: 300 } }, async ({ login }) => {
    const c = await login();
    await c.cmd('TYPE I');
    const data = await startDownload(c, 'big.bin'); // and never read
    assert.equal((await c.read(10_000)).code, 426);
    assert.equal((await c.cmd('NOOP')).code, 200);
    data.destroy();
  });
});

test('a data connection made and closed before the command: RETR answers 425/426, STOR stores an empty file', async (t) => {
  await faultScenario(t, { files: FILES }, async ({ login }) => {
    const c = await login();
    await c.cmd('TYPE I');
    for (const rude of [false, true]) {
      let data = await c.epsv();
      rude ? data.resetAndDestroy() : data.destroy();
      await sleep(30);
      c.send('RETR big.bin');
      let reply = await c.read();
      if (reply.code === 150) reply = await c.read();
      assert.ok([425, 426].includes(reply.code), `RETR after the data connection closed: ${reply.lines.join(' | ')}`);

      data = await c.epsv();
      data.destroy();
      await sleep(30);
      c.send('STOR empty.bin');
      reply = await c.read();
      if (reply.code === 150) reply = await c.read();
      assert.ok([226, 425, 426].includes(reply.code), `STOR: ${reply.lines.join(' | ')}`);
      if (reply.code === 226) assert.equal((await c.cmd('SIZE empty.bin')).text, '0');
      assert.equal((await c.cmd('NOOP')).code, 200);
    }
  });
});

test('never connecting (passive and active): 425 after the time limit, the port closed, the session goes on', async (t) => {
  await faultScenario(t, { files: FILES, timeouts: { dataConnection: 300 } }, async ({ login, passivePorts, server }) => {
    const c = await login();
    await c.cmd('EPSV');
    c.send('RETR small.txt');
    assert.equal((await c.read()).code, 150);
    assert.equal((await c.read(5000)).code, 425);
    // An active target that accepts but never reads, while the client vanishes.
    const accepted: Socket[] = [];
    const sink = createServer((socket) => void accepted.push(socket.pause()));
    sink.listen(0, '127.0.0.1');
    await once(sink, 'listening');
    const { port } = sink.address() as { port: number };
    t.after(() => sink.close());
    assert.equal((await c.cmd(`EPRT |1|127.0.0.1|${port}|`)).code, 200);
    c.send('RETR big.bin');
    assert.equal((await c.read()).code, 150);
    await waitFor(() => accepted.length === 1, 5000, 'the active data connection');
    await sleep(100); // the server's writes pile up against the target that does not read
    c.reset();
    await waitFor(() => server.sessions.length === 0, 5000, 'the session of the vanished client to end');
    // The server closes its end of the active connection: the target, reading again,
    // sees it close before the whole file came (so not because the download finished).
    let received = 0;
    await within(
      Promise.all(
        accepted.map((socket) => {
          const gone = new Promise((resolve) => socket.once('close', resolve));
          socket.on('error', () => undefined).on('data', (chunk: Buffer) => (received += chunk.length));
          socket.resume();
          return gone;
        }),
      ),
      5000,
      'the server kept its active data socket open after the client vanished',
    );
    assert.ok(received < FILES['/big.bin'].length, `the whole file was sent (${received} bytes) to a client that had vanished`);
    assert.deepEqual(socketsOnPorts(new Set(passivePorts)).filter((s) => s.includes('0A')), [], 'no passive listener left');
    for (const socket of accepted) socket.destroy(); // the test's own end of the active connection
    sink.close();
  });
});

test('PASV/EPSV three hundred times without using them: one listener at a time, all closed at the end', async (t) => {
  await faultScenario(t, { files: FILES }, async ({ login, passivePorts }) => {
    const c = await login();
    for (let i = 0; i < 300; i++) {
      const reply = await c.cmd(i % 2 ? 'EPSV' : 'PASV');
      assert.ok([227, 229].includes(reply.code), reply.lines.join(' | '));
    }
    const listening = socketsOnPorts(new Set(passivePorts)).filter((s) => /state 0A/.test(s));
    assert.ok(listening.length <= 1, `${listening.length} passive listeners open for one session`);
  });
});

test('a data-socket wrapper that throws (an extension, like TLS): 451 and reported, never an uncaught exception', async (t) => {
  await faultScenario(t, { files: FILES }, async ({ login, server, errors }) => {
    const c = await login();
    const session = server.sessions[0] as unknown as Session;
    session.dataWrapper = () => {
      throw new Error('wrapper exploded');
    };
    // Passive: the client connects, the wrapper throws in the connection handler.
    const data = await c.epsv();
    data.on('error', () => undefined);
    c.send('RETR small.txt');
    let reply = await c.read();
    if (reply.code === 150) reply = await c.read();
    assert.equal(reply.code, 451, `passive: ${reply.lines.join(' | ')}`);
    // Active: the wrapper throws once the server has dialled the client.
    const target = createServer((socket) => socket.on('error', () => undefined));
    target.listen(0, '127.0.0.1');
    await once(target, 'listening');
    t.after(() => target.close());
    assert.equal((await c.cmd(`EPRT |1|127.0.0.1|${(target.address() as { port: number }).port}|`)).code, 200);
    c.send('RETR small.txt');
    reply = await c.read();
    if (reply.code === 150) reply = await c.read();
    assert.equal(reply.code, 451, `active: ${reply.lines.join(' | ')}`);
    assert.equal(errors.filter((e) => (e as Error).message === 'wrapper exploded').length, 2, 'the host is told');
    session.dataWrapper = undefined;
    const again = await c.epsv();
    c.send('RETR small.txt');
    assert.equal((await c.read()).code, 150);
    assert.equal((await readAll(again)).toString(), 'small');
    assert.equal((await c.read()).code, 226);
    target.close();
  });
});
