import assert from 'node:assert/strict';
import { mkdtemp, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalFileSystem, type FileStat } from '../../src/index.js';

/** Descriptors of this process open on `dir`. */
async function openOn(dir: string): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) === dir) count++;
  }
  return count;
}

async function tree(t: import('node:test').TestContext): Promise<{ root: string; fs: LocalFileSystem }> {
  const root = await mkdtemp(join(tmpdir(), 'ftpkit-listing-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  for (const name of ['a.txt', 'b.txt', 'c.txt']) await writeFile(join(root, name), name);
  await writeFile(join(root, '.ftpkit-upload-0123456789ab'), 'partial');
  await symlink('/etc', join(root, 'outside'));
  await symlink('a.txt', join(root, 'inside'));
  return { root, fs: new LocalFileSystem(root) };
}

test('the local listing (inline calls) can be taken synchronously, and as an async iterable too', async (t) => {
  const { fs } = await tree(t);
  const entries = fs.list('/') as unknown as Iterable<FileStat> & AsyncIterable<FileStat>;
  const now = [...entries].map((e) => e.name).sort();
  assert.deepEqual(now, ['a.txt', 'b.txt', 'c.txt', 'inside'], 'no upload temp file, no link leading outside');
  const later: string[] = [];
  for await (const entry of entries) later.push(entry.name);
  assert.deepEqual(later.sort(), now);
  assert.equal([...entries].find((e) => e.name === 'inside')?.type, 'file', 'a link inside is listed as what it leads to');
});

test('a local listing stopped early closes its directory', async (t) => {
  const { root, fs } = await tree(t);
  const iterator = (fs.list('/') as unknown as Iterable<FileStat>)[Symbol.iterator]();
  assert.equal(iterator.next().done, false);
  assert.equal(await openOn(root), 1, 'the directory is open while listed');
  iterator.return?.();
  assert.equal(await openOn(root), 0, 'and closed once the listing stops');
});

test('a local listing of a missing directory or of a file fails with the FTP error of it', async (t) => {
  const { fs } = await tree(t);
  assert.throws(() => [...(fs.list('/nope') as unknown as Iterable<FileStat>)], { kind: 'not-found' });
  assert.throws(() => [...(fs.list('/a.txt') as unknown as Iterable<FileStat>)], { kind: 'not-a-directory' });
});
