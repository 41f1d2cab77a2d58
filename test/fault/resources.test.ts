import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { LocalFileSystem } from '../../src/index.js';
import { sessionsGone } from '../helpers/fault.js';
import { eventually, LeakCheck, newDescriptors, socketsOnPorts } from '../helpers/leaks.js';
import { emptyStats, runMixedLoad } from '../helpers/mixed-load.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { passiveWindow } from '../helpers/ports.js';
import { startServer, tempDir } from '../helpers/server.js';
import { tlsOptions } from '../helpers/tls.js';

/**
 * Thousands of mixed sessions (logins good and bad, listings, uploads,
 * downloads, round trips, aborts, clients vanishing mid-transfer) against one
 * server on local disk with a small passive port range. Afterwards, with the
 * server still running: no session left, descriptors and sockets back to their
 * baseline, no library timer armed, no passive port open, and the heap where
 * it was after the warm-up.
 */

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

const MB = 1024 * 1024;

test('2,000 mixed sessions, plain and FTPS: sessions, descriptors, sockets, timers and passive ports back to baseline; the heap stays flat', async (t) => {
  const root = await tempDir(t);
  const seed = { path: '/seed.bin', data: randomBytes(96 * 1024) };
  await writeFile(join(root, 'seed.bin'), seed.data);
  const passive = await passiveWindow(40);
  const started = await startServer(t, {
    filesystem: new LocalFileSystem(root, { atomicUploads: true }),
    root,
    passive: { portRange: passive.range },
    // FTPS offered, not required: plain and TLS sessions in one mix.
    tls: tlsOptions({ require: 'none' }),
    loginThrottle: false,
    antiFlood: false,
  });
  const { server, port } = started;
  const target = { port, seed, maxUpload: 128 * 1024, tls: true };

  // Warm-up: code paths compiled, pools and caches at their working size.
  const warm = await runMixedLoad(target, { sessions: 300, concurrency: 30 });
  assert.deepEqual(warm.errors, []);
  await sessionsGone(started);
  const leaks = new LeakCheck();
  const heapBefore = heapAfterGc();

  const stats = emptyStats();
  const heaps: number[] = [];
  for (let round = 0; round < 4; round++) {
    await runMixedLoad(target, { sessions: 500, concurrency: 40 }, stats);
    await sessionsGone(started);
    heaps.push(heapAfterGc());
  }
  t.diagnostic(`${stats.sessions} sessions ${JSON.stringify(stats.byScenario)}; ${(stats.bytesUp / MB).toFixed(1)} MB up, ${(stats.bytesDown / MB).toFixed(1)} MB down`);
  t.diagnostic(`heap after gc: warm ${(heapBefore / MB).toFixed(1)} MB, then ${heaps.map((h) => (h / MB).toFixed(1)).join(', ')} MB`);
  assert.deepEqual(stats.errors.slice(0, 10), [], `${stats.errors.length} errors`);
  assert.ok((stats.byScenario.vanish ?? 0) > 0 && (stats.byScenario.abort ?? 0) > 0, 'the mix included aborts and vanishing clients');
  assert.ok((stats.byScenario['tls-round-trip'] ?? 0) > 0 && (stats.byScenario['tls-vanish'] ?? 0) > 0, 'and FTPS sessions');

  // Everything the sessions used is released while the server keeps running.
  assert.equal(server.stats().connections, 0);
  await eventually(() => socketsOnPorts(new Set(passive.ports)), 5000, 'passive ports still open');
  await leaks.assertClean();
  assert.deepEqual(newDescriptors(leaks.baseline), [], 'descriptors and sockets back to the baseline');

  // Flat: after 1,500 more sessions the heap holds no more than after the first 500, give or
  // take noise (a leak of 2 KiB per session would show as 3 MB).
  const growth = heaps.at(-1)! - heaps[0]!;
  assert.ok(growth < 3 * MB, `heap grew by ${(growth / MB).toFixed(1)} MB over ${stats.sessions - 500} sessions`);
});

test('one session, 1,500 transfers and listings: nothing accumulates per command (heap flat, no listener warnings)', async (t) => {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const started = await startServer(t, { files: { '/small.bin': randomBytes(4096) }, loginThrottle: false, antiFlood: false });
  const c = await RawClient.login(started.port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const round = async (i: number) => {
    let data = await c.epsv();
    c.send('RETR small.bin');
    assert.equal((await c.read()).code, 150);
    assert.equal((await readAll(data)).length, 4096);
    assert.equal((await c.read()).code, 226);
    data = await c.epsv();
    c.send(i % 2 ? 'LIST' : 'MLSD');
    assert.equal((await c.read()).code, 150);
    await readAll(data);
    assert.equal((await c.read()).code, 226);
    data = await c.epsv();
    c.send('STOR up.bin');
    assert.equal((await c.read()).code, 150);
    data.end(randomBytes(1024));
    assert.equal((await c.read()).code, 226);
    assert.equal((await c.cmd('SIZE up.bin')).code, 213);
  };
  for (let i = 0; i < 100; i++) await round(i);
  const before = heapAfterGc();
  for (let i = 0; i < 500; i++) await round(i);
  const after = heapAfterGc();
  t.diagnostic(`heap after gc: ${(before / MB).toFixed(1)} MB after 100 rounds, ${(after / MB).toFixed(1)} MB after 500 more`);
  assert.ok(after - before < 3 * MB, `one session's heap grew by ${((after - before) / MB).toFixed(1)} MB over 1,500 transfers`);
  assert.deepEqual(warnings, []);
});
