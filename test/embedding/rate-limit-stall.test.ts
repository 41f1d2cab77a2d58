import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { rawDownload, rawUpload } from '../helpers/transfers.js';

// A rate limit holds a 128 KB piece back for as long as the rate needs (here
// about 2 s at 64 KiB/s): the stall timeout (300 ms) must not take that wait
// for a transfer that stopped moving.
test('a transfer held back by a rate limit is not ended by the stall timeout', async (t) => {
  const size = 256 * 1024;
  const { port } = await startServer(t, {
    files: { '/f.bin': Buffer.alloc(size, 1) },
    users: [{ username: 'test', password: 'test', limits: { downloadRate: 64 * 1024, uploadRate: 64 * 1024 } }],
    timeouts: { stalledTransfer: 300 },
  });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('TYPE I')).code, 200);
  const down = await rawDownload(c, 'f.bin');
  assert.equal(down.final.code, 226);
  assert.equal(down.data.length, size);
  assert.equal((await rawUpload(c, 'g.bin', Buffer.alloc(size, 2))).final.code, 226);
  assert.equal((await c.cmd('SIZE g.bin')).text, String(size));
});
