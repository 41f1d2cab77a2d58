import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { payload } from '../helpers/matrix.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { fileBytes, startServer, tempDir } from '../helpers/server.js';

/** Sends a transfer command on a fresh EPSV connection; resolves after the 150. */
async function open(c: RawClient, command: string) {
  const data = await c.epsv();
  const reply = await c.cmd(command);
  assert.equal(reply.code, 150, `${command}: ${reply.lines.join(' | ')}`);
  return data;
}

test('REST + STOR on local disk keeps bytes 0..n-1 and writes from n (no zeroed prefix, no leftover tail)', async (t) => {
  const { port, root } = await startServer(t, { local: true });
  await writeFile(join(root, 'r.bin'), '0123456789');
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  assert.equal((await c.cmd('REST 4')).code, 350);
  const data = await open(c, 'STOR r.bin');
  data.end('AB');
  assert.equal((await c.read()).code, 226);
  assert.equal(await readFile(join(root, 'r.bin'), 'utf8'), '0123AB');

  assert.equal((await c.cmd('REST 6')).code, 350);
  const appe = await open(c, 'APPE r.bin');
  appe.end('XYZ');
  assert.equal((await c.read()).code, 226);
  assert.equal(await readFile(join(root, 'r.bin'), 'utf8'), '0123ABXYZ', 'REST + APPE resumes at the offset');

  const plain = await open(c, 'APPE r.bin');
  plain.end('!');
  assert.equal((await c.read()).code, 226);
  assert.equal(await readFile(join(root, 'r.bin'), 'utf8'), '0123ABXYZ!');

  assert.equal((await c.cmd('REST 100')).code, 350);
  await c.epsv();
  assert.equal((await c.cmd('STOR r.bin')).code, 554, 'REST past the end of the file');
  assert.equal((await c.cmd('REST 3')).code, 350);
  await c.epsv();
  assert.equal((await c.cmd('STOR missing.bin')).code, 554, 'REST on a file that does not exist');
  assert.equal(await readFile(join(root, 'r.bin'), 'utf8'), '0123ABXYZ!', 'refused resumes change nothing');
});

test('REST + RETR on local disk sends exactly the tail; REST is used once', async (t) => {
  const { port, root } = await startServer(t, { local: true });
  const content = payload(100_000);
  await writeFile(join(root, 'f.bin'), content);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  await c.cmd('REST 99999');
  let data = await open(c, 'RETR f.bin');
  assert.deepEqual(await readAll(data), content.subarray(99_999));
  assert.equal((await c.read()).code, 226);
  data = await open(c, 'RETR f.bin');
  assert.equal((await readAll(data)).length, 100_000, 'the next RETR starts at 0 again');
  assert.equal((await c.read()).code, 226);
  await c.cmd('REST 100000');
  data = await open(c, 'RETR f.bin');
  assert.equal((await readAll(data)).length, 0, 'REST at the exact end is an empty transfer');
  assert.equal((await c.read()).code, 226);
});

test('TYPE A round trip on disk: a new session is in TYPE A, CRLF is stored as LF and sent back as CRLF; TYPE I is exact', async (t) => {
  const { port, root } = await startServer(t, { local: true });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.match((await c.cmd('STAT')).text, /TYPE: ASCII/);
  let data = await open(c, 'STOR text.txt');
  data.end('line one\r\nline two\r\n');
  assert.equal((await c.read()).code, 226);
  assert.equal(await readFile(join(root, 'text.txt'), 'utf8'), 'line one\nline two\n');
  data = await open(c, 'RETR text.txt');
  assert.equal((await readAll(data)).toString(), 'line one\r\nline two\r\n');
  assert.equal((await c.read()).code, 226);

  assert.equal((await c.cmd('TYPE I')).code, 200);
  const binary = Buffer.from([0x0d, 0x0a, 0x0a, 0x0d, 0x00, 0xff]);
  data = await open(c, 'STOR bin.dat');
  data.end(binary);
  assert.equal((await c.read()).code, 226);
  assert.deepEqual(await readFile(join(root, 'bin.dat')), binary);
  data = await open(c, 'RETR bin.dat');
  assert.deepEqual(await readAll(data), binary);
  assert.equal((await c.read()).code, 226);
});

test('ABOR, STAT and NOOP during an upload; ABOR gives 426 then 226 and the session goes on', async (t) => {
  const { port, server } = await startServer(t);
  const aborted: string[] = [];
  server.on('transferAborted', ({ reason, command }) => aborted.push(`${command}:${reason}`));
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const data = await open(c, 'STOR up.bin');
  data.write(Buffer.alloc(100_000, 1));
  let stat = await c.cmd('STAT');
  for (let i = 0; i < 100 && !stat.text.includes('100000 bytes'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    stat = await c.cmd('STAT');
  }
  assert.equal(stat.code, 213);
  assert.match(stat.text, /Transfer in progress: 100000 bytes/);
  assert.equal((await c.cmd('NOOP')).code, 200);
  c.send('ABOR');
  assert.equal((await c.read()).code, 426);
  assert.equal((await c.read()).code, 226);
  await once(data, 'close');
  assert.deepEqual(aborted, ['STOR:abor']);
  assert.equal((await c.cmd('PWD')).code, 257);
});

test('ABOR while the server still waits for the data connection: 426 then 226', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'x' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.pasv(); // never connected
  assert.equal((await c.cmd('RETR f.txt')).code, 150);
  c.send('ABOR');
  assert.equal((await c.read()).code, 426);
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('NOOP')).code, 200);
});

test('ABOR with no transfer: 225; after PASV it closes the data port', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('ABOR')).code, 225);
  await c.pasv();
  assert.equal((await c.cmd('ABOR')).code, 226);
  assert.equal((await c.cmd('LIST')).code, 425, 'the data port is gone');
});

test('a client resetting the data connection mid-upload gets 426 and a usable session', async (t) => {
  const { port } = await startServer(t, { local: true });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const data = await open(c, 'STOR reset.bin');
  data.write(Buffer.alloc(50_000, 2));
  await new Promise((resolve) => setTimeout(resolve, 30));
  data.resetAndDestroy();
  assert.equal((await c.read()).code, 426);
  assert.equal((await c.cmd('NOOP')).code, 200);
  const again = await open(c, 'STOR after.bin');
  again.end('ok');
  assert.equal((await c.read()).code, 226);
});

test('a client resetting the data connection mid-download gets 426 and a usable session', async (t) => {
  const files: Record<string, Buffer> = { '/big.bin': Buffer.alloc(16 * 1024 * 1024, 1) };
  const { port } = await startServer(t, { files });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const data = await open(c, 'RETR big.bin');
  await once(data, 'data');
  data.resetAndDestroy();
  assert.equal((await c.read()).code, 426);
  assert.equal((await c.cmd('SIZE big.bin')).text, String(16 * 1024 * 1024));
});

test('STOU answers 150 FILE: <name> and stores under a name that did not exist', async (t) => {
  const { port, memory } = await startServer(t, { files: { '/report.txt': 'old' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const data = await c.epsv();
  const opening = await c.cmd('STOU report.txt');
  assert.equal(opening.code, 150);
  const match = /^FILE: (\S+)$/.exec(opening.text);
  assert.ok(match, opening.text);
  const name = match[1]!;
  assert.notEqual(name, 'report.txt');
  data.end('new');
  const done = await c.read();
  assert.equal(done.code, 226);
  assert.ok(done.text.includes(name));
  assert.equal((await fileBytes(memory!, `/${name}`)).toString(), 'new');
  assert.equal((await fileBytes(memory!, '/report.txt')).toString(), 'old');
});

test('a reset that arrives with the last bytes of an upload is never taken for a clean end (no 226 for a truncated file)', async (t) => {
  // libuv may report such a reset as the end of the stream; the upload must still fail.
  const { port, memory } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const codes = new Map<number, number>();
  for (let i = 0; i < 150; i++) {
    const data = await open(c, 'STOR cut.bin');
    data.write(Buffer.alloc(256 * 1024, 7));
    await new Promise((resolve) => setTimeout(resolve, 2));
    data.resetAndDestroy();
    const code = (await c.read()).code;
    codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  assert.deepEqual([...codes], [[426, 150]]);
  await assert.rejects(memory!.stat('/cut.bin'), 'no interrupted upload was kept (memory storage is atomic)');
});

test('the idle timer never cuts a transfer that is still running, and starts again after it', async (t) => {
  const { port } = await startServer(t, { timeouts: { idle: 300 }, files: { '/big.bin': Buffer.alloc(8 * 1024 * 1024, 4) } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const data = await open(c, 'RETR big.bin');
  data.pause(); // the client is slow: no command and little data for longer than the idle time
  await new Promise((resolve) => setTimeout(resolve, 800));
  const received = readAll(data);
  data.resume();
  assert.equal((await received).length, 8 * 1024 * 1024);
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('NOOP')).code, 200, 'still connected after the transfer');
  const idle = await c.read(5000);
  assert.equal(idle.code, 421, 'idle after the transfer: closed');
  await c.waitClosed();
});

test('localFileSystem options reach the LocalFileSystem made for root: with atomicUploads an interrupted upload leaves the old file whole', async (t) => {
  for (const atomicUploads of [true, false]) {
    const root = await tempDir(t);
    await writeFile(join(root, 'doc.txt'), 'the old, complete content');
    const { port } = await startServer(t, { root, localFileSystem: { atomicUploads } });
    const c = await RawClient.login(port);
    t.after(() => c.close());
    await c.cmd('TYPE I');
    const data = await c.epsv();
    assert.equal((await c.cmd('STOR doc.txt')).code, 150);
    data.write('new, but cut');
    await new Promise((resolve) => setTimeout(resolve, 50));
    data.resetAndDestroy();
    assert.equal((await c.read()).code, 426);
    const after = await readFile(join(root, 'doc.txt'), 'utf8');
    if (atomicUploads) assert.equal(after, 'the old, complete content');
    else assert.notEqual(after, 'the old, complete content', 'without it the upload went straight into the file');
    assert.deepEqual(await readdir(root), ['doc.txt'], 'no temporary file left behind');
  }
});
