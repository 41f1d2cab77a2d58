import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { setImmediate as turnEnds } from 'node:timers/promises';
import { holdUntilTurnEnds } from '../../src/net/write-batch.js';

/** A writable that records what reached it, as one string per write call. */
function recorder(): { sink: Writable; got: string[] } {
  const got: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      got.push(String(chunk));
      callback();
    },
    writev(chunks, callback) {
      got.push(chunks.map(({ chunk }) => String(chunk)).join(''));
      callback();
    },
  });
  return { sink, got };
}

test('a held write reaches the socket only once the turn of the event loop ends, with what followed it', async () => {
  const { sink, got } = recorder();
  holdUntilTurnEnds(sink);
  sink.write('150 Opening.\r\n');
  holdUntilTurnEnds(sink); // held already: nothing changes
  sink.write('226 Done.\r\n');
  assert.deepEqual(got, [], 'nothing is written before the turn ends');
  await turnEnds();
  assert.deepEqual(got, ['150 Opening.\r\n226 Done.\r\n']);
  assert.equal(sink.writableCorked, 0);
  sink.write('200 Later.\r\n');
  assert.deepEqual(got.at(-1), '200 Later.\r\n', 'not held any more');
});

test('writes to several sockets in one turn all leave at its end', async () => {
  const sockets = Array.from({ length: 3 }, recorder);
  for (const [i, { sink }] of sockets.entries()) {
    holdUntilTurnEnds(sink);
    sink.write(`reply ${i}`);
  }
  assert.deepEqual(sockets.map(({ got }) => got.length), [0, 0, 0]);
  await turnEnds();
  assert.deepEqual(sockets.map(({ got }) => got), [['reply 0'], ['reply 1'], ['reply 2']]);
});

test('ending a held socket sends what it holds at once', async () => {
  const { sink, got } = recorder();
  holdUntilTurnEnds(sink);
  sink.write('221 Bye.\r\n');
  sink.end();
  assert.deepEqual(got, ['221 Bye.\r\n']);
  await turnEnds(); // the release finds it ended: nothing breaks
  assert.equal(sink.writableFinished, true);
});

test('a socket its owner corked is left to its owner', async () => {
  const { sink, got } = recorder();
  sink.cork();
  holdUntilTurnEnds(sink);
  sink.write('x');
  await turnEnds();
  assert.deepEqual(got, [], 'the turn end does not uncork what it did not cork');
  sink.uncork();
  assert.deepEqual(got, ['x']);
});

test('a socket that throws when its held writes go out is destroyed alone; the others and later turns still go out', async () => {
  const broken = new Writable({
    write() {
      throw new Error('write failed in place');
    },
    writev() {
      throw new Error('write failed in place');
    },
  });
  broken.on('error', () => undefined);
  const { sink, got } = recorder();
  holdUntilTurnEnds(broken);
  broken.write('lost');
  holdUntilTurnEnds(sink);
  sink.write('kept');
  await turnEnds();
  assert.equal(broken.destroyed, true);
  assert.deepEqual(got, ['kept']);
  holdUntilTurnEnds(sink);
  sink.write('next turn');
  await turnEnds();
  assert.deepEqual(got, ['kept', 'next turn'], 'the batching still works after the failure');
});
