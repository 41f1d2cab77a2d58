import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCli } from '../../src/cli-options.js';
import { sleep } from '../helpers/fault.js';
import { RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../helpers/server.js';
import { spawnServer } from '../helpers/spawned.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');

test('--shutdown-grace maps onto close({ graceMs }) (seconds, 0 allowed)', () => {
  assert.equal(parseCli(['--shutdown-grace', '30']).options.shutdownGraceMs, 30_000);
  assert.equal(parseCli(['--shutdown-grace', '0']).options.shutdownGraceMs, 0);
  assert.equal(parseCli([]).options.shutdownGraceMs, undefined);
  assert.throws(() => parseCli(['--shutdown-grace', 'soon']), /--shutdown-grace needs a number of seconds/);
});

test('ftpkit on SIGTERM lets an upload in flight finish (226, stored whole), then says 421 and exits 0', async (t) => {
  const root = await tempDir(t);
  const server = await spawnServer(t, process.execPath, [CLI, '--root', root, '--port', '0', '--user', 'u:p', '--shutdown-grace', '30']);
  const c = await RawClient.login(server.port, 'u', 'p');
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const data = await c.epsv();
  c.send('STOR up.bin');
  assert.equal((await c.read()).code, 150);
  const payload = randomBytes(400_000);
  data.write(payload.subarray(0, 100_000));
  const exit = server.stop('SIGTERM');
  await server.waitFor(/shutting down/);
  for (let at = 100_000; at < payload.length; at += 100_000) {
    await sleep(30);
    data.write(payload.subarray(at, at + 100_000));
  }
  data.end();
  assert.equal((await c.read()).code, 226, 'the upload in flight completes');
  assert.equal((await c.read()).code, 421);
  assert.equal(await exit, 0);
  assert.deepEqual(await readFile(join(root, 'up.bin')), payload);
});
