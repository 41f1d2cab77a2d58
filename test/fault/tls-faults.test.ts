import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { faultScenario, sessionsGone, sleep, within, type FaultContext } from '../helpers/fault.js';
import { readAll } from '../helpers/raw-client.js';
import { TlsControl, tcp, tlsOptions } from '../helpers/tls.js';

/**
 * TLS handshakes that go wrong, on the control connection (AUTH TLS and the
 * implicit port) and on data connections (PROT P): the client vanishes before,
 * during and right after the handshake, stalls halfway, or sends something
 * that is not TLS. The server frees the session (or answers 425/426 and goes
 * on), serves the next client over TLS, and leaks nothing.
 */

const FILES = { '/big.bin': Buffer.alloc(8 * 1024 * 1024, 3), '/small.txt': 'small' };
const options = { files: FILES, tls: tlsOptions(), timeouts: { dataConnection: 600 }, loginThrottle: false, antiFlood: false } as const;

/** The start of a TLS handshake record that announces 512 bytes and never sends them. */
const HALF_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);
const NOT_TLS = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n');

type Misstep = (socket: Socket) => Promise<void>;
const missteps: Record<string, Misstep> = {
  'closes before the handshake': async (s) => void s.end(),
  'resets before the handshake': async (s) => void s.resetAndDestroy(),
  'sends something that is not TLS': async (s) => {
    s.write(NOT_TLS);
    await closedWithin(s, 'the server closes a connection that is not TLS');
  },
  'stalls halfway through the handshake': async (s) => {
    s.write(HALF_HELLO);
    await closedWithin(s, 'the handshake time limit closes a stalled handshake');
  },
  'resets halfway through the handshake': async (s) => {
    s.write(HALF_HELLO);
    await sleep(20);
    s.resetAndDestroy();
  },
};

async function closedWithin(socket: Socket, what: string): Promise<void> {
  socket.on('data', () => undefined);
  socket.on('error', () => undefined);
  if (!socket.closed) await within(once(socket, 'close').then(() => undefined), 5000, what);
}

/** A full FTPS round trip on a fresh connection: the server still serves TLS clients. */
async function servesTlsClient(port: number, implicit = false): Promise<void> {
  const control = implicit ? await TlsControl.implicit(port) : await TlsControl.explicit(port);
  try {
    await control.login();
    const raw = await control.epsv();
    const data = TlsControl.dataTls(raw, control.session);
    control.client.send('RETR small.txt');
    assert.equal((await control.client.read()).code, 150);
    assert.equal((await readAll(data)).toString(), 'small');
    assert.equal((await control.client.read()).code, 226);
  } finally {
    control.close();
  }
}

for (const [what, misstep] of Object.entries(missteps)) {
  test(`AUTH TLS, then the client ${what}: the session is freed`, async (t) => {
    await faultScenario(t, options, async ({ port, connect }) => {
      const c = await connect();
      assert.equal((await c.cmd('AUTH TLS')).code, 234);
      c.socket.removeAllListeners('data');
      await misstep(c.socket);
    }, servesTlsClient);
  });

  test(`implicit TLS port, the client ${what}: the connection is freed`, async (t) => {
    await faultScenario(t, options, async (ctx) => {
      const { port } = await ctx.server.listenImplicitTls(0, '127.0.0.1');
      await misstep(await tcp(port));
      await servesTlsClient(port, true);
    }, servesTlsClient);
  });
}

test('the client vanishes right after a completed handshake, before and after login', async (t) => {
  await faultScenario(t, options, async ({ port }) => {
    for (const loggedIn of [false, true]) {
      const control = await TlsControl.explicit(port);
      if (loggedIn) await control.login();
      control.raw!.resetAndDestroy();
    }
  }, servesTlsClient);
});

/** PROT P transfers whose data connection goes wrong; the control session must go on. */
async function protectedSession(ctx: FaultContext): Promise<TlsControl> {
  const control = await TlsControl.explicit(ctx.port);
  await control.login();
  assert.equal((await control.client.cmd('TYPE I')).code, 200);
  return control;
}

test('PROT P data connections: never secured, not TLS, not resumed, reset mid-handshake: 425 and the session goes on', async (t) => {
  await faultScenario(t, options, async (ctx) => {
    const control = await protectedSession(ctx);
    const c = control.client;
    const cases: [string, (raw: Socket) => void | Promise<void>][] = [
      ['connects but never starts TLS', () => undefined],
      ['sends something that is not TLS', (raw) => void raw.write(NOT_TLS)],
      ['stalls halfway through the handshake', (raw) => void raw.write(HALF_HELLO)],
      ['resets halfway through the handshake', async (raw) => {
        raw.write(HALF_HELLO);
        await sleep(20);
        raw.resetAndDestroy();
      }],
      ['does a full handshake without resuming the control session', (raw) => void TlsControl.dataTls(raw, undefined)],
    ];
    for (const [what, act] of cases) {
      const raw = await control.epsv();
      raw.on('error', () => undefined);
      c.send('RETR small.txt');
      assert.equal((await c.read()).code, 150, what);
      await act(raw);
      const final = await c.read(10_000);
      assert.ok([425, 426, 522].includes(final.code), `${what}: ${final.lines.join(' | ')}`);
      raw.destroy();
      assert.equal((await c.cmd('NOOP')).code, 200, `${what}: the session goes on`);
    }
    control.close();
  }, servesTlsClient);
});

test('PROT P transfers cut mid-way (download and upload, data or control side): 426 or a freed session, nothing half-stored', async (t) => {
  await faultScenario(t, options, async (ctx) => {
    for (const side of ['data', 'control'] as const) {
      for (const direction of ['download', 'upload'] as const) {
        const control = await protectedSession(ctx);
        const c = control.client;
        const raw = await control.epsv();
        const data = TlsControl.dataTls(raw, control.session);
        const secured = once(data, 'secureConnect');
        c.send(direction === 'download' ? 'RETR big.bin' : 'STOR cut.bin');
        assert.equal((await c.read()).code, 150);
        if (direction === 'download') {
          await once(data, 'data');
          data.pause();
        } else {
          await secured;
          data.write(Buffer.alloc(256 * 1024, 1));
          await sleep(30);
        }
        if (side === 'data') {
          raw.resetAndDestroy();
          assert.equal((await c.read()).code, 426, `${direction}: data reset`);
          assert.equal((await c.cmd('NOOP')).code, 200);
          control.close();
        } else {
          control.raw!.resetAndDestroy();
          data.resume(); // a paused reader would not see the close behind the unread bytes
          await closedWithin(data, `${direction}: the data connection of a vanished session is closed`);
        }
        const check = await TlsControl.explicit(ctx.port);
        await check.login();
        assert.equal((await check.client.cmd('SIZE cut.bin')).code, 550, 'an interrupted upload is not visible (memory storage is atomic)');
        check.close();
      }
    }
  }, servesTlsClient);
});

test('the client resets in the middle of CCC: the command is let go with the session, close() waits for nothing', async (t) => {
  const warnings: string[] = [];
  const quiet = () => undefined;
  const logger = { debug: quiet, info: quiet, error: quiet, warn: (_: object, msg?: string) => void warnings.push(msg ?? '') };
  await faultScenario(t, { ...options, tls: tlsOptions({ allowCcc: true }), logger }, async ({ port, server }) => {
    for (let i = 0; i < 5; i++) {
      const control = await TlsControl.explicit(port);
      await control.login();
      control.client.send('CCC');
      control.raw!.resetAndDestroy();
    }
    await sessionsGone({ server } as never);
    const closing = server.close({ settleMs: 30_000 });
    await within(closing, 5000, 'close() is not held by a CCC that lost its connection');
    assert.deepEqual(warnings, []);
  }, async () => undefined);
});
