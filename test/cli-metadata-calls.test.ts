import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError, parseCli } from '../src/cli-options.js';
import { RawClient } from './helpers/raw-client.js';
import { startServer, tempDir } from './helpers/server.js';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

test('--metadata-calls chooses how LocalFileSystem reaches the disk, and refuses anything else', () => {
  assert.deepEqual(parseCli(['--metadata-calls', 'thread-pool']).options.localFileSystem, { metadataCalls: 'thread-pool' });
  assert.deepEqual(parseCli(['--metadata-calls', 'inline', '--atomic-uploads']).options.localFileSystem, { metadataCalls: 'inline', atomicUploads: true });
  assert.throws(() => parseCli(['--metadata-calls', 'sync']), CliError);
});

for (const metadataCalls of ['inline', 'thread-pool'] as const) {
  test(`localFileSystem.metadataCalls ${metadataCalls}: list, size, upload and download work the same`, async (t) => {
    const root = await tempDir(t);
    await writeFile(join(root, 'a.txt'), 'hello\n');
    const { port } = await startServer(t, { root, localFileSystem: { metadataCalls } });
    const c = await RawClient.login(port);
    t.after(() => c.close());
    assert.equal((await c.cmd('SIZE a.txt')).text, '6');
    assert.equal((await c.cmd('SIZE missing.txt')).code, 550);
    await c.cmd('TYPE I');
    let data = await c.epsv();
    c.send('STOR b.txt');
    assert.equal((await c.read()).code, 150);
    data.end('uploaded\n');
    assert.equal((await c.read()).code, 226);
    data = await c.epsv();
    c.send('MLSD');
    assert.equal((await c.read()).code, 150);
    const chunks: Buffer[] = [];
    for await (const chunk of data) chunks.push(chunk as Buffer);
    assert.equal((await c.read()).code, 226);
    const names = Buffer.concat(chunks).toString().split('\r\n').filter(Boolean).map((line) => line.slice(line.indexOf(' ') + 1)).sort();
    assert.deepEqual(names, ['a.txt', 'b.txt']);
    data = await c.epsv();
    c.send('RETR b.txt');
    assert.equal((await c.read()).code, 150);
    const back: Buffer[] = [];
    for await (const chunk of data) back.push(chunk as Buffer);
    assert.equal((await c.read()).code, 226);
    assert.equal(Buffer.concat(back).toString(), 'uploaded\n');
  });
}
