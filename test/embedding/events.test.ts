import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { Client } from 'basic-ftp';
import { FtpError, MemoryFileSystem, type AbortReason, type FtpServerEvents } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { delay, rawUpload, slowSource, startDownload, waitFor } from '../helpers/transfers.js';

type Recorded = { name: keyof FtpServerEvents; payload: Record<string, unknown> & { seq: number; session: { id: string } } };

function record(server: { on: (name: never, fn: (payload: never) => void) => unknown }, names: (keyof FtpServerEvents)[]): Recorded[] {
  const seen: Recorded[] = [];
  for (const name of names) server.on(name as never, ((payload: Recorded['payload']) => void seen.push({ name, payload })) as never);
  return seen;
}

const sessionEvents: (keyof FtpServerEvents)[] = [
  'connection', 'login', 'loginFailed', 'logout', 'command', 'transferStart', 'transferEnd', 'transferAborted',
  'fileDeleted', 'directoryCreated', 'directoryRemoved', 'renamed', 'disconnect',
];

test('every operation of a basic-ftp session is an event, in order, with the session and a sequence number', async (t) => {
  const { port, server } = await startServer(t, { files: { '/a.txt': 'hello' } });
  const seen = record(server, sessionEvents);
  const c = new Client(10_000);
  await c.access({ host: '127.0.0.1', port, user: 'test', password: 'test' });
  await c.uploadFrom(Readable.from(['data']), 'up.txt');
  await c.downloadTo(new Writable({ write: (_c, _e, done) => done() }), 'a.txt');
  await c.list();
  await c.ensureDir('/dir');
  await c.cd('/');
  await c.rename('up.txt', 'dir/moved.txt');
  await c.remove('dir/moved.txt');
  await c.removeEmptyDir('dir');
  c.close();
  await waitFor(() => seen.some((e) => e.name === 'disconnect'));

  const names = seen.filter((e) => e.name !== 'command').map((e) => e.name);
  assert.deepEqual(names, [
    'connection', 'login',
    'transferStart', 'transferEnd', // upload
    'transferStart', 'transferEnd', // download
    'transferStart', 'transferEnd', // listing
    'directoryCreated', 'renamed', 'fileDeleted', 'directoryRemoved',
    'logout', 'disconnect',
  ]);
  const directions = seen.filter((e) => e.name === 'transferEnd').map((e) => [e.payload.direction, e.payload.path, e.payload.bytes]);
  assert.deepEqual(directions, [['upload', '/up.txt', 4], ['download', '/a.txt', 5], ['listing', '/', directions[2]![2]]]);
  assert.deepEqual(seen.find((e) => e.name === 'renamed')!.payload.from, '/up.txt');
  const seqs = seen.map((e) => e.payload.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'seq counts every event of the session, from 1');
  const ids = new Set(seen.map((e) => e.payload.session.id));
  assert.equal(ids.size, 1);
  const login = seen.find((e) => e.name === 'login')!.payload as unknown as { user: { username: string }; session: { remoteAddress: string; secure: boolean } };
  assert.equal(login.user.username, 'test');
  assert.match(login.session.remoteAddress, /127\.0\.0\.1/);
  assert.equal(login.session.secure, false);
  const pass = seen.find((e) => e.name === 'command' && e.payload.command === 'PASS')!;
  assert.equal(pass.payload.argument, '********');
});

test('failed logins carry their reason; logout carries why', async (t) => {
  let mode = 'refuse';
  const { port, server } = await startServer(t, {
    timeouts: { auth: 150 },
    loginThrottle: false, // three failures in a row are the point here
    authenticate: ({ username, password }) => {
      if (mode === 'throw') throw new Error('directory offline');
      if (mode === 'hang') return new Promise(() => undefined);
      return username === 'test' && password === 'test' ? { username } : null;
    },
  });
  server.on('error', () => undefined);
  const seen = record(server, ['loginFailed', 'logout']);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  for (const m of ['refuse', 'throw', 'hang']) {
    mode = m;
    await c.cmd('USER test');
    assert.equal((await c.cmd('PASS wrong')).code, 530);
  }
  mode = 'ok';
  await c.cmd('USER test');
  assert.equal((await c.cmd('PASS test')).code, 230);
  assert.equal((await c.cmd('REIN')).code, 220);
  await c.cmd('USER test');
  await c.cmd('PASS test');
  await c.quit();
  await waitFor(() => seen.filter((e) => e.name === 'logout').length === 2);
  assert.deepEqual(
    seen.map((e) => [e.name, e.payload.reason, e.payload.username ?? (e.payload.user as { username: string }).username]),
    [
      ['loginFailed', 'bad-credentials', 'test'],
      ['loginFailed', 'auth-error', 'test'],
      ['loginFailed', 'auth-timeout', 'test'],
      ['logout', 'rein', 'test'],
      ['logout', 'quit', 'test'],
    ],
  );
});

/** A memory filesystem whose files are read slowly, so transfers last long enough to be stopped. */
class SlowFiles extends MemoryFileSystem {
  override async read(): Promise<Readable> {
    return slowSource(400, 16 * 1024, 10);
  }
}

async function abortedReason(t: import('node:test').TestContext, stop: (ctx: { c: RawClient; server: Awaited<ReturnType<typeof startServer>>['server']; data: import('node:net').Socket }) => Promise<void> | void, options: Parameters<typeof startServer>[1] = {}): Promise<{ reason: AbortReason; code: number }> {
  const { port, server } = await startServer(t, { filesystem: new SlowFiles({ '/big.bin': 'x' }), ...options });
  const aborted = new Promise<{ reason: AbortReason; code: number }>((resolve) => server.on('transferAborted', ({ reason, code }) => resolve({ reason, code })));
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const data = await startDownload(c, 'big.bin');
  data.resume();
  t.after(() => data.destroy());
  await stop({ c, server, data });
  return aborted;
}

test('transferAborted says why: abor, disconnect, timeout, host, shutdown', async (t) => {
  await t.test('abor', async (t) => {
    const result = await abortedReason(t, async ({ c }) => {
      c.send('ABOR');
      assert.equal((await c.read()).code, 426);
      assert.equal((await c.read()).code, 226);
    });
    assert.deepEqual(result, { reason: 'abor', code: 426 });
  });
  await t.test('disconnect (data connection closed)', async (t) => {
    const result = await abortedReason(t, ({ data }) => void data.destroy());
    assert.deepEqual(result, { reason: 'disconnect', code: 426 });
  });
  await t.test('disconnect (control connection reset)', async (t) => {
    // A FIN is a half-close the session answers after the transfer; a reset ends it now.
    const result = await abortedReason(t, ({ c }) => void c.socket.resetAndDestroy());
    assert.equal(result.reason, 'disconnect');
  });
  await t.test('timeout (client stopped reading)', async (t) => {
    const result = await abortedReason(t, ({ data }) => void data.pause(), { timeouts: { stalledTransfer: 300 } });
    assert.deepEqual(result, { reason: 'timeout', code: 426 });
  });
  await t.test('host', async (t) => {
    const result = await abortedReason(t, async ({ server }) => {
      await delay(30);
      assert.equal(server.sessions[0]!.abortTransfer(), true);
    });
    assert.deepEqual(result, { reason: 'host', code: 426 });
  });
  await t.test('shutdown', async (t) => {
    const result = await abortedReason(t, ({ server }) => void server.close());
    assert.equal(result.reason, 'shutdown');
  });
});

test('transferAborted: a storage error is "error" with the storage reply', async (t) => {
  class Broken extends MemoryFileSystem {
    override async read(): Promise<Readable> {
      let n = 0;
      return new Readable({
        read() {
          if (n++ < 3) this.push(Buffer.alloc(1024));
          else this.destroy(new FtpError('transient'));
        },
      });
    }
  }
  const { port, server } = await startServer(t, { filesystem: new Broken({ '/f': 'x' }) });
  const seen = record(server, ['transferAborted']);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const data = await startDownload(c, 'f');
  data.resume();
  const final = await c.read();
  assert.equal(final.code, 450);
  await waitFor(() => seen.length === 1);
  assert.equal(seen[0]!.payload.reason, 'error');
  assert.equal(seen[0]!.payload.code, 450);
});

test('transferProgress is throttled by time and by bytes, from one timer per transfer', async (t) => {
  // 40 chunks of 16 KiB, one every 10 ms: about 400 ms of transfer.
  class Paced extends MemoryFileSystem {
    override async read(): Promise<Readable> {
      return slowSource(40, 16 * 1024, 10);
    }
  }
  const run = async (progress: { intervalMs?: number; bytes?: number }) => {
    const { port, server } = await startServer(t, { filesystem: new Paced({ '/f': 'x' }), progress });
    const events: { bytes: number; durationMs: number }[] = [];
    server.on('transferProgress', ({ bytes, durationMs }) => void events.push({ bytes, durationMs }));
    const c = await RawClient.login(port);
    const data = await startDownload(c, 'f');
    data.resume();
    assert.equal((await c.read()).code, 226);
    c.close();
    return events;
  };
  const byTime = await run({ intervalMs: 50 });
  assert.ok(byTime.length >= 2, `progress events: ${byTime.length}`);
  for (let i = 1; i < byTime.length; i++) {
    assert.ok(byTime[i]!.durationMs - byTime[i - 1]!.durationMs >= 50, 'never more often than intervalMs');
    assert.ok(byTime[i]!.bytes > byTime[i - 1]!.bytes);
  }
  const byBytes = await run({ intervalMs: 20, bytes: 256 * 1024 });
  assert.ok(byBytes.length >= 1 && byBytes.length <= 3, `640 KiB in steps of 256 KiB: ${byBytes.length} events`);
  for (let i = 1; i < byBytes.length; i++) assert.ok(byBytes[i]!.bytes - byBytes[i - 1]!.bytes >= 256 * 1024);
});

test('a throwing or rejecting listener never breaks the session; it is reported as an error event', async (t) => {
  const { port, server } = await startServer(t);
  const errors: unknown[] = [];
  server.on('error', ({ error }) => errors.push(error));
  server.on('command', () => {
    throw new Error('listener bug');
  });
  server.on('login', async () => {
    throw new Error('async listener bug');
  });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const up = await rawUpload(c, 'x.txt', 'x');
  assert.equal(up.final.code, 226);
  await waitFor(() => errors.length >= 3);
});

test('attributesChanged: SITE CHMOD, MFMT, MFCT, SITE UTIME and MFF, with the client name CLNT gave', async (t) => {
  const { port, server } = await startServer(t, { files: { '/f.txt': 'x' } });
  const seen: { command: string; path: string; attribute: string; value: unknown; client: string | undefined }[] = [];
  server.on('attributesChanged', (event) => {
    const value = event.attribute === 'mode' ? event.mode : event.time.toISOString();
    seen.push({ command: event.command, path: event.path, attribute: event.attribute, value, client: event.session.clientName });
  });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('CLNT TestClient 1.0')).code, 200);
  assert.equal((await c.cmd('SITE CHMOD 640 f.txt')).code, 200);
  assert.equal((await c.cmd('MFMT 20200102030405 f.txt')).code, 213);
  assert.equal((await c.cmd('MFCT 20190102030405 f.txt')).code, 213);
  assert.equal((await c.cmd('SITE UTIME 20210102030405 f.txt')).code, 200);
  assert.equal((await c.cmd('MFF UNIX.mode=600;Modify=20220102030405; f.txt')).code, 213);
  assert.equal((await c.cmd('SITE CHMOD 640 missing.txt')).code, 550, 'no event for a change that did not happen');
  assert.deepEqual(seen, [
    { command: 'SITE CHMOD', path: '/f.txt', attribute: 'mode', value: 0o640, client: 'TestClient 1.0' },
    { command: 'MFMT', path: '/f.txt', attribute: 'modified', value: '2020-01-02T03:04:05.000Z', client: 'TestClient 1.0' },
    { command: 'MFCT', path: '/f.txt', attribute: 'created', value: '2019-01-02T03:04:05.000Z', client: 'TestClient 1.0' },
    { command: 'SITE UTIME', path: '/f.txt', attribute: 'modified', value: '2021-01-02T03:04:05.000Z', client: 'TestClient 1.0' },
    { command: 'MFF', path: '/f.txt', attribute: 'mode', value: 0o600, client: 'TestClient 1.0' },
    { command: 'MFF', path: '/f.txt', attribute: 'modified', value: '2022-01-02T03:04:05.000Z', client: 'TestClient 1.0' },
  ]);
});
