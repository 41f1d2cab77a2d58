import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { flags, parseCli } from '../src/cli-options.js';
import { run } from './helpers/clients.js';
import { passiveWindow } from './helpers/ports.js';
import { RawClient, readAll } from './helpers/raw-client.js';
import { tempDir } from './helpers/server.js';
import { spawnServer } from './helpers/spawned.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');
const ftpkit = (t: import('node:test').TestContext, args: string[], env: NodeJS.ProcessEnv = {}) => spawnServer(t, process.execPath, [CLI, ...args], { env });

test('--help lists every flag of the table and exits 0', async () => {
  const result = await run(process.execPath, [CLI, '--help']);
  assert.equal(result.code, 0);
  for (const flag of flags) assert.match(result.stdout, new RegExp(`--${flag.name}\\b`), flag.name);
  assert.match(result.stdout, /--help/);
});

test('an unknown flag or a bad value exits 2 with a message', async () => {
  const unknown = await run(process.execPath, [CLI, '--bogus']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /bogus/);
  const badRange = await run(process.execPath, [CLI, '--port', '0', '--pasv-range', '10-5']);
  assert.equal(badRange.code, 2);
  assert.match(badRange.stderr, /portRange/);
  const badUser = await run(process.execPath, [CLI, '--user', 'nopassword']);
  assert.equal(badUser.code, 2);
});

test('--port 0 --root --user (repeated): prints the real URL, serves the folder to each user; SIGTERM closes cleanly', async (t) => {
  const root = await tempDir(t);
  await writeFile(join(root, 'hello.txt'), 'hello from disk');
  const server = await ftpkit(t, ['--root', root, '--port', '0', '--user', 'alice:one', '--user', 'bob:two:with:colons']);
  assert.notEqual(server.port, 0);
  assert.equal(server.url, `ftp://127.0.0.1:${server.port}`);
  await server.waitFor(/logins: alice, bob/);
  const alice = await RawClient.login(server.port, 'alice', 'one');
  assert.equal((await alice.cmd('SIZE hello.txt')).text, '15');
  const bob = await RawClient.login(server.port, 'bob', 'two:with:colons');
  await bob.quit();
  const exit = server.stop('SIGTERM');
  assert.equal((await alice.read()).code, 421, 'a connected client is told the server is going');
  assert.equal(await exit, 0);
  await server.waitFor(/shutting down/);
});

test('SIGINT closes cleanly too', async (t) => {
  const server = await ftpkit(t, ['--root', await tempDir(t), '--port', '0']);
  assert.equal(await server.stop('SIGINT'), 0);
});

test('without --user or --anonymous a demo login is printed, and it works', async (t) => {
  const server = await ftpkit(t, ['--root', await tempDir(t), '--port', '0']);
  const match = await server.waitFor(/demo login: user "(\w+)", password "(\w+)"/);
  const c = await RawClient.login(server.port, match[1], match[2]);
  await c.quit();
});

test('--anonymous is read-only; --read-only refuses changes to named users too', async (t) => {
  const root = await tempDir(t);
  await writeFile(join(root, 'pub.txt'), 'public');
  const anon = await ftpkit(t, ['--root', root, '--port', '0', '--anonymous']);
  const a = await RawClient.login(anon.port, 'anonymous', 'me@example.com');
  assert.equal((await a.cmd('SIZE pub.txt')).text, '6');
  assert.equal((await a.cmd('MKD x')).code, 550);
  await a.quit();
  const ro = await ftpkit(t, ['--root', root, '--port', '0', '--user', 'u:p', '--read-only']);
  const u = await RawClient.login(ro.port, 'u', 'p');
  assert.equal((await u.cmd('DELE pub.txt')).code, 550);
  assert.equal((await u.cmd('MKD x')).code, 550);
  await u.quit();
});

test('--pasv-range and --pasv-address shape the PASV reply', async (t) => {
  const root = await tempDir(t);
  await writeFile(join(root, 'f.txt'), 'data');
  const window = await passiveWindow(100);
  const server = await ftpkit(t, ['--root', root, '--port', '0', '--user', 'u:p', '--pasv-range', window.range]);
  const c = await RawClient.login(server.port, 'u', 'p');
  const { port } = await c.pasv();
  assert.ok(port >= window.first && port <= window.last, `${port} not in ${window.range}`);
  const { connect } = await import('node:net');
  const data = connect({ host: '127.0.0.1', port });
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'data');
  await c.quit();

  const natted = await ftpkit(t, ['--root', root, '--port', '0', '--user', 'u:p', '--pasv-address', '10.1.2.3']);
  const n = await RawClient.login(natted.port, 'u', 'p');
  assert.match((await n.cmd('PASV')).text, /\(10,1,2,3,\d+,\d+\)/);
  await n.quit();
});

test('--host ::1 listens on IPv6 and prints a bracketed URL', async (t) => {
  const server = await ftpkit(t, ['--root', await tempDir(t), '--port', '0', '--host', '::1', '--user', 'u:p']);
  assert.equal(server.url, `ftp://[::1]:${server.port}`);
  const c = await RawClient.login(server.port, 'u', 'p', '::1');
  await c.quit();
});

test('--log prints a transcript (session id, time, user, address); with DEBUG=ftpkit:* no password shows anywhere', async (t) => {
  const server = await ftpkit(t, ['--root', await tempDir(t), '--port', '0', '--user', 'carol:pa55-secret', '--log'], { DEBUG: 'ftpkit:*' });
  const bad = await RawClient.connect(server.port);
  await bad.cmd('USER carol');
  assert.equal((await bad.cmd('PASS wrong-secret')).code, 530);
  await bad.quit();
  const c = await RawClient.login(server.port, 'carol', 'pa55-secret');
  await c.cmd('PWD');
  await c.quit();
  assert.equal(await server.stop(), 0);
  const out = server.stdout();
  assert.match(out, /^\(\d{6}\) \d{4}-\d\d-\d\d \d\d:\d\d:\d\d - carol \(127\.0\.0\.1\)> PWD$/m);
  assert.match(out, /^\(\d{6}\) .* \(127\.0\.0\.1\)> PASS \*{8}$/m);
  assert.match(server.stderr(), /ftpkit:command/, 'debug output was on');
  for (const secret of ['pa55-secret', 'wrong-secret']) {
    assert.ok(!out.includes(secret), `stdout leaks ${secret}`);
    assert.ok(!server.stderr().includes(secret), `stderr leaks ${secret}`);
  }
});

test('a port in use: exit 1 with a clear message', async (t) => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await once(blocker, 'listening');
  t.after(() => blocker.close());
  const { port } = blocker.address() as AddressInfo;
  const result = await run(process.execPath, [CLI, '--root', await tempDir(t), '--port', String(port)]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /cannot listen on 127\.0\.0\.1:\d+: the port is in use/);
});

test('docs/cli.md documents every flag of the table', async () => {
  const doc = await readFile(join(import.meta.dirname, '..', 'docs', 'cli.md'), 'utf8');
  const missing = flags.filter((flag) => !doc.includes(`\`--${flag.name}`)).map((flag) => `--${flag.name}`);
  assert.deepEqual(missing, [], 'add these flags to a table in docs/cli.md');
});

test('core flags map onto the server options', () => {
  const { options } = parseCli([
    '--root', '/srv/ftp', '--host', '::', '--port', '0', '--user', 'a:1', '--user', 'b:2:3', '--anonymous', '--read-only', '--atomic-uploads',
    '--pasv-range', '50000-50100', '--pasv-address', 'ftp.example.com', '--no-active', '--idle-timeout', '30', '--greeting', 'Hi.', '--log',
  ]);
  assert.equal(options.root, '/srv/ftp');
  assert.equal(options.host, '::');
  assert.equal(options.port, 0);
  assert.deepEqual(options.users, [{ username: 'a', password: '1' }, { username: 'b', password: '2:3' }]);
  assert.equal(options.anonymous, true);
  assert.equal(options.readOnly, true);
  assert.deepEqual(options.localFileSystem, { atomicUploads: true });
  assert.deepEqual(options.passive, { portRange: '50000-50100', address: 'ftp.example.com' });
  assert.equal(options.active?.enabled, false);
  assert.equal(options.timeouts?.idle, 30_000);
  assert.equal(options.greeting, 'Hi.');
  assert.equal(options.transcript, true);
  assert.deepEqual(parseCli(['--anonymous-write']).options.anonymous, { writable: true });
});
