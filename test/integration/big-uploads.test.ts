import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline, Transform, type Readable } from 'node:stream';
import { test } from 'node:test';
import { LocalFileSystem, type FsContext, type WriteOptions } from '../../src/index.js';
import { curl, needTool } from '../helpers/clients.js';
import { assertSameBytes, payload } from '../helpers/matrix.js';
import { startServer, tempDir } from '../helpers/server.js';

// An upload reaches storage through a small buffer of its own (Intake, 64 KB,
// src/data/pump.ts): the socket is paused whenever storage is behind and
// resumed when it reads again. Uploads of many chunks (storage writes 256 KB
// at a time here) must keep every byte through all those pauses.
const CHUNK = 256 * 1024;
const content = payload(48 * CHUNK + 4567); // 12 MB: more than loopback socket buffers hold

/** Local storage that takes each piece of an upload a few ms late: the socket must wait for it. */
class SlowStorage extends LocalFileSystem {
  pieces = 0;

  override write(path: string, source: Readable, options: WriteOptions, ctx: FsContext): Promise<void> {
    const late = new Transform({
      highWaterMark: 16 * 1024,
      transform: (piece: Buffer, _encoding, done) => {
        this.pieces++;
        setTimeout(() => done(null, piece), 2);
      },
    });
    // A failed upload destroys its source: the late stage goes down with it.
    pipeline(source, late, () => undefined);
    return super.write(path, late, options, ctx);
  }
}

async function uploadServer(t: Parameters<typeof startServer>[0], filesystem: (root: string) => LocalFileSystem) {
  const root = await tempDir(t);
  const local = await tempDir(t);
  await writeFile(join(local, 'big.bin'), content);
  const started = await startServer(t, { filesystem: filesystem(root) });
  return { ...started, root, local, url: `ftp://test:test@127.0.0.1:${started.port}/` };
}

test('multi-chunk uploads keep every byte: curl, and curl resuming an upload (-C - -T)', async (t) => {
  if (!needTool(t, 'curl')) return;
  const { root, local, url } = await uploadServer(t, (dir) => new LocalFileSystem(dir, { chunkSize: CHUNK }));
  const plain = await curl(['--max-time', '60', '-T', join(local, 'big.bin'), `${url}plain.bin`]);
  assert.equal(plain.code, 0, plain.stderr);
  assertSameBytes(await readFile(join(root, 'plain.bin')), content, 'curl -T');

  // A cut upload left part of the file: curl asks SIZE and sends the rest.
  await writeFile(join(root, 'resumed.bin'), content.subarray(0, 3 * CHUNK + 999));
  const resumed = await curl(['--max-time', '60', '-C', '-', '-T', join(local, 'big.bin'), `${url}resumed.bin`]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assertSameBytes(await readFile(join(root, 'resumed.bin')), content, 'curl -C - -T');
});

test('an upload into storage that reads slowly (the socket is paused and resumed many times) keeps every byte', async (t) => {
  if (!needTool(t, 'curl')) return;
  let storage: SlowStorage | undefined;
  const { root, local, url } = await uploadServer(t, (dir) => (storage = new SlowStorage(dir, { chunkSize: CHUNK })));
  const started = performance.now();
  const upload = await curl(['--max-time', '60', '-T', join(local, 'big.bin'), `${url}slow.bin`]);
  assert.equal(upload.code, 0, upload.stderr);
  assertSameBytes(await readFile(join(root, 'slow.bin')), content, 'curl -T into slow storage');
  // Proof that storage, not the client, set the pace: every piece waited.
  assert.ok(storage!.pieces >= content.length / (64 * 1024), `${storage!.pieces} pieces`);
  assert.ok(performance.now() - started >= storage!.pieces * 2, 'the upload waited for storage');
});
