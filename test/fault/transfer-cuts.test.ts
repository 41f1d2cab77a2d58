import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { LocalFileSystem, MemoryFileSystem, type FileStat, type FsContext } from '../../src/index.js';
import { ChaosFileSystem } from '../helpers/chaos-fs.js';
import { faultScenario, sleep, within, type FaultContext } from '../helpers/fault.js';
import type { RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../helpers/server.js';

/**
 * Transfers cut at every step, in both directions and for listings: before
 * 150, after 150 with no data connection, mid-transfer on the control or the
 * data connection or both, and after the data is done but before 226.
 */

const BIG = 8 * 1024 * 1024;
/** What an upload sends before it is cut. */
const SENT = 256 * 1024;
const files = { '/big.bin': Buffer.alloc(BIG, 1), '/file.txt': 'hello\n', '/many/': null };

/**
 * Memory storage whose /many holds 80,000 long names, produced lazily: a listing
 * (8 MB and more) far larger than the socket buffers, so it is still running when
 * the client goes.
 */
class HugeDirectory extends ChaosFileSystem {
  override list(path: string, ctx: FsContext): Promise<Iterable<FileStat> | AsyncIterable<FileStat>> {
    return path === '/many' ? Promise.resolve(entries()) : super.list(path, ctx);
  }
}

async function* entries(): AsyncGenerator<FileStat> {
  const mtime = new Date();
  const padding = 'x'.repeat(100);
  for (let i = 0; i < 80_000; i++) yield { name: `entry-${i}-${padding}.txt`, type: 'file', size: i, mtime };
}

interface Kind {
  line: string;
  direction: 'download' | 'upload' | 'listing';
  /** Path the upload writes (checked afterwards). */
  target?: string;
}

const kinds: Kind[] = [
  { line: 'RETR big.bin', direction: 'download' },
  { line: 'LIST many', direction: 'listing' },
  { line: 'NLST many', direction: 'listing' },
  { line: 'MLSD many', direction: 'listing' },
  { line: 'STOR up.bin', direction: 'upload', target: 'up.bin' },
  { line: 'APPE file.txt', direction: 'upload', target: 'file.txt' },
  { line: 'STOU', direction: 'upload' },
];

type CutPoint = 'control-before-150' | 'control-after-150-no-data' | 'control-mid-transfer' | 'data-mid-transfer' | 'both-mid-transfer' | 'control-after-data-done';
const cutPoints: CutPoint[] = ['control-before-150', 'control-after-150-no-data', 'control-mid-transfer', 'data-mid-transfer', 'both-mid-transfer', 'control-after-data-done'];

/** Gets the transfer going: downloads read a first chunk and stop reading; uploads send 256 KiB. */
async function midTransfer(kind: Kind, data: Socket): Promise<void> {
  if (kind.direction === 'upload') {
    data.write(Buffer.alloc(SENT, 2));
    await sleep(20);
    return;
  }
  await once(data, 'data');
  data.pause();
}

/** Resolves when the socket is closed, however it ends (a reset is fine here). */
function closed(socket: Socket): Promise<void> {
  return socket.closed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

/** The server closes a data connection whose session died: the client sees it end. */
async function serverClosesData(data: Socket): Promise<void> {
  if (data.destroyed) return;
  data.resume();
  data.on('data', () => undefined);
  await within(closed(data), 5000, 'the server kept the data connection open after the session ended');
}

async function runCut(ctx: FaultContext, kind: Kind, cut: CutPoint, rude: boolean): Promise<void> {
  const c = await ctx.login();
  const drop = (client: RawClient) => (rude ? client.reset() : client.close());
  assert.equal((await c.cmd('TYPE I')).code, 200);
  if (cut === 'control-after-150-no-data') {
    await c.cmd('EPSV');
    c.send(kind.line);
    assert.equal((await c.read()).code, 150);
    drop(c);
    return;
  }
  const data = await c.epsv();
  c.send(kind.line);
  if (cut === 'control-before-150') {
    drop(c);
    await serverClosesData(data);
    return;
  }
  assert.equal((await c.read()).code, 150, kind.line);
  if (cut === 'control-after-data-done') {
    if (kind.direction === 'upload') data.end(Buffer.alloc(1000, 3));
    else data.resume();
    await closed(data);
    drop(c);
    return;
  }
  await midTransfer(kind, data);
  if (cut === 'control-mid-transfer') {
    drop(c);
    await serverClosesData(data);
  } else if (cut === 'data-mid-transfer') {
    data.resetAndDestroy();
    const reply = await c.read();
    // A reset is never a clean end, for uploads too (even when every byte already arrived).
    assert.equal(reply.code, 426, `${kind.line}: ${reply.lines.join(' | ')}`);
    assert.equal((await c.cmd('NOOP')).code, 200, 'the session survives a broken data connection');
    drop(c);
  } else {
    data.resetAndDestroy();
    drop(c);
  }
}

/** What an interrupted upload leaves in memory storage (atomic): nothing new, the old content intact. */
async function uploadsLeftNothing(ctx: FaultContext): Promise<void> {
  const c = await ctx.login();
  assert.equal((await c.cmd('SIZE up.bin')).code, 550, 'an interrupted STOR is never visible (memory storage is atomic)');
  assert.equal((await c.cmd('SIZE file.txt')).text, '6', 'an interrupted APPE leaves the file as it was');
  c.close();
}

for (const kind of kinds) {
  test(`${kind.line}: the client vanishes at every step of the transfer`, async (t) => {
    await faultScenario(t, { filesystem: new HugeDirectory(new MemoryFileSystem(files)), timeouts: { dataConnection: 2000 } }, async (ctx) => {
      for (const cut of cutPoints) {
        for (const rude of [false, true]) {
          await runCut(ctx, kind, cut, rude);
          if (kind.direction === 'upload' && cut !== 'control-after-data-done') await uploadsLeftNothing(ctx);
        }
      }
    });
  });
}

for (const atomicUploads of [false, true]) {
  test(`uploads to local disk (atomicUploads ${atomicUploads}) cut at every step leave no descriptor and no temporary file`, async (t) => {
    const root = await tempDir(t);
    const filesystem = new LocalFileSystem(root, { atomicUploads });
    await faultScenario(t, { filesystem, root, timeouts: { dataConnection: 2000 } }, async (ctx) => {
      for (const cut of cutPoints) {
        for (const line of ['STOR up.bin', 'APPE up.bin']) {
          await runCut(ctx, { line, direction: 'upload' }, cut, cut.length % 2 === 0);
        }
      }
    });
    const left = await readdir(root);
    assert.deepEqual(left.filter((name) => name.startsWith('.ftpkit-upload-')), [], 'no temporary upload file is left behind');
  });
}
