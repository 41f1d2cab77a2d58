import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENDED, guardFileSystem } from '../../src/fs/guard.js';
import { LocalFileSystem } from '../../src/fs/local.js';
import type { FileStat, FsContext } from '../../src/fs/types.js';
import { tempDir } from '../helpers/server.js';

/** A context like a session's own: the signal is a getter, counted, and ENDED says whether it fired. */
function lazyContext(ended: () => boolean) {
  const counter = { reads: 0 };
  const ctx = {
    session: {},
    user: { username: 'u' },
    get signal() {
      counter.reads++;
      const controller = new AbortController();
      if (ended()) controller.abort(new Error('session closed: test'));
      return controller.signal;
    },
    [ENDED]: ended,
  } as unknown as FsContext;
  return { ctx, counter };
}

async function rootWithFile(t: Parameters<typeof tempDir>[0]): Promise<string> {
  const root = await tempDir(t);
  writeFileSync(join(root, 'a.txt'), 'a');
  return root;
}

test('inline local metadata calls are not raced: the lazy signal is never made for them', async (t) => {
  const fs = guardFileSystem(new LocalFileSystem(await rootWithFile(t)));
  const { ctx, counter } = lazyContext(() => false);
  assert.equal((await fs.stat('/a.txt', ctx)).size, 1);
  await fs.mkdir('/d', ctx);
  await fs.rename('/d', '/e', ctx);
  await fs.rmdir('/e', ctx);
  assert.equal(counter.reads, 0, 'no call read ctx.signal');
});

test('inline local metadata calls are still refused once the context ended (and name the reason)', async (t) => {
  const fs = guardFileSystem(new LocalFileSystem(await rootWithFile(t)));
  const { ctx } = lazyContext(() => true);
  await assert.rejects(fs.stat('/a.txt', ctx), (error: Error & { kind?: string; cause?: Error }) => {
    assert.equal(error.kind, 'aborted');
    assert.match(String(error.cause?.message), /session closed/);
    return true;
  });
  await assert.rejects(fs.delete('/a.txt', ctx), { kind: 'aborted' });
});

test('thread-pool local calls are raced against the signal (they may hang on a network disk)', async (t) => {
  const fs = guardFileSystem(new LocalFileSystem(await rootWithFile(t), { metadataCalls: 'thread-pool' }));
  const { ctx, counter } = lazyContext(() => false);
  assert.equal((await fs.stat('/a.txt', ctx)).size, 1);
  assert.ok(counter.reads > 0, 'the race read ctx.signal');
});

test('a subclass that overrides a local method (and may wait in it) is raced again', async (t) => {
  class SlowAcl extends LocalFileSystem {
    override stat(path: string): Promise<FileStat> {
      return new Promise(() => undefined); // a lookup that never answers
    }
  }
  let ended = false;
  const fs = guardFileSystem(new SlowAcl(await rootWithFile(t)));
  const controller = new AbortController();
  const ctx = { session: {}, user: { username: 'u' }, signal: controller.signal, [ENDED]: () => ended } as unknown as FsContext;
  const pending = fs.stat('/a.txt', ctx);
  ended = true;
  controller.abort(new Error('session closed: test'));
  await assert.rejects(pending, { kind: 'aborted' });
});
