import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { faultScenario, isReplyCode, sleep } from '../helpers/fault.js';
import { readAll, type RawClient, type Reply } from '../helpers/raw-client.js';
import { startDownload } from '../helpers/transfers.js';

/**
 * ABOR storms: many ABORs at once, ABOR pipelined with the command it aborts,
 * ABOR at every phase of a transfer, mixed with STAT and NOOP. Every ABOR gets
 * exactly one answer, replies stay in order, and the session (and everyone
 * else's transfers) go on.
 */

const BIG = Buffer.alloc(16 * 1024 * 1024);
for (let i = 0; i < BIG.length; i += 4096) BIG[i] = i % 251;
const files = { '/big.bin': BIG, '/small.txt': 'small\n' };

/** Reads replies until `count` have arrived. */
async function replies(c: RawClient, count: number): Promise<Reply[]> {
  const out: Reply[] = [];
  for (let i = 0; i < count; i++) out.push(await c.read());
  for (const r of out) assert.ok(isReplyCode(r.code), r.lines.join(' | '));
  return out;
}

test('a hundred ABORs during a download: 426 and 226 for the transfer, 225 for each of the rest', async (t) => {
  await faultScenario(t, { files }, async ({ login }) => {
    const c = await login();
    await c.cmd('TYPE I');
    const data = await startDownload(c, 'big.bin');
    c.write('ABOR\r\n'.repeat(100));
    const codes = (await replies(c, 101)).map((r) => r.code);
    assert.deepEqual(codes.slice(0, 2), [426, 226]);
    assert.deepEqual(new Set(codes.slice(2)), new Set([225]));
    assert.equal((await c.cmd('NOOP')).code, 200);
    data.destroy();
  });
});

test('RETR, STOR and LIST with ABOR in the same packet, fifty times over: ABOR stops the transfer at once, replies in order', async (t) => {
  await faultScenario(t, { files, timeouts: { dataConnection: 5000 } }, async ({ login }) => {
    const c = await login();
    await c.cmd('TYPE I');
    for (let i = 0; i < 50; i++) {
      const line = ['RETR big.bin', `STOR up-${i}.bin`, 'LIST'][i % 3]!;
      const data = await c.epsv();
      data.on('data', () => undefined);
      c.write(`${line}\r\nABOR\r\n`);
      // ABOR takes effect as soon as the transfer starts: the command answers 150
      // and 426, then ABOR its 226, in that order.
      assert.deepEqual((await replies(c, 3)).map((r) => r.code), [150, 426, 226], `${line}, round ${i}`);
      data.destroy();
      assert.equal((await c.cmd('NOOP')).code, 200, 'in step after every round');
    }
  });
});

test('ABOR at every phase: waiting for the data connection, mid-upload, after the end', async (t) => {
  await faultScenario(t, { files, timeouts: { dataConnection: 10_000 } }, async ({ login }) => {
    const c = await login();
    await c.cmd('TYPE I');
    // Waiting for the data connection that never comes.
    await c.cmd('EPSV');
    c.send('RETR big.bin');
    assert.equal((await c.read()).code, 150);
    c.send('ABOR');
    assert.deepEqual((await replies(c, 2)).map((r) => r.code), [426, 226]);
    // Mid-upload.
    let data = await c.epsv();
    c.send('STOR partial.bin');
    assert.equal((await c.read()).code, 150);
    data.write(Buffer.alloc(100_000));
    await sleep(20);
    c.send('ABOR');
    assert.deepEqual((await replies(c, 2)).map((r) => r.code), [426, 226]);
    assert.equal((await c.cmd('SIZE partial.bin')).code, 550, 'an aborted upload is not stored (memory storage is atomic)');
    // After a completed transfer: nothing to abort.
    data = await c.epsv();
    c.send('RETR small.txt');
    assert.equal((await c.read()).code, 150);
    await readAll(data);
    assert.equal((await c.read()).code, 226);
    assert.equal((await c.cmd('ABOR')).code, 225);
  });
});

test('ABOR, STAT and NOOP storms in many sessions do not disturb another client’s download', async (t) => {
  await faultScenario(t, { files }, async ({ login }) => {
    const quiet = await login();
    await quiet.cmd('TYPE I');
    const quietData = await quiet.epsv();
    quiet.send('RETR big.bin');
    assert.equal((await quiet.read()).code, 150);
    const received = readAll(quietData);

    const stormers = await Promise.all(Array.from({ length: 8 }, () => login()));
    await Promise.all(
      stormers.map(async (c) => {
        await c.cmd('TYPE I');
        for (let round = 0; round < 5; round++) {
          const data = await startDownload(c, 'big.bin');
          c.write('STAT\r\nNOOP\r\nABOR\r\nABOR\r\nSTAT\r\n');
          const codes = (await replies(c, 6)).map((r) => r.code);
          // STAT and NOOP are answered at once, ABOR ends the transfer (426, 226), the second ABOR finds nothing.
          assert.deepEqual(codes, [213, 200, 426, 226, 225, 211], `round ${round}`);
          data.destroy();
        }
      }),
    );
    const bytes = await received;
    assert.equal((await quiet.read()).code, 226);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), createHash('sha256').update(BIG).digest('hex'));
  });
});
