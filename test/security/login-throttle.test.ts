import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Authenticate, FtpUser, LoginFailureReason } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { waitFor } from '../helpers/transfers.js';

/** Users test/test and other/other; counts how often the host was asked. */
function countingAuth(): { authenticate: Authenticate; calls: () => number } {
  let calls = 0;
  const passwords: Record<string, string> = { test: 'test', other: 'other' };
  return {
    calls: () => calls,
    authenticate: ({ username, password }) => {
      calls++;
      return passwords[username] === password ? { username } : null;
    },
  };
}

async function tryLogin(c: RawClient, user: string, pass: string): Promise<{ code: number; text: string }> {
  const u = await c.cmd(`USER ${user}`);
  assert.equal(u.code, 331, `USER ${user}: ${u.text}`);
  return c.cmd(`PASS ${pass}`);
}

const from = (port: number, localAddress: string) => RawClient.connect(port, '127.0.0.1', { localAddress });

test('unknown user and wrong password get the same reply, after the same delay', async (t) => {
  const { port, server } = await startServer(t, { loginThrottle: { delay: 300 } });
  const reasons: LoginFailureReason[] = [];
  server.on('loginFailed', ({ reason }) => reasons.push(reason));
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const replies: { code: number; text: string }[] = [];
  for (const [user, pass] of [['test', 'wrong'], ['nobody', 'wrong']] as const) {
    const started = Date.now();
    const reply = await tryLogin(c, user, pass);
    assert.ok(Date.now() - started >= 280, `the 530 for ${user} waited for the delay`);
    replies.push({ code: reply.code, text: reply.text });
  }
  assert.deepEqual(replies[0], { code: 530, text: 'Login incorrect.' });
  assert.deepEqual(replies[1], replies[0]);
  // USER itself never tells either.
  const u1 = await c.cmd('USER test');
  const u2 = await c.cmd('USER nobody');
  assert.equal(u1.code, u2.code);
  assert.equal(u1.text.replace('test', 'X'), u2.text.replace('nobody', 'X'));
  assert.deepEqual(reasons, ['bad-credentials', 'bad-credentials']);
});

test('commands pipelined behind a failed PASS wait for the delay: it cannot be skipped', async (t) => {
  const { port } = await startServer(t, { loginThrottle: { delay: 250, maxAttempts: 10 } });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const started = Date.now();
  c.write('USER test\r\nPASS a\r\nUSER test\r\nPASS b\r\nUSER test\r\nPASS c\r\n');
  for (let i = 0; i < 3; i++) {
    assert.equal((await c.read()).code, 331);
    assert.equal((await c.read()).code, 530);
  }
  assert.ok(Date.now() - started >= 3 * 240, 'three failures cost three delays');
});

test('421 and close after too many failed logins on one connection; the server serves the next client', async (t) => {
  const { port } = await startServer(t, { loginThrottle: { delay: 10, maxAttempts: 3 } });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.equal((await tryLogin(c, 'test', 'x1')).code, 530);
  assert.equal((await tryLogin(c, 'test', 'x2')).code, 530);
  const third = await tryLogin(c, 'test', 'x3');
  assert.equal(third.code, 421);
  assert.match(third.text, /Too many failed logins/);
  await c.waitClosed();
  const next = await RawClient.login(port);
  t.after(() => next.close());
  assert.equal((await next.cmd('PWD')).code, 257);
});

test('a throttled login holds only its own session: others log in and transfer meanwhile', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'still serving' }, loginThrottle: { delay: 20_000 } });
  const slow = await RawClient.connect(port);
  t.after(() => slow.close());
  assert.equal((await slow.cmd('USER test')).code, 331);
  slow.send('PASS wrong'); // its 530 comes only after 20 s
  await new Promise((r) => setTimeout(r, 50));
  for (let i = 0; i < 3; i++) {
    const c = await RawClient.login(port);
    const data = await c.epsv();
    c.send('RETR f.txt');
    assert.equal((await c.read()).code, 150);
    assert.equal((await readAll(data)).toString(), 'still serving');
    assert.equal((await c.read()).code, 226);
    await c.quit();
  }
  await assert.rejects(slow.read(100), /no reply/, 'the throttled session is still waiting');
  slow.close(); // closing it ends the delay: the server shuts down at once after the test
});

test('lockout by address: the attacker is refused, the honest client next to it is not', async (t) => {
  const auth = countingAuth();
  const { port, server } = await startServer(t, {
    authenticate: auth.authenticate,
    loginThrottle: { delay: 0, maxAttempts: 100, lockout: { perAddress: 4, perUser: 0, window: 60_000, duration: 1500 } },
  });
  const reasons: LoginFailureReason[] = [];
  server.on('loginFailed', ({ reason }) => reasons.push(reason));
  const attacker = await from(port, '127.0.0.2');
  t.after(() => attacker.close());
  const names = ['test', 'other', 'root', 'admin'];
  for (const name of names) assert.equal((await tryLogin(attacker, name, 'guess')).code, 530);
  assert.equal(auth.calls(), 4);
  // Even the right password is no longer checked from that address.
  const locked = await tryLogin(attacker, 'test', 'test');
  assert.equal(locked.code, 530);
  assert.match(locked.text, /Too many failed logins/);
  assert.equal(auth.calls(), 4, 'the host was not asked');
  assert.equal(reasons.at(-1), 'throttled');
  // New connections from the address are refused with a clear 421.
  const refused = await RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.2', greeting: false });
  t.after(() => refused.close());
  const reply = await refused.read();
  assert.equal(reply.code, 421);
  assert.match(reply.text, /failed logins from your address/);
  await refused.waitClosed();
  // The honest client on another address logs in as the very users that were attacked.
  const honest = await RawClient.login(port, 'test', 'test');
  t.after(() => honest.close());
  assert.equal((await honest.cmd('PWD')).code, 257);
  // The lockout ends.
  await new Promise((r) => setTimeout(r, 1600));
  const later = await from(port, '127.0.0.2');
  t.after(() => later.close());
  assert.equal((await tryLogin(later, 'test', 'test')).code, 230);
});

test('lockout by user name: a distributed guesser locks the name (any case), other users keep working', async (t) => {
  const auth = countingAuth();
  const { port } = await startServer(t, {
    authenticate: auth.authenticate,
    loginThrottle: { delay: 0, maxAttempts: 100, lockout: { perAddress: 0, perUser: 3, window: 60_000, duration: 1500 } },
  });
  for (const [address, name] of [['127.0.0.2', 'test'], ['127.0.0.3', 'TEST'], ['127.0.0.4', 'Test']] as const) {
    const c = await from(port, address);
    assert.equal((await tryLogin(c, name, 'guess')).code, 530);
    c.close();
  }
  const owner = await RawClient.connect(port);
  t.after(() => owner.close());
  const locked = await tryLogin(owner, 'test', 'test');
  assert.equal(locked.code, 530);
  assert.match(locked.text, /Too many failed logins/);
  assert.equal((await tryLogin(owner, 'other', 'other')).code, 230, 'another user on the same connection logs in');
  await new Promise((r) => setTimeout(r, 1600));
  const again = await RawClient.connect(port);
  t.after(() => again.close());
  assert.equal((await tryLogin(again, 'test', 'test')).code, 230, 'after the lockout the owner gets in');
});

test('a successful login clears the name, never the address', async (t) => {
  const { port } = await startServer(t, {
    authenticate: countingAuth().authenticate,
    loginThrottle: { delay: 0, maxAttempts: 100, lockout: { perAddress: 3, perUser: 3, window: 60_000, duration: 60_000 } },
  });
  const c = await from(port, '127.0.0.2');
  t.after(() => c.close());
  assert.equal((await tryLogin(c, 'test', 'bad')).code, 530);
  assert.equal((await tryLogin(c, 'test', 'bad')).code, 530);
  assert.equal((await tryLogin(c, 'other', 'other')).code, 230, 'a valid account of the attacker');
  assert.equal((await tryLogin(c, 'test', 'bad')).code, 530);
  const after = await tryLogin(c, 'test', 'test');
  assert.match(after.text, /Too many failed logins/, 'the address still reached its limit');
});

test('loginThrottle: false turns every part off', async (t) => {
  const { port } = await startServer(t, { loginThrottle: false });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const started = Date.now();
  for (let i = 0; i < 12; i++) assert.equal((await tryLogin(c, 'test', 'bad')).code, 530);
  assert.equal((await tryLogin(c, 'test', 'test')).code, 230);
  assert.ok(Date.now() - started < 10_000);
});

test('lockout by user name works for very long names too (kept as a digest)', async (t) => {
  const { port } = await startServer(t, { loginThrottle: { delay: 0, maxAttempts: 0, lockout: { perAddress: 0, perUser: 2 } } });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const long = 'n'.repeat(3000);
  assert.equal((await tryLogin(c, long, 'x')).text, 'Login incorrect.');
  assert.equal((await tryLogin(c, long.toUpperCase(), 'x')).text, 'Login incorrect.');
  assert.match((await tryLogin(c, long, 'x')).text, /Too many failed logins/);
  assert.equal((await tryLogin(c, long.slice(1), 'x')).text, 'Login incorrect.', 'another name is counted apart');
});

test('refusals that are not about the password (a session limit) are neither delayed nor counted', async (t) => {
  const { port, server } = await startServer(t, {
    users: [{ username: 'test', password: 'test', limits: { maxSessions: 1 } }],
    loginThrottle: { delay: 5000, maxAttempts: 2, lockout: { perAddress: 2, perUser: 2 } },
  });
  const first = await RawClient.login(port);
  t.after(() => first.close());
  const second = await RawClient.connect(port);
  t.after(() => second.close());
  for (let i = 0; i < 4; i++) {
    const started = Date.now();
    const reply = await tryLogin(second, 'test', 'test');
    assert.equal(reply.code, 530);
    assert.doesNotMatch(reply.text, /Login incorrect|failed logins/, reply.text);
    assert.ok(Date.now() - started < 4000, 'no login delay');
  }
  await first.quit();
  await waitFor(() => server.sessionsOf('test') === 0, 5000, 'the first session to end');
  assert.equal((await tryLogin(second, 'test', 'test')).code, 230, 'neither the address nor the name was locked out');
});
