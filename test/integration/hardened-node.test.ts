import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { curl, needTool } from '../helpers/clients.js';
import { tempDir } from '../helpers/server.js';
import { spawnServer } from '../helpers/spawned.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');

// A hardened host may freeze the built-in objects (`node --frozen-intrinsics`):
// assigning to Error.stackTraceLimit, Promise.prototype... then throws. A session
// that tripped over one of them at its end would never be cleaned up.
test('under node --frozen-intrinsics, curl logs in, lists, uploads and downloads, and every session ends cleanly', async (t) => {
  if (!needTool(t, 'curl')) return;
  const root = await tempDir(t);
  await writeFile(join(root, 'hello.txt'), 'hello\n');
  const server = await spawnServer(t, process.execPath, ['--frozen-intrinsics', '--no-warnings', CLI, '--root', root, '--port', '0', '--user', 'u:p']);
  const url = `ftp://u:p@127.0.0.1:${server.port}`;

  const listing = await curl([`${url}/`]);
  assert.equal(listing.code, 0, listing.stderr);
  assert.match(listing.stdout, /hello\.txt/);
  const upload = await curl(['-T', '-', `${url}/up.txt`], { input: 'uploaded\n' });
  assert.equal(upload.code, 0, upload.stderr);
  const download = await curl([`${url}/up.txt`]);
  assert.equal(download.stdout, 'uploaded\n');

  assert.equal(await server.stop('SIGTERM'), 0);
  assert.equal(server.stderr(), '', 'no error reported by the server');
});
