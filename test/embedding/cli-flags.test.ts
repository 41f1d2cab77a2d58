import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { CliError, parseCli } from '../../src/cli-options.js';
import { RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../helpers/server.js';
import { rawUpload } from '../helpers/transfers.js';

test('limit, bandwidth and progress flags map onto options (sizes with units)', () => {
  const { options } = parseCli([
    '--max-file-size', '10M',
    '--quota', '1.5G',
    '--upload-rate', '512k',
    '--download-rate', '1048576',
    '--max-sessions-per-user', '3',
    '--total-upload-rate', '8M',
    '--total-download-rate', '16MiB',
    '--progress-interval', '250',
    '--progress-bytes', '1M',
  ]);
  assert.deepEqual(options.userLimits, {
    maxFileSize: 10 * 1024 ** 2,
    quotaBytes: 1.5 * 1024 ** 3,
    uploadRate: 512 * 1024,
    downloadRate: 1048576,
    maxSessions: 3,
  });
  assert.deepEqual(options.bandwidth, { uploadRate: 8 * 1024 ** 2, downloadRate: 16 * 1024 ** 2 });
  assert.deepEqual(options.progress, { intervalMs: 250, bytes: 1024 ** 2 });
});

test('bad sizes and rates are clear CLI errors', () => {
  assert.throws(() => parseCli(['--quota', 'lots']), (e: unknown) => e instanceof CliError && /--quota needs a size/.test(e.message));
  assert.throws(() => parseCli(['--upload-rate', '0']), /--upload-rate needs a rate above 0/);
  assert.throws(() => parseCli(['--max-sessions-per-user', '0']), /whole number/);
});

test('ftpkit --max-file-size refuses a bigger upload with 552 (real process)', async (t) => {
  const root = await tempDir(t);
  const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  const child = spawn(process.execPath, [cli, '--root', root, '--port', '0', '--user', 'u:p', '--max-file-size', '10'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGTERM'));
  let out = '';
  child.stdout.setEncoding('utf8');
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const match = /ftp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', () => reject(new Error(`ftpkit exited: ${out}`)));
  });
  const c = await RawClient.login(port, 'u', 'p');
  t.after(() => c.close());
  assert.equal((await rawUpload(c, 'small.txt', '0123456789')).final.code, 226);
  assert.equal((await rawUpload(c, 'big.txt', '0123456789A')).final.code, 552);
  c.close();
  child.kill('SIGTERM');
  await once(child, 'exit');
});
