import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENDED } from '../../src/fs/guard.js';
import type { Session } from '../../src/session/session.js';
import { signalSource, StorageContext, type SignalSource } from '../../src/session/storage-context.js';

/** A source that counts how often its signal was made. */
function countingSource(): SignalSource & { made: number; stop(): void } {
  const controller = new AbortController();
  return {
    made: 0,
    get signal() {
      this.made++;
      return controller.signal;
    },
    get stopped() {
      return controller.signal.aborted;
    },
    stop: () => controller.abort(new Error('stopped')),
  };
}

const session = { server: {} } as unknown as Session;
const user = { username: 'u' };

test('the signal is read from the source only when storage reads it; ENDED answers without it', () => {
  const source = countingSource();
  const ctx = new StorageContext(session, user, source);
  assert.equal(ctx[ENDED](), false);
  assert.equal(source.made, 0, 'no signal made to answer ENDED');
  source.stop();
  assert.equal(ctx[ENDED](), true);
  assert.equal(ctx.signal.aborted, true);
  assert.equal(source.made, 1);
});

test('signal is an own enumerable property: a spread copy carries it', () => {
  const source = countingSource();
  const copy = { ...new StorageContext(session, user, source) };
  assert.ok(copy.signal instanceof AbortSignal);
  assert.deepEqual(Object.keys(copy).sort(), ['session', 'signal', 'user']);
});

test('a backend may replace the signal of one context; the others keep theirs', () => {
  const a = new StorageContext(session, user, countingSource());
  const b = new StorageContext(session, user, countingSource());
  const own = AbortSignal.abort();
  a.signal = own;
  assert.equal(a.signal, own);
  assert.notEqual(b.signal, own, 'the shared descriptor leaks nothing between contexts');
  assert.equal(Object.getOwnPropertyDescriptor(a, 'signal')?.writable, true);
});

test('a plain AbortSignal as the source', () => {
  const controller = new AbortController();
  const ctx = new StorageContext(session, user, signalSource(controller.signal));
  assert.equal(ctx.signal, controller.signal);
  assert.equal(ctx[ENDED](), false);
  controller.abort();
  assert.equal(ctx[ENDED](), true);
});
