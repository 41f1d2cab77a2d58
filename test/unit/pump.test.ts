import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Readable, Writable } from 'node:stream';
import { pour, sendTo } from '../../src/data/pump.js';

// The data connection fails after the last byte was handed over but before it
// was flushed (a client reset while the final piece sat in the socket's
// buffer): the download must fail, never resolve into a 226.
test('sendTo rejects when the last write fails after the source ended', async () => {
  let writes = 0;
  const socket = new Writable({
    highWaterMark: 1, // every write pushes back, as a full socket does
    write(_chunk, _encoding, callback) {
      writes++;
      if (writes < 3) setImmediate(callback);
      else setTimeout(() => callback(Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET' })), 20);
    },
  });
  socket.on('error', () => undefined);
  const source = Readable.from([Buffer.alloc(1000), Buffer.alloc(1000), Buffer.alloc(1000)]);
  const tally = { bytes: 0 };
  await assert.rejects(sendTo(source, socket, tally), { code: 'ECONNRESET' });
  assert.equal(writes, 3);
});

test('sendTo resolves once every piece was written, and counts them', async () => {
  const received: Buffer[] = [];
  const socket = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      received.push(chunk);
      setImmediate(callback);
    },
  });
  const tally = { bytes: 0 };
  await sendTo(Readable.from([Buffer.alloc(300_000, 1), Buffer.alloc(5, 2)]), socket, tally);
  assert.equal(tally.bytes, 300_005);
  assert.equal(Buffer.concat(received).length, 300_005);
});

test('pour: storage that fails destroys the upload source with its error (so the upload reports storage, not the client)', async () => {
  const source = new Readable({ read() {} });
  const seen: Error[] = [];
  source.on('error', (error) => seen.push(error));
  const sink = new Writable({
    write(_chunk, _encoding, callback) {
      callback(Object.assign(new Error('no space left'), { code: 'ENOSPC' }));
    },
  });
  const poured = pour(source, sink);
  source.push(Buffer.from('data'));
  await assert.rejects(poured, { code: 'ENOSPC' });
  assert.equal(seen[0]?.message, 'no space left');
});
