import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LoginFailureReason } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

async function tryLogin(c: RawClient, user: string, pass: string): Promise<{ code: number; text: string }> {
  assert.equal((await c.cmd(`USER ${user}`)).code, 331);
  const reply = await c.cmd(`PASS ${pass}`);
  return { code: reply.code, text: reply.text };
}

test('allowedAddresses: the right password from elsewhere looks exactly like a wrong one', async (t) => {
  const { port, server } = await startServer(t, {
    users: [
      { username: 'office', password: 'secret', allowedAddresses: ['127.0.0.1/32', '2001:db8::/32'] },
      { username: 'test', password: 'test' },
    ],
    loginThrottle: { delay: 200, maxAttempts: 10 },
  });
  const reasons: LoginFailureReason[] = [];
  const errors: unknown[] = [];
  server.on('loginFailed', ({ reason }) => reasons.push(reason));
  server.on('error', ({ error }) => errors.push(error));
  const outsider = await RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.2' });
  t.after(() => outsider.close());
  let started = Date.now();
  const right = await tryLogin(outsider, 'office', 'secret');
  assert.ok(Date.now() - started >= 180, 'delayed like any failure');
  started = Date.now();
  const wrong = await tryLogin(outsider, 'office', 'nope');
  assert.ok(Date.now() - started >= 180);
  assert.deepEqual(right, wrong);
  assert.deepEqual(right, { code: 530, text: 'Login incorrect.' });
  assert.deepEqual(reasons, ['not-allowed', 'bad-credentials'], 'the host can still tell them apart');
  assert.equal((await tryLogin(outsider, 'test', 'test')).code, 230, 'a user without a list logs in from anywhere');
  const insider = await RawClient.connect(port);
  t.after(() => insider.close());
  assert.equal((await tryLogin(insider, 'office', 'secret')).code, 230);
  assert.deepEqual(errors, []);
});

test('allowedAddresses on a dual-stack listener: v4-mapped clients match IPv4 ranges, ::1 matches IPv6', async (t) => {
  const { port } = await startServer(t, {
    host: '::',
    users: [
      { username: 'v4', password: 'p', allowedAddresses: ['127.0.0.0/8'] },
      { username: 'v6', password: 'p', allowedAddresses: ['::1/128'] },
      { username: 'mapped', password: 'p', allowedAddresses: ['::ffff:127.0.0.0/104'] },
      { username: 'elsewhere', password: 'p', allowedAddresses: ['10.0.0.0/8', 'fd00::/8'] },
    ],
    loginThrottle: { delay: 0, maxAttempts: 0, lockout: false },
  });
  const v4 = await RawClient.connect(port, '127.0.0.1'); // seen as ::ffff:127.0.0.1
  const v6 = await RawClient.connect(port, '::1');
  t.after(() => {
    v4.close();
    v6.close();
  });
  assert.equal((await tryLogin(v4, 'v4', 'p')).code, 230);
  assert.equal((await tryLogin(v4, 'mapped', 'p')).code, 230);
  assert.equal((await tryLogin(v4, 'v6', 'p')).code, 530);
  assert.equal((await tryLogin(v4, 'elsewhere', 'p')).code, 530);
  assert.equal((await tryLogin(v6, 'v6', 'p')).code, 230);
  assert.equal((await tryLogin(v6, 'v4', 'p')).code, 530);
  assert.equal((await tryLogin(v6, 'elsewhere', 'p')).code, 530);
});

test('allowedAddresses with a typo closes the door and reports the entry', async (t) => {
  const { port, server } = await startServer(t, {
    users: [{ username: 'typo', password: 'p', allowedAddresses: ['127.0.0.1/33'] }],
    loginThrottle: { delay: 0 },
  });
  const errors: string[] = [];
  server.on('error', ({ error }) => errors.push(String(error)));
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.equal((await tryLogin(c, 'typo', 'p')).code, 530);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /127\.0\.0\.1\/33/);
});

test('allowedAddresses from an authenticate hook are checked too', async (t) => {
  const { port } = await startServer(t, {
    authenticate: ({ username, password }) => (password === 'p' ? { username, allowedAddresses: username === 'near' ? ['127.0.0.1'] : ['192.0.2.0/24'] } : null),
    loginThrottle: { delay: 0 },
  });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.equal((await tryLogin(c, 'far', 'p')).code, 530);
  assert.equal((await tryLogin(c, 'near', 'p')).code, 230);
});
