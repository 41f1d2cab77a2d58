import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { Client } from 'basic-ftp';
import { NAMES, NETWORKS, payload, recordCommands, recordTransfers, usedDataMode } from '../helpers/matrix.js';
import { startServer } from '../helpers/server.js';

async function client(host: string, port: number): Promise<Client> {
  const c = new Client(10_000);
  await c.access({ host, port, user: 'test', password: 'test' });
  return c;
}

function sink(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        chunks.push(chunk as Buffer);
        done();
      },
    }),
    bytes: () => Buffer.concat(chunks),
  };
}

// basic-ftp has no active mode (passive only) and resumes uploads with APPE.
for (const net of NETWORKS) {
  for (const local of [true, false]) {
    if (!local && net.name === 'IPv6') continue;
    const storage = local ? 'local disk' : 'memory';
    test(`basic-ftp: upload, list, download, resume both ways, rename, delete, mkdir, rmdir (passive, ${net.name}, ${storage}, UTF-8 names)`, async (t) => {
      const { server, port, root, memory } = await startServer(t, { local, host: net.host });
      const commands = recordCommands(server);
      const transfers = recordTransfers(server);
      const full = payload(300_000);
      const c = await client(net.host, port);
      t.after(() => c.close());

      await c.uploadFrom(Readable.from([full]), NAMES.file);
      const listed = await c.list();
      assert.deepEqual(listed.map((f) => f.name), [NAMES.file]);
      assert.equal(listed[0]!.size, 300_000);
      assert.equal(listed[0]!.isFile, true);
      assert.equal(await c.size(NAMES.file), 300_000);

      const down = sink();
      await c.downloadTo(down.stream, NAMES.file);
      assert.deepEqual(down.bytes(), full);
      const rest = sink();
      await c.downloadTo(rest.stream, NAMES.file, 70_000);
      assert.deepEqual(rest.bytes(), full.subarray(70_000), 'REST 70000 + RETR sends the rest, byte for byte');

      await c.uploadFrom(Readable.from([full.subarray(0, 110_000)]), NAMES.resumed);
      await c.appendFrom(Readable.from([full.subarray(110_000)]), NAMES.resumed);
      const resumed = sink();
      await c.downloadTo(resumed.stream, NAMES.resumed);
      assert.deepEqual(resumed.bytes(), full, 'APPE completed the upload');

      await c.ensureDir(`/${NAMES.dir}/sub`);
      assert.equal(await c.pwd(), `/${NAMES.dir}/sub`);
      await c.cd('/');
      await c.rename(NAMES.file, `${NAMES.dir}/${NAMES.renamed}`);
      assert.deepEqual((await c.list(NAMES.dir)).map((f) => f.name).sort(), [NAMES.renamed, 'sub'].sort());
      await c.remove(`${NAMES.dir}/${NAMES.renamed}`);
      await c.removeEmptyDir(`${NAMES.dir}/sub`);
      await c.removeEmptyDir(NAMES.dir);
      assert.deepEqual((await c.list()).map((f) => f.name), [NAMES.resumed]);

      if (local) {
        assert.deepEqual(await readdir(root), [NAMES.resumed]);
        assert.deepEqual(await readFile(join(root, NAMES.resumed)), full);
      } else {
        assert.deepEqual((await memory!.list('/')).map((f) => f.name), [NAMES.resumed]);
      }
      assert.ok(usedDataMode(commands, 'passive'), commands.join(', '));
      assert.ok(transfers.some((x) => x.command === 'RETR' && x.offset === 70_000 && x.bytes === 230_000));
      assert.ok(transfers.some((x) => x.command === 'APPE' && x.bytes === 190_000));
    });
  }
}

test('basic-ftp: REST + STOR through the raw command channel keeps the prefix and writes from the offset', async (t) => {
  const { port, root } = await startServer(t, { local: true });
  await writeFile(join(root, 'r.txt'), '0123456789');
  const c = await client('127.0.0.1', port);
  t.after(() => c.close());
  // basic-ftp has no REST+STOR of its own; send REST and let uploadFrom's STOR follow.
  await c.send('TYPE I');
  assert.equal((await c.send('REST 4')).code, 350);
  await c.uploadFrom(Readable.from([Buffer.from('AB')]), 'r.txt');
  assert.equal(await readFile(join(root, 'r.txt'), 'utf8'), '0123AB');
});

test('basic-ftp: MLSD listing with facts', async (t) => {
  const { port } = await startServer(t, { files: { '/a.txt': 'abc', '/d/': null } });
  const c = await client('127.0.0.1', port);
  t.after(() => c.close());
  const list = await c.list();
  const a = list.find((f) => f.name === 'a.txt');
  assert.ok(a);
  assert.equal(a.size, 3);
  assert.equal(a.isFile, true);
  assert.equal(list.find((f) => f.name === 'd')?.isDirectory, true);
  assert.ok(a.modifiedAt instanceof Date);
  assert.ok(Math.abs(a.modifiedAt.getTime() - Date.now()) < 60_000, 'modify fact is UTC, so it parses back to now');
});
