import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { test } from 'node:test';
import { diagnosticsChannels, type CommandTrace, type TransferTrace } from '../../src/index.js';
import { commandsTraced, transfersTraced } from '../../src/diagnostics.js';
import type { FtpSession } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { rawDownload, rawUpload, waitFor } from '../helpers/transfers.js';

/** Subscribes to a channel for the rest of the test. */
function subscribe(t: import('node:test').TestContext, name: string, into: unknown[]): void {
  const fn = (message: unknown) => void into.push(message);
  diagnostics.subscribe(name, fn);
  t.after(() => diagnostics.unsubscribe(name, fn));
}

test('channel names are the documented ones', () => {
  assert.deepEqual(diagnosticsChannels, {
    command: 'ftpkit:command',
    transfer: 'ftpkit:transfer',
    sessionOpen: 'ftpkit:session:open',
    sessionLogin: 'ftpkit:session:login',
    sessionLoginFailed: 'ftpkit:session:login-failed',
    sessionClose: 'ftpkit:session:close',
  });
});

test('a subscriber traces commands, transfers and sessions without touching the server', async (t) => {
  const starts: CommandTrace[] = [];
  const ends: CommandTrace[] = [];
  const transfers: TransferTrace[] = [];
  const opened: unknown[] = [];
  const logins: unknown[] = [];
  const failed: { username: string; reason: string }[] = [];
  const closed: { reason: string }[] = [];
  subscribe(t, 'tracing:ftpkit:command:start', starts);
  subscribe(t, 'tracing:ftpkit:command:asyncEnd', ends);
  subscribe(t, 'tracing:ftpkit:transfer:asyncEnd', transfers);
  subscribe(t, diagnosticsChannels.sessionOpen, opened);
  subscribe(t, diagnosticsChannels.sessionLogin, logins);
  subscribe(t, diagnosticsChannels.sessionLoginFailed, failed);
  subscribe(t, diagnosticsChannels.sessionClose, closed);

  const { port } = await startServer(t, { files: { '/a.txt': 'abc' } });
  const c = await RawClient.connect(port);
  await c.cmd('USER test');
  assert.equal((await c.cmd('PASS nope')).code, 530);
  await c.cmd('USER test');
  assert.equal((await c.cmd('PASS test')).code, 230);
  await c.cmd('TYPE I');
  assert.equal((await rawUpload(c, 'b.txt', 'hello')).final.code, 226);
  assert.equal((await rawDownload(c, 'a.txt')).final.code, 226);
  assert.equal((await c.cmd('XMKD d')).code, 257);
  await c.quit();
  await waitFor(() => closed.length === 1);

  const mine = (trace: { session: FtpSession }) => trace.session.id === starts[0]!.session.id;
  assert.ok(starts.every(mine));
  assert.deepEqual(starts.map((s) => s.command), ['USER', 'PASS', 'USER', 'PASS', 'TYPE', 'EPSV', 'STOR', 'EPSV', 'RETR', 'MKD', 'QUIT']);
  assert.equal(starts[1]!.argument, '********', 'never a password');
  assert.equal(starts[9]!.argument, 'd');
  // The same context object travels from start to end, now with the reply code.
  assert.equal(ends[1], starts[1]);
  assert.deepEqual(ends.map((e) => e.code), [331, 530, 331, 230, 200, 229, 226, 229, 226, 257, 221]);

  assert.deepEqual(
    transfers.map(({ direction, command, path, bytes, code, reason }) => ({ direction, command, path, bytes, code, reason })),
    [
      { direction: 'upload', command: 'STOR', path: '/b.txt', bytes: 5, code: 226, reason: undefined },
      { direction: 'download', command: 'RETR', path: '/a.txt', bytes: 3, code: 226, reason: undefined },
    ],
  );
  assert.equal(opened.length, 1);
  assert.equal(logins.length, 1);
  assert.deepEqual(failed.map(({ username, reason }) => ({ username, reason })), [{ username: 'test', reason: 'bad-credentials' }]);
  assert.equal(closed[0]!.reason, 'quit');
});

test('an aborted transfer ends its trace with the reason and the 426', async (t) => {
  const transfers: TransferTrace[] = [];
  subscribe(t, 'tracing:ftpkit:transfer:asyncEnd', transfers);
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const data = await c.epsv();
  c.send('STOR x');
  assert.equal((await c.read()).code, 150);
  data.write('partial');
  c.send('ABOR');
  assert.equal((await c.read()).code, 426);
  assert.equal((await c.read()).code, 226);
  await waitFor(() => transfers.length === 1);
  assert.equal(transfers[0]!.reason, 'abor');
  assert.equal(transfers[0]!.code, 426);
  data.destroy();
});

for (const [name, traced] of [
  ['ftpkit:command', commandsTraced],
  ['ftpkit:transfer', transfersTraced],
] as const) {
  test(`without subscribers nothing is built: no ${name} trace is made at all`, () => {
    const channel = diagnostics.tracingChannel(name);
    assert.equal(channel.hasSubscribers, false);
    assert.equal(traced(), false, 'run plainly');
    const subscriber = { start() {}, end() {}, asyncStart() {}, asyncEnd() {}, error() {} };
    channel.subscribe(subscriber);
    try {
      assert.equal(traced(), true);
    } finally {
      channel.unsubscribe(subscriber);
    }
    assert.equal(traced(), false);
  });
}
