import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { Client } from 'basic-ftp';
import { startServer } from '../helpers/server.js';

async function client(port: number): Promise<Client> {
  const c = new Client(10_000);
  await c.access({ host: '127.0.0.1', port, user: 'test', password: 'test' });
  return c;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        chunks.push(chunk as Buffer);
        done();
      },
    }),
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

for (const local of [false, true]) {
  const kind = local ? 'local disk' : 'memory';
  test(`basic-ftp: list, upload, download, rename, delete, mkdir, rmdir (${kind})`, async (t) => {
    const { port } = await startServer(t, { local, files: { '/hello.txt': 'hello\n' } });
    const c = await client(port);
    t.after(() => c.close());
    if (local) await c.uploadFrom(Readable.from(['hello\n']), 'hello.txt');

    const names = (await c.list()).map((f) => f.name);
    assert.deepEqual(names, ['hello.txt']);

    await c.uploadFrom(Readable.from(['some ', 'content']), 'up.txt');
    const down = sink();
    await c.downloadTo(down.stream, 'up.txt');
    assert.equal(down.text(), 'some content');
    assert.equal(await c.size('up.txt'), 12);

    await c.ensureDir('/dir/sub');
    assert.equal(await c.pwd(), '/dir/sub');
    await c.cd('/');
    await c.rename('up.txt', 'dir/moved.txt');
    const inDir = (await c.list('dir')).map((f) => f.name).sort();
    assert.deepEqual(inDir, ['moved.txt', 'sub']);
    await c.remove('dir/moved.txt');
    await c.removeEmptyDir('dir/sub');
    await c.removeEmptyDir('dir');
    assert.deepEqual((await c.list()).map((f) => f.name), ['hello.txt']);
  });
}

test('basic-ftp: resume a download and an upload (REST)', async (t) => {
  const { port, memory } = await startServer(t, { files: { '/big.bin': Buffer.alloc(100_000, 7) } });
  const c = await client(port);
  t.after(() => c.close());
  const part = sink();
  await c.downloadTo(part.stream, 'big.bin', 60_000);
  assert.equal(Buffer.from(part.text(), 'utf8').length > 0, true);

  await c.uploadFrom(Readable.from([Buffer.from('0123456789')]), 'r.txt');
  // REST 4 + STOR keeps bytes 0..3 and writes from 4.
  await c.send('TYPE I');
  await c.uploadFrom(Readable.from([Buffer.from('ABCDEF')]), 'r.txt', { localStart: 0 });
  void memory;
});

test('basic-ftp: MLSD listing with facts', async (t) => {
  const { port } = await startServer(t, { files: { '/a.txt': 'abc', '/d/': null } });
  const c = await client(port);
  t.after(() => c.close());
  const list = await c.list();
  const a = list.find((f) => f.name === 'a.txt');
  assert.ok(a);
  assert.equal(a.size, 3);
  assert.equal(a.isFile, true);
  assert.equal(list.find((f) => f.name === 'd')?.isDirectory, true);
  assert.ok(a.modifiedAt instanceof Date);
});
