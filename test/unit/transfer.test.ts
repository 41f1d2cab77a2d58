import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Transfer, TransferAbortError } from '../../src/data/transfer.js';

const info = { direction: 'download', command: 'RETR', path: '/f', offset: 0, opening: '' } as const;

test('Transfer: abort listeners run once, at once when added late, and not after unsubscribing', () => {
  const transfer = new Transfer(info);
  const calls: string[] = [];
  transfer.onAbort(() => calls.push('a'));
  const off = transfer.onAbort(() => calls.push('b'));
  off();
  assert.equal(transfer.aborted, false);
  transfer.abort('abor');
  transfer.abort('timeout'); // the first reason stays
  assert.deepEqual(calls, ['a']);
  assert.equal(transfer.reason, 'abor');
  transfer.onAbort(() => calls.push('late'));
  assert.deepEqual(calls, ['a', 'late']);
});

test('Transfer: its signal, made before or after the abort, fires with the transfer abort error', async () => {
  const early = new Transfer(info);
  const signal = early.signal;
  assert.equal(signal.aborted, false);
  early.abort('host');
  assert.equal(signal.aborted, true);
  assert.ok(signal.reason instanceof TransferAbortError);
  assert.equal((signal.reason as TransferAbortError).reason, 'host');

  const late = new Transfer(info);
  late.abort('shutdown');
  assert.equal(late.signal.aborted, true, 'a signal first read after the abort has already fired');
  assert.equal((late.signal.reason as TransferAbortError).reason, 'shutdown');
  await assert.rejects(late.whenAborted(), TransferAbortError);
});

test('Transfer: done resolves once finished, whether asked for before or after', async () => {
  const asked = new Transfer(info);
  let settled = false;
  const done = asked.done.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false);
  asked.finish();
  await done;
  const after = new Transfer(info);
  after.finish();
  await after.done;
});
