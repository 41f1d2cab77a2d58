import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MemoryFileSystem } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

async function nlst(c: RawClient): Promise<string> {
  const data = await c.epsv();
  c.send('NLST');
  assert.equal((await c.read()).code, 150);
  const names = (await readAll(data)).toString();
  assert.equal((await c.read()).code, 226);
  return names;
}

function virtualHostServer(t: Parameters<typeof startServer>[0]) {
  return startServer(t, {
    files: { '/main.txt': 'main' },
    greeting: 'Main host ready.',
    virtualHosts: [
      {
        name: 'a.example',
        aliases: ['www.a.example'],
        greeting: ['Welcome to A.', 'Second line.'],
        users: [{ username: 'alice', password: 'a-pass' }],
        filesystem: new MemoryFileSystem({ '/a.txt': 'a' }),
      },
      // Only storage of its own: the server's logins apply.
      { name: 'b.example', filesystem: new MemoryFileSystem({ '/b.txt': 'b' }) },
    ],
  });
}

test('HOST selects a virtual host: its greeting, its own users and its own files', async (t) => {
  const { port } = await virtualHostServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.ok((await c.cmd('FEAT')).lines.includes(' HOST'));
  const host = await c.cmd('HOST A.Example');
  assert.equal(host.code, 220);
  assert.deepEqual(host.lines, ['220-Welcome to A.', '220 Second line.']);
  // The server's own user does not exist on this host.
  assert.equal((await c.cmd('USER test')).code, 331);
  assert.equal((await c.cmd('PASS test')).code, 530);
  assert.equal((await c.cmd('USER alice')).code, 331);
  assert.equal((await c.cmd('PASS a-pass')).code, 230);
  assert.equal(await nlst(c), 'a.txt\r\n');
  assert.equal((await c.cmd('HOST b.example')).code, 503, 'HOST after login');
});

test('a host without its own logins uses the server users with its own storage; aliases work', async (t) => {
  const { port, server } = await virtualHostServer(t);
  const b = await RawClient.connect(port);
  t.after(() => b.close());
  const reply = await b.cmd('HOST b.example');
  assert.equal(reply.code, 220);
  assert.equal(reply.text, 'Host b.example selected, log in with USER and PASS.');
  assert.equal((await b.cmd('USER test')).code, 331);
  assert.equal((await b.cmd('PASS test')).code, 230);
  assert.equal(await nlst(b), 'b.txt\r\n');
  assert.equal(server.sessions.find((s) => s.user)?.virtualHost, 'b.example');

  const alias = await RawClient.connect(port);
  t.after(() => alias.close());
  assert.equal((await alias.cmd('HOST www.a.example')).code, 220);
  assert.equal((await alias.cmd('USER alice')).code, 331);
  assert.equal((await alias.cmd('PASS a-pass')).code, 230);
});

test('HOST: unknown name 434, after USER 503, the address connected to is the default host', async (t) => {
  const { port } = await virtualHostServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const unknown = await c.cmd('HOST c.example');
  assert.equal(unknown.code, 434);
  assert.equal(unknown.text, 'Unknown host c.example.');
  assert.equal((await c.cmd('HOST')).code, 501);
  // Choosing again before USER is fine; the address literal means the default host.
  assert.equal((await c.cmd('HOST a.example')).code, 220);
  const literal = await c.cmd('HOST 127.0.0.1');
  assert.equal(literal.code, 220);
  assert.equal(literal.text, 'Main host ready.');
  assert.equal((await c.cmd('USER test')).code, 331);
  assert.equal((await c.cmd('HOST a.example')).code, 503, 'HOST after USER');
  assert.equal((await c.cmd('PASS test')).code, 230);
  assert.equal(await nlst(c), 'main.txt\r\n');
});

test('without virtual hosts HOST is not offered: 502, not in FEAT or HELP', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.ok(!(await c.cmd('FEAT')).lines.includes(' HOST'));
  assert.ok(!/\bHOST\b/.test((await c.cmd('HELP')).text));
  assert.equal((await c.cmd('HOST a.example')).code, 502);
});

test('host names compare without case, and an IPv6 literal with or without brackets', async () => {
  const { hostKey } = await import('../../src/extension-options.js');
  assert.equal(hostKey(' FTP.Example.COM '), 'ftp.example.com');
  assert.equal(hostKey('[2001:DB8::1]'), '2001:db8::1');
  assert.equal(hostKey('2001:db8::1'), '2001:db8::1');
});

test('virtual host options are validated', async () => {
  const { FtpServer, FtpOptionsError } = await import('../../src/index.js');
  assert.throws(
    () => new FtpServer({ users: [{ username: 'u', password: 'p' }], root: '/tmp', virtualHosts: [{ name: 'a b' }, { name: 'x' }, { name: 'X' }] }),
    (error: unknown) => error instanceof FtpOptionsError && error.problems.length === 2,
  );
  // Virtual hosts alone may carry all the logins and storage.
  const server = new FtpServer({ virtualHosts: [{ name: 'only.example', users: [{ username: 'u', password: 'p' }], root: '/tmp' }] });
  assert.equal(server.options.virtualHosts.size, 1);
});
