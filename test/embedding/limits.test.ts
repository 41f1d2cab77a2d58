import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { Client } from 'basic-ftp';
import { LocalFileSystem, MemoryFileSystem, type FtpServerEvents } from '../../src/index.js';
import { curl, needTool } from '../helpers/clients.js';
import { RawClient, type Reply } from '../helpers/raw-client.js';
import { startServer, tempDir } from '../helpers/server.js';
import { eventually, rawDownload, rawUpload, waitFor } from '../helpers/transfers.js';

const MiB = 1024 * 1024;

test('maxFileSize stops an upload mid-stream with 552; the partial new file is removed (curl, local disk)', async (t) => {
  if (!needTool(t, 'curl')) return;
  const root = await tempDir(t);
  await writeFile(join(root, 'small.txt'), 'x');
  const { port, server } = await startServer(t, { filesystem: new LocalFileSystem(root), userLimits: { maxFileSize: 100_000 } });
  const aborted: Parameters<FtpServerEvents['transferAborted']>[0][] = [];
  server.on('transferAborted', (e) => aborted.push(e));
  const big = 'y'.repeat(3 * MiB);
  const result = await curl(['-T', '-', `ftp://test:test@127.0.0.1:${port}/big.bin`], { input: big });
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /552|Send failure|reset/i, 'curl sees the refusal or the cut data connection');
  await waitFor(() => aborted.length === 1);
  assert.equal(aborted[0]!.reason, 'limit');
  assert.equal(aborted[0]!.code, 552);
  assert.ok(aborted[0]!.bytes < 3 * MiB, 'stopped before the end');
  // The partial file goes once storage settled (the reply does not wait for a client that left).
  await eventually(async () => (await readdir(root)).length === 1, 5000, 'the partial file to be removed');
  assert.deepEqual(await readdir(root), ['small.txt'], 'no partial file left');
  const ok = await curl(['-T', '-', `ftp://test:test@127.0.0.1:${port}/fits.bin`], { input: 'z'.repeat(100_000) });
  assert.equal(ok.code, 0, ok.stderr);
});

test('maxFileSize counts the existing part for APPE and REST; the old file stays when the limit is hit', async (t) => {
  const { port, memory } = await startServer(t, { files: { '/log.txt': '0123456789' }, userLimits: { maxFileSize: 15 } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const tooLong = await rawUpload(c, 'log.txt', 'abcdef', 'APPE');
  assert.equal(tooLong.final.code, 552);
  assert.match(tooLong.final.text, /15 bytes/);
  assert.equal((await memory!.stat('/log.txt')).size, 10, 'an existing file is not removed');
  assert.equal((await rawUpload(c, 'log.txt', 'abcde', 'APPE')).final.code, 226);
  assert.equal((await c.cmd('REST 10')).code, 350);
  assert.equal((await rawUpload(c, 'log.txt', 'ABCDEF')).final.code, 552);
  assert.equal((await c.cmd('REST 10')).code, 350);
  assert.equal((await rawUpload(c, 'log.txt', 'ABCDE')).final.code, 226);
});

test('quotaBytes counts the whole tree, credits replaced files, and is shared by parallel uploads', async (t) => {
  const { port, memory } = await startServer(t, { files: { '/old.bin': Buffer.alloc(40_000) }, users: [{ username: 'test', password: 'test', limits: { quotaBytes: 100_000 } }] });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  assert.equal((await rawUpload(c, 'a.bin', Buffer.alloc(50_000))).final.code, 226);
  const over = await rawUpload(c, 'b.bin', Buffer.alloc(20_000));
  assert.equal(over.final.code, 552);
  assert.match(over.final.text, /Quota exceeded/);
  await assert.rejects(memory!.stat('/b.bin'));
  // Replacing old.bin (40 000) with 45 000 bytes only adds 5 000.
  assert.equal((await rawUpload(c, 'old.bin', Buffer.alloc(45_000))).final.code, 226);
  assert.equal((await c.cmd('DELE a.bin')).code, 250);

  // Two sessions upload 40 000 bytes each at once with 55 000 free: one of them must fail.
  const d = await RawClient.login(port);
  t.after(() => d.close());
  await d.cmd('TYPE I');
  const [one, two] = await Promise.all([rawUpload(c, 'p1.bin', Buffer.alloc(40_000)), rawUpload(d, 'p2.bin', Buffer.alloc(40_000))]);
  const codes = [one.final.code, two.final.code].sort();
  assert.deepEqual(codes, [226, 552]);
  assert.ok((await memory!.usedSpace()) <= 100_000);
});

test('a user limit overrides the server default field by field', async (t) => {
  const { port } = await startServer(t, {
    userLimits: { maxFileSize: 10 },
    users: [
      { username: 'test', password: 'test' },
      { username: 'big', password: 'big', limits: { maxFileSize: 1000 } },
    ],
  });
  const a = await RawClient.login(port);
  const b = await RawClient.login(port, 'big', 'big');
  t.after(() => a.close());
  t.after(() => b.close());
  assert.equal((await rawUpload(a, 'x', 'x'.repeat(20))).final.code, 552);
  assert.equal((await rawUpload(b, 'x', 'x'.repeat(20))).final.code, 226);
});

test('maxSessions per user: one more login gets 530, the others are untouched', async (t) => {
  const { port, server } = await startServer(t, { users: [{ username: 'test', password: 'test', limits: { maxSessions: 2 } }] });
  const failed: string[] = [];
  server.on('loginFailed', ({ reason }) => failed.push(reason));
  const a = await RawClient.login(port);
  const b = await RawClient.login(port);
  const c = await RawClient.connect(port);
  t.after(() => [a, b, c].forEach((x) => x.close()));
  await c.cmd('USER test');
  const refused = await c.cmd('PASS test');
  assert.equal(refused.code, 530);
  assert.match(refused.text, /Too many sessions/);
  assert.deepEqual(failed, ['not-allowed']);
  await a.quit();
  await waitFor(() => server.sessions.length === 2);
  await c.cmd('USER test');
  assert.equal((await c.cmd('PASS test')).code, 230, 'a freed slot can be used');
  assert.equal((await b.cmd('NOOP')).code, 200);
});

test('download and upload rates are enforced by the server (token bucket), per user and in total', async (t) => {
  const size = 384 * 1024;
  const { port } = await startServer(t, {
    files: { '/f.bin': Buffer.alloc(size, 1) },
    users: [{ username: 'test', password: 'test', limits: { downloadRate: 256 * 1024 } }],
    bandwidth: { uploadRate: 256 * 1024 },
  });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  // 384 KiB at 256 KiB/s with a burst of 64 KiB takes at least ~1.25 s; assert a generous 0.8 s.
  let started = Date.now();
  const down = await rawDownload(c, 'f.bin');
  assert.equal(down.data.length, size);
  assert.ok(Date.now() - started >= 800, `download took ${Date.now() - started} ms`);
  started = Date.now();
  assert.equal((await rawUpload(c, 'g.bin', Buffer.alloc(size, 2))).final.code, 226);
  assert.ok(Date.now() - started >= 800, `upload took ${Date.now() - started} ms`);
});

test('quota with a LocalFileSystem counts the disk tree (walk), and basic-ftp sees 552', async (t) => {
  const root = await tempDir(t);
  await writeFile(join(root, 'existing.bin'), Buffer.alloc(9000));
  const { port } = await startServer(t, { filesystem: new LocalFileSystem(root), userLimits: { quotaBytes: 10_000 } });
  const client = new Client(10_000);
  t.after(() => client.close());
  await client.access({ host: '127.0.0.1', port, user: 'test', password: 'test' });
  await assert.rejects(client.uploadFrom(Readable.from([Buffer.alloc(5000)]), 'new.bin'), /552/);
  assert.deepEqual(await readdir(root), ['existing.bin']);
  await client.uploadFrom(Readable.from([Buffer.alloc(500)]), 'new.bin');
  assert.equal((await readFile(join(root, 'new.bin'))).length, 500);
  void MemoryFileSystem;
});

/** Starts a STOR that stays open (its bytes not ended): it keeps the user's quota ledger alive. */
async function holdUpload(c: RawClient, name: string, first: Buffer): Promise<{ finish: (rest: Buffer) => Promise<Reply> }> {
  await c.cmd('TYPE I');
  const socket = await c.epsv();
  c.send(`STOR ${name}`);
  assert.equal((await c.read()).code, 150);
  socket.write(first);
  return {
    async finish(rest: Buffer) {
      socket.end(rest);
      await once(socket, 'close').catch(() => undefined);
      return c.read();
    },
  };
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

test('quotaBytes: an upload whose data connection never opens (425) gives back the credit of the file it would replace', async (t) => {
  const { port } = await startServer(t, { files: { '/big.bin': Buffer.alloc(90_000) }, users: [{ username: 'test', password: 'test', limits: { quotaBytes: 100_000 } }] });
  const a = await RawClient.login(port);
  const b = await RawClient.login(port);
  t.after(() => [a, b].forEach((x) => x.close()));
  // A running upload of the same user keeps the ledger (90 000 used) alive.
  const held = await holdUpload(a, 'hold.bin', Buffer.alloc(1000));
  const closed = await closedPort();
  for (let i = 0; i < 5; i++) {
    assert.equal((await b.cmd(`PORT 127,0,0,1,${closed >> 8},${closed & 255}`)).code, 200);
    b.send('STOR big.bin');
    let reply = await b.read();
    if (reply.code === 150) reply = await b.read();
    assert.equal(reply.code, 425, 'nothing listens on the PORT address');
  }
  // 90 000 + 51 000 > 100 000: the five 425s must not have credited 5 × 90 000.
  const final = await held.finish(Buffer.alloc(50_000));
  assert.equal(final.code, 552, final.text);
});

test('quotaBytes: the bytes an interrupted upload leaves on disk (LocalFileSystem, not atomic) still count', async (t) => {
  const root = await tempDir(t);
  const { port } = await startServer(t, { filesystem: new LocalFileSystem(root), userLimits: { quotaBytes: 100_000 } });
  const a = await RawClient.login(port);
  const b = await RawClient.login(port);
  t.after(() => [a, b].forEach((x) => x.close()));
  const held = await holdUpload(a, 'hold.bin', Buffer.alloc(1000));
  await b.cmd('TYPE I');
  for (let i = 0; i < 3; i++) {
    const socket: Socket = await b.epsv();
    b.send(`STOR part${i}.bin`);
    assert.equal((await b.read()).code, 150);
    socket.write(Buffer.alloc(30_000));
    const file = join(root, `part${i}.bin`);
    await eventually(async () => (await stat(file).catch(() => undefined))?.size === 30_000, 5000, 'the bytes to reach the disk');
    socket.resetAndDestroy();
    assert.equal((await b.read()).code, 426);
  }
  // 90 000 bytes stay on disk (docs/reliability.md, "Interrupted uploads") and 1 000 are running:
  // 20 000 more do not fit. (The ledger settles once storage has closed the file, after the 426.)
  await eventually(async () => (await b.cmd('ALLO 20000')).code === 552, 3000, 'ALLO to count the partial files');
  const final = await held.finish(Buffer.alloc(20_000));
  assert.equal(final.code, 552, final.text);
  const sizes = await Promise.all((await readdir(root)).map(async (name) => (await stat(join(root, name))).size));
  assert.ok(sizes.reduce((x, y) => x + y, 0) <= 100_000, `on disk: ${sizes.join(' + ')}`);
});
