import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { once } from 'node:events';
import { test } from 'node:test';
import { LeakCheck, socketsOnPorts, TimerTracker } from '../helpers/leaks.js';

// The leak checks guard every fault test; here they prove they can fail.

test('LeakCheck sees a listener, a connection and a file left open, and passes once they are gone', async () => {
  const check = new LeakCheck();
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  await once(client, 'connect');
  const file = await open(new URL(import.meta.url));
  await assert.rejects(check.assertClean(100), (error: Error) => {
    assert.match(error.message, new RegExp(`tcp \\d+->${port}`));
    assert.match(error.message, /leak-check\.test\.ts/);
    assert.match(error.message, /LISTEN|state 0A/);
    return true;
  });
  assert.ok(socketsOnPorts(new Set([port])).length >= 2, 'the listener and the accepted connection');
  client.destroy();
  server.close();
  await file.close();
  await new LeakCheck().assertClean(1); // a fresh snapshot is trivially clean
});

test('TimerTracker attributes timers to src/ and forgets them when cleared', async () => {
  const tracker = new TimerTracker().start();
  try {
    const { withTimeout } = await import('../../src/hooks.js');
    const pending = withTimeout(new Promise(() => undefined), 300, 'never');
    pending.catch(() => undefined);
    const local = setTimeout(() => undefined, 60_000); // test code: not the library's
    assert.equal(tracker.pending().length, 1);
    assert.match(tracker.pending()[0]!, /src\/hooks\.ts/);
    clearTimeout(local);
    await withTimeout(Promise.resolve(), 60_000, 'settles');
    await new Promise((resolve) => setImmediate(resolve)); // destroy hooks run asynchronously
    assert.equal(tracker.pending().length, 1, 'a settled time limit clears its timer');
  } finally {
    tracker.stop();
  }
});
