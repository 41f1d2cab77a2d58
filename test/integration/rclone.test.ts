import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { needTool, run } from '../helpers/clients.js';
import { NAMES, payload } from '../helpers/matrix.js';
import { startServer, tempDir } from '../helpers/server.js';

/** Every file under `dir`, relative, sorted. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/**
 * rclone is what sync jobs use: it lists with MLSD, expects 550 for a missing
 * directory before it creates one, compares sizes and times, and deletes what
 * the source no longer has.
 */
test('rclone: sync a tree up (UTF-8 names, nested directories), check, sync changes, sync back, purge', async (t) => {
  if (!needTool(t, 'rclone')) return;
  const { port, root } = await startServer(t, { local: true });
  const local = await tempDir(t);
  const src = join(local, 'src');
  await mkdir(join(src, NAMES.dir, 'deeper'), { recursive: true });
  await writeFile(join(src, NAMES.file), payload(200_000));
  await writeFile(join(src, NAMES.dir, 'a.txt'), 'alpha\n');
  await writeFile(join(src, NAMES.dir, 'deeper', 'b.txt'), 'beta\n');

  const obscured = (await run('rclone', ['obscure', 'test'])).stdout.trim();
  const remote = (path: string) => `:ftp,host=127.0.0.1,port=${port},user=test,pass=${obscured}:${path}`;
  const rclone = async (...args: string[]) => {
    const result = await run('rclone', [...args, '--config', '/dev/null', '--low-level-retries', '1', '--retries', '1'], { timeoutMs: 60_000 });
    assert.equal(result.code, 0, `rclone ${args.join(' ')}:\n${result.stderr}`);
    return result;
  };

  await rclone('sync', src, remote('backup/today'));
  assert.deepEqual(await tree(join(root, 'backup', 'today')), await tree(src));
  assert.deepEqual(await readFile(join(root, 'backup', 'today', NAMES.file)), payload(200_000));
  await rclone('check', src, remote('backup/today'));

  await rm(join(src, NAMES.dir, 'a.txt'));
  await writeFile(join(src, 'new.txt'), 'new\n');
  await rclone('sync', src, remote('backup/today'));
  assert.deepEqual(await tree(join(root, 'backup', 'today')), await tree(src), 'deleted on the server too');

  const back = join(local, 'back');
  await rclone('sync', remote('backup/today'), back);
  assert.deepEqual(await tree(back), await tree(src));
  assert.equal(await readFile(join(back, NAMES.dir, 'deeper', 'b.txt'), 'utf8'), 'beta\n');

  await rclone('purge', remote('backup'));
  assert.deepEqual(await readdir(root), []);
});
