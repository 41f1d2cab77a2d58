import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { needTool, run } from '../helpers/clients.js';
import { startServer, tempDir } from '../helpers/server.js';
import { assertSameFiles, tlsOptions, writeSampleFiles } from '../helpers/tls.js';

// rclone (Go, jlaffaye/ftp) starts data TLS after 150 and keeps one TLS
// session cache for all its connections to a host. Several control connections
// at once then offer each other's tickets on data connections, which a server
// that binds data connections to their own session refuses (FileZilla Server
// does the same): with the default requirement, rclone needs --ftp-concurrency 1.

async function rclone(t: TestContext, port: number, args: readonly string[], extra: readonly string[] = []) {
  const pass = (await run('rclone', ['obscure', 'test'])).stdout.trim();
  const config = join(await tempDir(t), 'rclone.conf');
  const flags = ['--config', config, '--ftp-host', '127.0.0.1', '--ftp-port', String(port), '--ftp-user', 'test', '--ftp-pass', pass, '--ftp-no-check-certificate', '--low-level-retries', '1', '--retries', '1'];
  return run('rclone', [...args, ...flags, ...extra], { timeoutMs: 60_000 });
}

test('rclone, explicit FTPS (session reuse required, one connection): copy up and down', async (t) => {
  if (!needTool(t, 'rclone')) return;
  const { port, root } = await startServer(t, { local: true, tls: tlsOptions() });
  const source = await tempDir(t);
  const names = await writeSampleFiles(source);
  const up = await rclone(t, port, ['copy', source, ':ftp:/up'], ['--ftp-explicit-tls', '--ftp-concurrency', '1']);
  assert.equal(up.code, 0, up.stderr);
  assertSameFiles(names, source, join(root, 'up'));
  const back = await tempDir(t);
  const down = await rclone(t, port, ['copy', ':ftp:/up', back], ['--ftp-explicit-tls', '--ftp-concurrency', '1']);
  assert.equal(down.code, 0, down.stderr);
  assertSameFiles(names, source, back);
});

test('rclone, explicit FTPS with parallel connections: works when session reuse is not required (TLS 1.2)', async (t) => {
  if (!needTool(t, 'rclone')) return;
  const { port, root } = await startServer(t, { local: true, tls: tlsOptions({ requireSessionReuse: false }) });
  const source = await tempDir(t);
  const names = await writeSampleFiles(source);
  // Without resumption every data connection is a full handshake, and TLS 1.3
  // then sends tickets that Go never reads: its close becomes a reset that can
  // cut an upload. rclone's own workaround is --ftp-disable-tls13.
  const up = await rclone(t, port, ['copy', source, ':ftp:/up'], ['--ftp-explicit-tls', '--ftp-disable-tls13', '--transfers', '4']);
  assert.equal(up.code, 0, up.stderr);
  assertSameFiles(names, source, join(root, 'up'));
});

test('rclone, implicit FTPS: list and copy', async (t) => {
  if (!needTool(t, 'rclone')) return;
  const started = await startServer(t, { local: true, tls: tlsOptions() });
  const { port } = await started.server.listenImplicitTls(0, '127.0.0.1');
  const source = await tempDir(t);
  const names = (await writeSampleFiles(source, 4)).slice(0, 4);
  const up = await rclone(t, port, ['copy', source, ':ftp:/'], ['--ftp-tls', '--ftp-concurrency', '1']);
  assert.equal(up.code, 0, up.stderr);
  assertSameFiles(names, source, started.root);
  const list = await rclone(t, port, ['lsf', ':ftp:/'], ['--ftp-tls', '--ftp-concurrency', '1']);
  assert.equal(list.code, 0, list.stderr);
  assert.deepEqual(list.stdout.trim().split('\n').sort(), names);
});
