import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs, { fstatSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { RECYCLE } from '../../src/data/recycle.js';
import { FileChunks } from '../../src/fs/file-chunks.js';
import { assertSameBytes, payload } from '../helpers/matrix.js';
import { tempDir } from '../helpers/server.js';

const CHUNK = 64 * 1024;

async function fileOf(t: Parameters<typeof tempDir>[0], content: Buffer): Promise<string> {
  const path = join(await tempDir(t), 'f.bin');
  writeFileSync(path, content);
  return path;
}

/** Reads the stream to its end; `consume` sees each chunk as it comes (and may hand it back). */
async function drain(stream: FileChunks, consume: (chunk: Buffer) => void): Promise<void> {
  stream.on('data', consume);
  await once(stream, 'end');
}

test('FileChunks reads exactly bytes [start, end), and a chunk handed back is read into again', async (t) => {
  const content = payload(10 * CHUNK + 123);
  const fd = openSync(await fileOf(t, content), 'r');
  const stream = new FileChunks(fd, 1000, content.length - 7, CHUNK);
  const copies: Buffer[] = [];
  const memories = new Set<ArrayBufferLike>();
  await drain(stream, (chunk) => {
    copies.push(Buffer.from(chunk)); // a copy: the memory is about to be reused
    memories.add(chunk.buffer);
    stream[RECYCLE](chunk);
  });
  assertSameBytes(Buffer.concat(copies), content.subarray(1000, content.length - 7), 'chunks read into again');
  assert.equal(copies.length, 10);
  assert.ok(memories.size <= 3, `10 chunks read into ${memories.size} buffers`);
});

test('FileChunks never reuses a chunk another reader may still hold', async (t) => {
  const content = payload(6 * CHUNK);
  const fd = openSync(await fileOf(t, content), 'r');
  const stream = new FileChunks(fd, 0, content.length, CHUNK);
  const kept: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => kept.push(chunk)); // keeps every chunk, as a pipe to a slow stage would
  await drain(stream, (chunk) => stream[RECYCLE](chunk));
  assertSameBytes(Buffer.concat(kept), content, 'what the other reader kept');
  assert.equal(new Set(kept.map((chunk) => chunk.buffer)).size, 6);
});

test('FileChunks closes its descriptor when destroyed mid-file, and ends early when the file shrank', async (t) => {
  const content = payload(4 * CHUNK);
  const path = await fileOf(t, content);
  const fd = openSync(path, 'r');
  const cut = new FileChunks(fd, 0, content.length, CHUNK);
  const seen: unknown[] = [];
  cut.on('data', (chunk) => seen.push(chunk)).on('error', (error) => seen.push(error));
  // The order of the system calls: a descriptor closed under a running read
  // could be reused by another file before the read lands.
  const calls: string[] = [];
  const read = fs.read;
  const close = fs.close;
  mock.method(fs, 'read', (...args: unknown[]) => {
    const callback = args.pop() as (...result: unknown[]) => void;
    (read as (...a: unknown[]) => void)(...args, (...result: unknown[]) => (calls.push('read done'), callback(...result)));
  });
  mock.method(fs, 'close', (...args: unknown[]) => (calls.push('close'), (close as (...a: unknown[]) => void)(...args)));
  syncBuiltinESMExports();
  t.after(() => (mock.restoreAll(), syncBuiltinESMExports()));
  cut._read(); // a read is running: the descriptor must outlive it, and what it reads goes nowhere
  cut.destroy();
  await once(cut, 'close');
  mock.restoreAll();
  syncBuiltinESMExports();
  assert.deepEqual(calls, ['read done', 'close']);
  assert.throws(() => fstatSync(fd), { code: 'EBADF' });
  assert.deepEqual(seen, []);

  const shrinking = new FileChunks(openSync(path, 'r'), 0, content.length, CHUNK);
  truncateSync(path, CHUNK + 10);
  const copies: Buffer[] = [];
  await drain(shrinking, (chunk) => copies.push(Buffer.from(chunk)));
  assertSameBytes(Buffer.concat(copies), content.subarray(0, CHUNK + 10), 'a file that shrank');
});
