import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { MemoryFileSystem, type FileStat, type FileSystem, type FsContext } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { delay } from '../helpers/transfers.js';

// A listing is generated while it is sent (writeListing in src/commands/listing.ts):
// batches of lines are made only as fast as the client takes them, a storage
// error midway is storage's reply, and a client that leaves midway is the client's.

const ENTRIES = 300_000; // ~19 MB of LIST lines: more than loopback socket buffers hold

/**
 * Memory storage with a directory "/big" whose entries are made one at a time,
 * counting how many were asked for and whether the source was closed. The
 * source is an async generator, or (`sync`) a synchronous one, as the local
 * disk's listing is, which the server pulls without a promise per entry.
 */
function generatedDirectory(failAfter = Infinity, sync = false): { filesystem: FileSystem; pulled: () => number; closed: () => boolean } {
  const memory = new MemoryFileSystem({ '/big/': null });
  const listMemory = memory.list.bind(memory);
  let pulled = 0;
  let closed = false;
  function entry(i: number): FileStat {
    if (i === failAfter) throw new Error('disk went away');
    pulled++;
    return { name: `entry-${i}`, type: 'file', size: i, mtime: new Date(0) };
  }
  function* syncEntries(): Generator<FileStat> {
    try {
      for (let i = 0; i < ENTRIES; i++) yield entry(i);
    } finally {
      closed = true;
    }
  }
  async function* asyncEntries(): AsyncGenerator<FileStat> {
    try {
      for (let i = 0; i < ENTRIES; i++) yield entry(i);
    } finally {
      closed = true;
    }
  }
  const big = () => (sync ? Promise.resolve(syncEntries()) : asyncEntries());
  const filesystem: FileSystem = Object.assign(memory, { list: (path: string, ctx: FsContext) => (path === '/big' ? big() : listMemory(path, ctx)) });
  return { filesystem, pulled: () => pulled, closed: () => closed };
}

test('a listing waits for a client that does not read, then sends every line', async (t) => {
  const storage = generatedDirectory();
  const { port } = await startServer(t, { filesystem: storage.filesystem });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const data = await c.epsv();
  data.pause();
  c.send('LIST /big');
  assert.equal((await c.read()).code, 150);

  // Let the server run until it can hand the socket nothing more.
  let before = -1;
  while (storage.pulled() !== before) {
    before = storage.pulled();
    await delay(150);
  }
  assert.ok(before < ENTRIES, `the listing waited for the client (${before} of ${ENTRIES} entries made)`);

  data.resume();
  const lines = (await readAll(data)).toString('utf8').split('\r\n');
  assert.equal(lines.pop(), '', 'the listing ends with CRLF');
  assert.equal(lines.length, ENTRIES);
  assert.match(lines[0]!, / entry-0$/);
  assert.match(lines[ENTRIES - 1]!, new RegExp(` entry-${ENTRIES - 1}$`));
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('NOOP')).code, 200);
});

/**
 * LIST /big under way (150 read) for a logged-in client; rate-limited, the
 * listing takes the pipeline path instead of writing to the socket directly.
 */
async function listingUnderWay(t: TestContext, filesystem: FileSystem, rateLimited: boolean) {
  const { port, errors } = await startServer(t, {
    filesystem,
    users: [{ username: 'test', password: 'test', ...(rateLimited ? { limits: { downloadRate: 64 * 1024 * 1024 } } : {}) }],
  });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const data = await c.epsv();
  c.send('LIST /big');
  assert.equal((await c.read()).code, 150);
  return { c, data, errors };
}

for (const rateLimited of [false, true]) {
  const path = rateLimited ? ' (rate-limited: the pipeline path)' : '';

  test(`a listing whose storage fails midway answers 451, not 426${path}`, async (t) => {
    const { c, data, errors } = await listingUnderWay(t, generatedDirectory(20_000).filesystem, rateLimited);
    await readAll(data).catch(() => undefined); // whatever came before the failure
    const final = await c.read();
    assert.equal(final.code, 451, final.lines.join(' | '));
    assert.ok(!final.text.includes('disk went away'), 'no storage error text reaches the client');
    assert.equal(errors.length, 1, 'the storage error is reported to the host');
    assert.equal((await c.cmd('NOOP')).code, 200);
  });

  test(`a client that resets the data connection midway gets 426, and storage is not blamed${path}`, async (t) => {
    const { c, data, errors } = await listingUnderWay(t, generatedDirectory().filesystem, rateLimited);
    // Some lines arrived: the listing is under way. Then the client cuts the connection.
    await new Promise<void>((resolve) => data.once('data', () => resolve()));
    data.resetAndDestroy();
    const final = await c.read();
    assert.equal(final.code, 426, final.lines.join(' | '));
    assert.equal(errors.length, 0, 'nothing is reported as a storage failure');
    assert.equal((await c.cmd('NOOP')).code, 200);
  });
}

for (const sync of [false, true]) {
  test(`a listing the client cuts midway closes its ${sync ? 'synchronous' : 'async'} source`, async (t) => {
    const storage = generatedDirectory(Infinity, sync);
    const { c, data } = await listingUnderWay(t, storage.filesystem, false);
    await new Promise<void>((resolve) => data.once('data', () => resolve()));
    data.resetAndDestroy();
    assert.equal((await c.read()).code, 426);
    assert.ok(storage.pulled() < ENTRIES, 'stopped midway');
    assert.equal(storage.closed(), true, 'the source was told to stop (its finally ran: a directory handle closes there)');
  });
}
