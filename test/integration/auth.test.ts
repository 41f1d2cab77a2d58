import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuthRequest } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

async function tryLogin(port: number, user: string, pass: string): Promise<{ user: number; pass: number; text: string; c: RawClient }> {
  const c = await RawClient.connect(port);
  const u = await c.cmd(`USER ${user}`);
  const p = await c.cmd(`PASS ${pass}`);
  return { user: u.code, pass: p.code, text: p.text, c };
}

// Failed logins are delayed by default (docs/security.md); these tests are about the replies, not the delay.
const quick = { loginThrottle: { delay: 0 } } as const;

test('the same replies for an unknown user and for a bad password', async (t) => {
  const { port } = await startServer(t, quick);
  const unknown = await tryLogin(port, 'nobody', 'x');
  const wrong = await tryLogin(port, 'test', 'x');
  t.after(() => (unknown.c.close(), wrong.c.close()));
  assert.deepEqual([unknown.user, unknown.pass], [331, 530]);
  assert.deepEqual([wrong.user, wrong.pass], [331, 530]);
  assert.equal(unknown.text, wrong.text);
  // The session stays usable: log in properly after a failure.
  assert.equal((await wrong.c.cmd('USER test')).code, 331);
  assert.equal((await wrong.c.cmd('PASS test')).code, 230);
});

test('an authenticate hook that throws, rejects or returns garbage: a clean 530, reported as an error, session usable', async (t) => {
  const behaviours: Record<string, () => unknown> = {
    throws: () => {
      throw new Error('database down');
    },
    rejects: () => Promise.reject(new Error('database down')),
    number: () => 42,
    string: () => 'yes',
    array: () => [],
    empty: () => ({}),
    badName: () => ({ username: 5 }),
    badPermissions: () => ({ username: 'x', permissions: 42 }),
    unknownPermission: () => ({ username: 'x', permissions: ['fly'] }),
    badHome: () => ({ username: 'x', home: 7 }),
    badFilesystem: () => ({ username: 'x', filesystem: { stat() {} } }),
    nullish: () => null,
    undefined: () => undefined,
  };
  const { port, server } = await startServer(t, {
    authenticate: ({ username, password }: AuthRequest) => (username === 'good' && password === 'pw' ? { username } : behaviours[username]!()) as never,
    // 13 failures in a row from one address would lock it out (docs/security.md): not what this test is about.
    loginThrottle: { delay: 0, lockout: false },
  });
  const errors: unknown[] = [];
  server.on('error', ({ error }) => errors.push(error));
  for (const name of Object.keys(behaviours)) {
    const attempt = await tryLogin(port, name, 'x');
    t.after(() => attempt.c.close());
    assert.equal(attempt.pass, 530, name);
    assert.equal(attempt.text, 'Login incorrect.', name);
    assert.equal((await attempt.c.cmd('PWD')).code, 530, `${name}: not logged in`);
    assert.equal((await attempt.c.cmd('USER good')).code, 331);
    assert.equal((await attempt.c.cmd('PASS pw')).code, 230, `${name}: a proper login still works`);
    assert.equal((await attempt.c.cmd('PWD')).code, 257);
  }
  // Throwing and malformed hooks are reported; a plain refusal (null/undefined) is not an error.
  assert.equal(errors.length, Object.keys(behaviours).length - 2);
  assert.ok(errors.every((e) => !String(e).includes('pw')), 'no password in the reported errors');
});

test('a hanging authenticate hook is cut off at the time limit: 530, and its signal fires', async (t) => {
  let aborted: unknown;
  const { port } = await startServer(t, {
    ...quick,
    timeouts: { auth: 300 },
    authenticate: ({ signal }) =>
      new Promise(() => {
        signal.addEventListener('abort', () => (aborted = signal.reason));
      }),
  });
  const started = Date.now();
  const attempt = await tryLogin(port, 'slow', 'x');
  t.after(() => attempt.c.close());
  assert.equal(attempt.pass, 530);
  assert.ok(Date.now() - started < 5000);
  assert.ok(aborted, 'the hook was told to stop');
  assert.equal((await attempt.c.cmd('NOOP')).code, 200);
});

test('a client that disconnects during authentication aborts the hook signal', async (t) => {
  let resolveAborted!: () => void;
  const aborted = new Promise<void>((resolve) => (resolveAborted = resolve));
  let started!: () => void;
  const asked = new Promise<void>((resolve) => (started = resolve));
  const { port } = await startServer(t, {
    // Far beyond the test: only the disconnect can abort the hook.
    timeouts: { auth: 60_000 },
    authenticate: ({ signal }) =>
      new Promise(() => {
        signal.addEventListener('abort', () => resolveAborted());
        started();
      }),
  });
  const c = await RawClient.connect(port);
  c.send('USER x');
  await c.read();
  c.send('PASS y');
  await asked;
  // A reset: the connection is gone both ways. (A FIN alone is a half-close,
  // whose PASS is still answered: docs/reliability.md, "What bounds every wait".)
  c.reset();
  const late = new Promise<'late'>((resolve) => setTimeout(resolve, 5000, 'late').unref());
  assert.notEqual(await Promise.race([aborted, late]), 'late', 'the hook signal fired when the client left');
});

test('the hook gets the session and an abort signal; the user object it returns is what the session carries', async (t) => {
  let seen: AuthRequest | undefined;
  const { port, server } = await startServer(t, {
    authenticate: (request) => {
      seen = request;
      return { username: request.username, home: '/docs', loginMessage: 'Welcome, friend.' };
    },
    files: { '/docs/': null },
  });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  await c.cmd('USER alice');
  const pass = await c.cmd('PASS secret');
  assert.equal(pass.code, 230);
  assert.equal(pass.text, 'Welcome, friend.');
  assert.equal((await c.cmd('PWD')).text, '"/docs" is the current directory.');
  assert.equal(seen?.username, 'alice');
  assert.equal(seen?.password, 'secret');
  assert.equal(seen?.session.remoteAddress, '127.0.0.1');
  assert.ok(seen?.signal instanceof AbortSignal);
  assert.equal(server.sessions[0]?.user?.username, 'alice');
});

test('anonymous login is refused unless configured', async (t) => {
  const { port } = await startServer(t, quick);
  for (const name of ['anonymous', 'ftp']) {
    const attempt = await tryLogin(port, name, 'guest@example.com');
    t.after(() => attempt.c.close());
    assert.equal(attempt.pass, 530, name);
  }
});

test('anonymous login when configured is read-only by default; writable when asked', async (t) => {
  const readOnly = await startServer(t, { anonymous: true, files: { '/pub.txt': 'public' } });
  const ro = await tryLogin(readOnly.port, 'anonymous', 'guest@example.com');
  t.after(() => ro.c.close());
  assert.equal(ro.pass, 230);
  assert.equal((await ro.c.cmd('SIZE pub.txt')).text, '6');
  assert.equal((await ro.c.cmd('MKD new')).code, 550);
  assert.equal((await ro.c.cmd('DELE pub.txt')).code, 550);
  assert.equal((await ro.c.cmd('RNFR pub.txt')).code, 550);
  await ro.c.pasv();
  assert.equal((await ro.c.cmd('STOR x.txt')).code, 550);
  const ftp = await tryLogin(readOnly.port, 'FTP', '');
  t.after(() => ftp.c.close());
  assert.equal(ftp.pass, 230, 'USER ftp, any case, with an empty password');

  const writable = await startServer(t, { anonymous: { writable: true } });
  const rw = await tryLogin(writable.port, 'anonymous', 'x');
  t.after(() => rw.c.close());
  assert.equal(rw.pass, 230);
  assert.equal((await rw.c.cmd('MKD new')).code, 257);
});

test('PASS before USER is 503; PASS twice is 503', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('PASS test')).code, 503);
  await c.cmd('USER test');
  assert.equal((await c.cmd('PASS test')).code, 230);
  assert.equal((await c.cmd('PASS test')).code, 503);
});
