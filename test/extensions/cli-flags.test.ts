import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseCli } from '../../src/cli-options.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { tempDir } from '../helpers/server.js';

test('extension flags map onto the options', () => {
  const { options } = parseCli([
    '--vhost', 'a.example=/srv/a',
    '--vhost', 'b.example=rel',
    '--disable', 'HASH',
    '--disable', 'SITE CHMOD',
    '--mode-z-level', '9',
    '--hash-max-size', '1000',
    '--mdtm-sets-time',
  ]);
  assert.deepEqual(options.virtualHosts, [
    { name: 'a.example', root: '/srv/a' },
    { name: 'b.example', root: resolve('rel') },
  ]);
  assert.deepEqual(options.disabledCommands, ['HASH', 'SITE CHMOD']);
  assert.deepEqual(options.modeZ, { level: 9 });
  assert.deepEqual(options.hash, { maxBytes: 1000 });
  assert.equal(options.mdtmSetsTime, true);
  assert.deepEqual(parseCli(['--hash-algorithms', 'crc32, SHA-1', '--hash-concurrency', '2']).options.hash, {
    algorithms: ['CRC32', 'SHA-1'],
    default: 'CRC32',
    concurrency: 2,
  });
  assert.throws(() => parseCli(['--hash-algorithms', 'SHA-3']), /unknown algorithm SHA-3/);
  assert.equal(parseCli(['--no-mode-z', '--no-hash']).options.modeZ, false);
  assert.equal(parseCli(['--no-hash']).options.hash, false);
  assert.throws(() => parseCli(['--vhost', 'nodir']), /NAME=DIR/);
  assert.throws(() => parseCli(['--mode-z-level', '12']), /mode-z-level/);
});

test('--config loads a JSON file first; flags override it', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'ftpkit.json');
  await writeFile(file, JSON.stringify({ port: 2999, greeting: 'from file', users: [{ username: 'u', password: 'p' }], mdtmSetsTime: true }));
  const { options } = parseCli(['--config', file, '--port', '3000', '--user', 'v:q']);
  assert.equal(options.port, 3000);
  assert.equal(options.greeting, 'from file');
  assert.equal(options.mdtmSetsTime, true);
  assert.deepEqual(options.users.map((u) => u.username), ['u', 'v']);
  await writeFile(file, '[1]');
  assert.throws(() => parseCli(['--config', file]), /JSON object/);
  await writeFile(file, '{nope');
  assert.throws(() => parseCli(['--config', file]), /not valid JSON/);
  assert.throws(() => parseCli(['--config', join(dir, 'missing.json')]), /cannot read/);
});

test('the ftpkit command serves virtual hosts from a config file', async (t) => {
  const dir = await tempDir(t);
  const main = join(dir, 'main');
  const other = join(dir, 'other');
  const { mkdir } = await import('node:fs/promises');
  await mkdir(other);
  await writeFile(join(other, 'other.txt'), 'o');
  const config = join(dir, 'config.json');
  await writeFile(
    config,
    JSON.stringify({ virtualHosts: [{ name: 'other.example', greeting: 'Other host.', root: other, users: [{ username: 'olga', password: 'pw' }] }] }),
  );
  const cli = spawn(process.execPath, ['dist/cli.js', '--config', config, '--root', main, '--port', '0', '--user', 'test:test'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => cli.kill('SIGTERM'));
  const port = await new Promise<number>((resolvePort, reject) => {
    let out = '';
    cli.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ftp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolvePort(Number(match[1]));
    });
    cli.once('exit', (code) => reject(new Error(`ftpkit exited with ${code}: ${out}`)));
  });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const host = await c.cmd('HOST other.example');
  assert.equal(host.code, 220);
  assert.equal(host.text, 'Other host.');
  assert.equal((await c.cmd('USER olga')).code, 331);
  assert.equal((await c.cmd('PASS pw')).code, 230);
  const data = await c.epsv();
  c.send('NLST');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'other.txt\r\n');
  assert.equal((await c.read()).code, 226);
});
