import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { flags, parseCli, usage } from '../../src/cli-options.js';
import { VERSION } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../helpers/server.js';

test('security flags map onto the options', () => {
  const { options } = parseCli([
    '--max-connections', '100',
    '--max-connections-per-ip', '5',
    '--max-login-attempts', '2',
    '--login-delay', '0.5',
    '--lockout', '7:300',
    '--idle-timeout', '90',
    '--login-timeout', '20',
    '--data-timeout', '15',
    '--stall-timeout', '45',
    '--max-command-length', '1024',
    '--flood-limit', '30:120',
    '--flood-limit-after-login',
    '--allow-pasv-from-any',
    '--allow-active-to-any',
    '--allow-active-low-ports',
    '--no-active',
    '--greeting-version',
  ]);
  assert.deepEqual(options.limits, { maxConnections: 100, maxConnectionsPerAddress: 5 });
  assert.deepEqual(options.loginThrottle, { maxAttempts: 2, delay: 500, lockout: { perAddress: 7, perUser: 7, window: 300_000, duration: 300_000 } });
  assert.deepEqual(options.timeouts, { idle: 90_000, login: 20_000, dataConnection: 15_000, stalledTransfer: 45_000 });
  assert.equal(options.maxLineLength, 1024);
  assert.deepEqual(options.antiFlood, { commandsPerSecond: 30, banDuration: 120_000, afterLogin: true });
  assert.equal(options.passive?.allowAnyAddress, true);
  assert.deepEqual(options.active, { allowAnyAddress: true, allowLowPorts: true, enabled: false });
  assert.equal(options.greetingVersion, true);
});

test('security flags: off switches and defaults', () => {
  assert.deepEqual(parseCli(['--lockout', 'off']).options.loginThrottle, { lockout: false });
  assert.deepEqual(parseCli(['--lockout', '0']).options.loginThrottle, { lockout: false });
  assert.deepEqual(parseCli(['--lockout', '4']).options.loginThrottle, { lockout: { perAddress: 4, perUser: 4 } });
  assert.equal(parseCli(['--flood-limit', 'off']).options.antiFlood, false);
  assert.equal(parseCli(['--flood-limit', 'off', '--flood-limit-after-login']).options.antiFlood, false);
  assert.deepEqual(parseCli(['--login-delay', '0']).options.loginThrottle, { delay: 0 });
  assert.deepEqual(parseCli(['--max-connections', '0']).options.limits, { maxConnections: 0 });
  const none = parseCli([]).options;
  for (const key of ['limits', 'loginThrottle', 'antiFlood', 'greetingVersion', 'timeouts', 'maxLineLength'] as const) assert.equal(none[key], undefined, `${key} left to the library default`);
});

test('security flags: bad values are refused with the flag named', () => {
  const bad: [string, string, RegExp][] = [
    ['--max-connections', '-1', /max-connections/],
    ['--max-connections-per-ip', 'many', /max-connections-per-ip/],
    ['--max-login-attempts', '1.5', /max-login-attempts/],
    ['--login-delay', '-1', /login-delay/],
    ['--login-delay', '', /login-delay/],
    ['--lockout', '5:0', /lockout/],
    ['--lockout', 'x:10', /lockout/],
    ['--login-timeout', '0', /login-timeout/],
    ['--data-timeout', 'soon', /data-timeout/],
    ['--stall-timeout', '-3', /stall-timeout/],
    ['--max-command-length', '100', /max-command-length/],
    ['--flood-limit', '10:never', /flood-limit/],
  ];
  for (const [flag, value, message] of bad) assert.throws(() => parseCli([flag, value]), message, `${flag} ${value}`);
  const help = usage();
  for (const flag of flags) assert.ok(help.includes(`--${flag.name}`), `--help lists --${flag.name}`);
});

test('the ftpkit command enforces the security flags', async (t) => {
  const root = await tempDir(t);
  const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  const child = spawn(
    process.execPath,
    [cli, '--root', root, '--port', '0', '--user', 'u:p', '--max-connections-per-ip', '2', '--max-login-attempts', '1', '--login-delay', '0', '--no-active', '--greeting-version', '--flood-limit', '10:60', '--login-timeout', '1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  while (!/ftp:\/\/127\.0\.0\.1:(\d+)/.test(out)) await once(child.stdout, 'data');
  const port = Number(/ftp:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);

  const first = await RawClient.connect(port, '127.0.0.1', { greeting: false });
  assert.equal((await first.read()).text, `FTP server ready (ftpkit ${VERSION}).`);
  assert.equal((await first.cmd('USER u')).code, 331);
  assert.equal((await first.cmd('PASS wrong')).code, 421, '--max-login-attempts 1');
  const second = await RawClient.login(port, 'u', 'p');
  assert.equal((await second.cmd('PORT 127,0,0,1,200,10')).code, 502, '--no-active');
  const third = await RawClient.connect(port);
  const fourth = await RawClient.connect(port, '127.0.0.1', { greeting: false });
  assert.equal((await fourth.read()).code, 421, '--max-connections-per-ip 2');
  assert.equal((await third.read(5000)).code, 421, '--login-timeout 1');
  const flooder = await RawClient.connect(port, '127.0.0.1', { localAddress: '127.0.0.2' });
  flooder.write('NOOP\r\n'.repeat(50));
  let last;
  do last = await flooder.read();
  while (last.code === 200);
  assert.equal(last.code, 421, '--flood-limit 10');
  for (const c of [first, second, third, fourth, flooder]) c.close();
  child.kill('SIGTERM');
  await once(child, 'exit');
});
