import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { LocalFileSystem, MemoryFileSystem, type FileSystem, type FsContext, type ReadOptions, type WriteOptions } from '../../src/index.js';
import { sleep } from '../helpers/fault.js';
import { LeakCheck } from '../helpers/leaks.js';
import { waitFor } from '../helpers/transfers.js';
import type { Session } from '../../src/session/session.js';
import { RawClient, readAll, type Reply } from '../helpers/raw-client.js';
import { fileBytes, startServer, tempDir, type Started, type StartOptions } from '../helpers/server.js';

/**
 * Graceful shutdown, close({ graceMs }): the listener stops at once, idle
 * sessions get 421 at once, busy ones finish their command (a transfer gets
 * its 226) and then get 421, whatever still runs at the deadline is cut (426,
 * 421). An upload acknowledged with 226 is stored whole; an interrupted one
 * follows the documented policy (docs/reliability.md). When close() resolves,
 * nothing of the server is left: no socket, no file handle, no timer, no
 * storage call still running.
 */

/** Runs `body` on a fresh server; afterwards every handle the test opened must be closed. */
async function scenario(t: TestContext, options: StartOptions, body: (started: Started, track: (c: RawClient) => RawClient) => Promise<void>): Promise<void> {
  const leaks = new LeakCheck();
  const clients: RawClient[] = [];
  let ok = false;
  try {
    const started = await startServer(t, { loginThrottle: false, antiFlood: false, ...options });
    await body(started, (c) => (clients.push(c), c));
    for (const c of clients) c.close();
    await started.close();
    ok = true;
  } finally {
    for (const c of clients) c.close();
    if (ok) await leaks.assertClean();
    else leaks.dispose();
  }
}

/** Starts STOR and waits for 150; then `send()` writes the payload in `pieces`, one every `everyMs`, and resolves with the final reply, if any came. */
async function startUpload(c: RawClient, name: string): Promise<{ send(payload: Buffer, pieces: number, everyMs: number): Promise<Reply | undefined> }> {
  const data = await c.epsv();
  c.send(`STOR ${name}`);
  const opening = await c.read();
  assert.equal(opening.code, 150, opening.lines.join(' | '));
  return {
    async send(payload, pieces, everyMs) {
      const size = Math.ceil(payload.length / pieces);
      for (let at = 0; at < payload.length && !data.destroyed; at += size) {
        data.write(payload.subarray(at, at + size));
        await sleep(everyMs);
      }
      if (!data.destroyed) data.end();
      return c.read(15_000).catch(() => undefined);
    },
  };
}

/** Memory storage whose /slow.bin is read in 40 pieces of 16 KiB, one every `everyMs`. */
class SlowReads extends MemoryFileSystem {
  constructor(private readonly everyMs: number) {
    super({ '/small.txt': 'small' });
  }

  override async read(path: string, options: ReadOptions): Promise<Readable> {
    if (path !== '/slow.bin') return super.read(path, options);
    let left = 40;
    const everyMs = this.everyMs;
    return new Readable({
      read() {
        if (left-- <= 0) this.push(null);
        else setTimeout(() => this.push(Buffer.alloc(16 * 1024, 7)), everyMs).unref();
      },
    });
  }

  override async stat(path: string) {
    if (path === '/slow.bin') return { name: 'slow.bin', type: 'file' as const, size: 40 * 16 * 1024, mtime: new Date() };
    return super.stat(path);
  }
}

test('close() stops listening at once: new connections are refused, idle sessions (logged in or not) get 421 at once', async (t) => {
  await scenario(t, {}, async ({ server, port }, track) => {
    const anonymous = track(await RawClient.connect(port));
    const loggedIn = track(await RawClient.login(port));
    const started = Date.now();
    const closing = server.close({ graceMs: 30_000 });
    assert.equal((await anonymous.read()).code, 421);
    assert.equal((await loggedIn.read()).code, 421);
    await anonymous.waitClosed();
    await loggedIn.waitClosed();
    await assert.rejects(RawClient.connect(port), /ECONNREFUSED|closed/);
    await closing;
    assert.ok(Date.now() - started < 30_000, 'close() does not wait out the grace when nothing runs');
    await assert.rejects(server.listen(0), /closed/);
    assert.equal(await server.close(), undefined, 'closing again resolves too');
  });
});

test('transfers in flight finish within the grace: 226 for each (the bytes whole), then 421; a pipelined login never runs', async (t) => {
  const memory = new SlowReads(10);
  await scenario(t, { filesystem: memory }, async ({ server, port }, track) => {
    const downloader = track(await RawClient.login(port));
    await downloader.cmd('TYPE I');
    const data = await downloader.epsv();
    downloader.send('RETR slow.bin');
    assert.equal((await downloader.read()).code, 150);
    const body = readAll(data);

    const uploader = track(await RawClient.login(port));
    await uploader.cmd('TYPE I');
    const payload = randomBytes(300_000);
    const upload = (await startUpload(uploader, 'up.bin')).send(payload, 20, 15); // 150 received: the upload runs

    // USER pipelined behind the running RETR: wait until the server has read it.
    const downloading = (server.sessions as unknown as Session[]).find((s) => s.remotePort === downloader.socket.localPort)!;
    const readBefore = downloading.socket.bytesRead;
    downloader.send('USER someone');
    await waitFor(() => downloading.socket.bytesRead >= readBefore + 'USER someone\r\n'.length, 5000, 'the server to read the pipelined USER');
    const started = Date.now();
    const closing = server.close({ graceMs: 30_000 });

    assert.equal((await body).length, 40 * 16 * 1024, 'the download completes');
    assert.equal((await downloader.read()).code, 226);
    assert.equal((await downloader.read()).code, 421, 'then 421: the pipelined USER never ran');
    assert.equal((await upload)?.code, 226, 'the upload completes');
    assert.equal((await uploader.read()).code, 421);
    await closing;
    assert.ok(Date.now() - started < 30_000, 'close() resolves once the transfers are done');
    assert.deepEqual(await fileBytes(memory, '/up.bin'), payload, 'the acknowledged upload is stored whole');
  });
});

test('a session busy with a slow command finishes it (its reply goes out), then gets 421', async (t) => {
  let entered: () => void;
  const deleting = new Promise<void>((resolve) => (entered = resolve));
  class SlowDelete extends MemoryFileSystem {
    override async delete(path: string): Promise<void> {
      entered();
      await sleep(200);
      return super.delete(path);
    }
  }
  const memory = new SlowDelete({ '/f.txt': 'x' });
  await scenario(t, { filesystem: memory }, async ({ server, port }, track) => {
    const c = track(await RawClient.login(port));
    c.send('DELE f.txt');
    await deleting; // the command is running
    const closing = server.close({ graceMs: 30_000 });
    assert.equal((await c.read()).code, 250);
    assert.equal((await c.read()).code, 421);
    await closing;
    await assert.rejects(memory.stat('/f.txt'), 'the command did its work');
  });
});

/** Uploads cut by the deadline: what each storage keeps of them (docs/reliability.md, "Interrupted uploads"). */
const policies: { name: string; storage: (dir: string) => FileSystem; check: (dir: string, fs: FileSystem, sent: Buffer) => Promise<void> }[] = [
  {
    name: 'memory storage: nothing of it is visible',
    storage: () => new MemoryFileSystem(),
    check: async (_dir, fs) => void (await assert.rejects(fs.stat('/cut.bin', undefined as never))),
  },
  {
    name: 'local disk, atomicUploads: nothing visible, no temporary file left',
    storage: (dir) => new LocalFileSystem(dir, { atomicUploads: true }),
    check: async (dir) => assert.deepEqual(await readdir(dir), []),
  },
  {
    name: 'local disk: the bytes that arrived are kept (a prefix of what was sent), to resume with REST or APPE',
    storage: (dir) => new LocalFileSystem(dir),
    check: async (dir, _fs, sent) => {
      const kept = await readFile(join(dir, 'cut.bin'));
      assert.ok(kept.length < sent.length, 'the file is partial');
      assert.deepEqual(kept, sent.subarray(0, kept.length), 'and holds exactly what arrived, in order');
    },
  },
];

for (const policy of policies) {
  test(`the grace expires mid-upload: 426 then 421, close() resolves; ${policy.name}`, async (t) => {
    const dir = await tempDir(t);
    const fs = policy.storage(dir);
    await scenario(t, { filesystem: fs, root: dir }, async ({ server, port }, track) => {
      const c = track(await RawClient.login(port));
      await c.cmd('TYPE I');
      const data = await c.epsv();
      c.send('STOR cut.bin');
      assert.equal((await c.read()).code, 150);
      const sent = randomBytes(200_000);
      data.write(sent.subarray(0, 100_000));
      await sleep(100);
      const closing = server.close({ graceMs: 200 });
      assert.equal((await c.read()).code, 426);
      assert.equal((await c.read()).code, 421);
      await closing; // resolves with the storage call settled: the file below is final
      data.destroy();
      await policy.check(dir, fs, sent);
    });
  });
}

test('no upload acknowledged with 226 is lost or truncated, wherever the deadline falls (local disk, atomic and not, and memory)', async (t) => {
  // Summed over the rounds: the property is only checked if some uploads beat the deadline and some do not.
  let acknowledgedTotal = 0;
  let cutTotal = 0;
  for (let round = 0; round < 6; round++) {
    const dir = await tempDir(t);
    const kind = round % 3;
    const fs: FileSystem = kind === 0 ? new MemoryFileSystem() : new LocalFileSystem(dir, { atomicUploads: kind === 2 });
    await scenario(t, { filesystem: fs, root: dir }, async ({ server, port }, track) => {
      // Six uploads in flight (150 received), each then sending at its own pace: the
      // first at once, in one piece (it usually beats the deadline), the last in 30
      // pieces 10 ms apart (it always outlasts the deadline, 200 ms at most), the
      // others in 1 to 12 pieces.
      const pieces = (i: number) => (i === 0 ? 1 : i === 5 ? 30 : 1 + Math.floor(Math.random() * 12));
      const uploads = await Promise.all(
        Array.from({ length: 6 }, async (_, i) => {
          const c = track(await RawClient.login(port));
          await c.cmd('TYPE I');
          const payload = randomBytes(20_000 + Math.floor(Math.random() * 200_000));
          return { name: `u${i}.bin`, payload, upload: await startUpload(c, `u${i}.bin`) };
        }),
      ).then((started) => started.map((u, i) => ({ ...u, final: u.upload.send(u.payload, pieces(i), 10) })));
      await sleep(Math.random() * 80);
      await server.close({ graceMs: Math.floor(Math.random() * 120) });
      let acknowledged = 0;
      for (const upload of uploads) {
        const final = await upload.final;
        const stored = await fileBytes(fs, `/${upload.name}`).catch(() => undefined);
        if (final?.code === 226) {
          acknowledged++;
          assert.deepEqual(stored, upload.payload, `${upload.name}: acknowledged, so stored whole (round ${round})`);
        } else if (kind !== 1) {
          assert.equal(stored, undefined, `${upload.name}: not acknowledged, not visible (round ${round})`);
        } else if (stored) {
          assert.deepEqual(stored, upload.payload.subarray(0, stored.length), `${upload.name}: a partial file is a prefix (round ${round})`);
        }
      }
      t.diagnostic(`round ${round}: ${acknowledged} of ${uploads.length} uploads acknowledged before the deadline`);
      acknowledgedTotal += acknowledged;
      cutTotal += uploads.length - acknowledged;
      if (kind === 2) assert.deepEqual((await readdir(dir)).filter((n) => n.startsWith('.ftpkit-upload-')), [], 'no temporary file left');
    });
  }
  assert.ok(acknowledgedTotal > 0, 'some upload was acknowledged before the deadline (else nothing above was checked for them)');
  assert.ok(cutTotal > 0, 'some upload was cut by the deadline (else nothing above was checked for them)');
});

test('close() waits for storage calls that outlive their reply, within settleMs', async (t) => {
  let finished = false;
  let entered: () => void;
  const writing = new Promise<void>((resolve) => (entered = resolve));
  class LateWrite extends MemoryFileSystem {
    override async write(path: string, source: Readable, options: WriteOptions, ctx: FsContext): Promise<void> {
      entered();
      source.resume(); // reads on, but ignores the abort and takes its time to finish
      await sleep(400);
      finished = true;
      return super.write(path, Readable.from([]), options, ctx);
    }
  }
  await scenario(t, { filesystem: new LateWrite() }, async ({ server, port }, track) => {
    const c = track(await RawClient.login(port));
    const data = await c.epsv();
    c.send('STOR late.bin');
    assert.equal((await c.read()).code, 150);
    data.write('some');
    await writing; // the storage call is running
    await server.close();
    assert.equal(finished, true, 'close() resolved only after the write settled');
  });

  let hung = 0;
  class HungWrite extends MemoryFileSystem {
    override write(): Promise<void> {
      hung++;
      return new Promise(() => undefined);
    }
  }
  await scenario(t, { filesystem: new HungWrite() }, async ({ server, port }, track) => {
    const c = track(await RawClient.login(port));
    const data = await c.epsv();
    c.send('STOR hung.bin');
    assert.equal((await c.read()).code, 150);
    data.end('x');
    await waitFor(() => hung === 1, 5000, 'the storage write to be called');
    const started = Date.now();
    await server.close({ settleMs: 300 });
    assert.equal(hung, 1);
    assert.ok(Date.now() - started < 10_000, 'a call that never settles does not hold close() beyond settleMs');
  });
});

test('onDisconnect hooks have run when close() resolves', async (t) => {
  const seen: string[] = [];
  const onDisconnect = async ({ session }: { session: { id: string } }) => {
    await sleep(150);
    seen.push(session.id);
  };
  await scenario(t, { hooks: { onDisconnect } }, async ({ server, port }, track) => {
    track(await RawClient.login(port));
    track(await RawClient.login(port));
    const started = Date.now();
    await server.close({ settleMs: 20_000 });
    assert.equal(seen.length, 2);
    // close() waits for the hooks, not for the settle bound.
    assert.ok(Date.now() - started < 10_000, `close() took ${Date.now() - started} ms`);
  });
});
