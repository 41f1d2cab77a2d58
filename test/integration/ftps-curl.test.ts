import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { curl, needTool } from '../helpers/clients.js';
import { startServer, tempDir } from '../helpers/server.js';
import { assertSameFiles, tlsOptions, writeSampleFiles } from '../helpers/tls.js';

// curl starts the data connection's TLS handshake as soon as the connection
// opens (before the transfer command), and caches one TLS 1.3 ticket at a time.

for (const version of ['1.3', '1.2'] as const) {
  test(`curl --ssl-reqd, TLS ${version}: many uploads and downloads in one session keep every byte`, async (t) => {
    if (!needTool(t, 'curl')) return;
    const { port, root } = await startServer(t, { local: true, tls: tlsOptions() });
    const source = await tempDir(t);
    const names = await writeSampleFiles(source);
    // --fail-early: with several transfers curl's exit code is otherwise the last one's.
    const tls = ['--fail-early', '--ssl-reqd', '--insecure', '--tls-max', version, ...(version === '1.2' ? [] : ['--tlsv1.3'])];
    const url = `ftp://test:test@127.0.0.1:${port}/`;
    // All uploads over one control connection: each data connection must resume the session.
    const up = await curl([...tls, '-T', `${source}/{${names.join(',')}}`, url]);
    assert.equal(up.code, 0, up.stderr);
    assertSameFiles(names, source, root);

    const back = await tempDir(t);
    const down = await curl([...tls, `${url}{${names.join(',')}}`, '-o', `${back}/#1`]);
    assert.equal(down.code, 0, down.stderr);
    assertSameFiles(names, source, back);

    const list = await curl([...tls, '--list-only', url]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split(/\r?\n/).sort(), names);
  });
}

test('curl: separate sessions uploading small files over TLS 1.3 lose nothing', async (t) => {
  if (!needTool(t, 'curl')) return;
  const { port, root } = await startServer(t, { local: true, tls: tlsOptions() });
  const source = await tempDir(t);
  const names = (await writeSampleFiles(source, 12)).slice(0, 6);
  const runs = names.map((name) => curl(['--ssl-reqd', '--insecure', '-T', join(source, name), `ftp://test:test@127.0.0.1:${port}/${name}`]));
  for (const result of await Promise.all(runs)) assert.equal(result.code, 0, result.stderr);
  assertSameFiles(names, source, root);
});

test('curl: implicit FTPS (ftps://) on its own port', async (t) => {
  if (!needTool(t, 'curl')) return;
  const { server } = await startServer(t, { tls: tlsOptions(), files: { '/hello.txt': 'hello over implicit TLS\n' } });
  const { port } = await server.listenImplicitTls(0, '127.0.0.1');
  const result = await curl(['--insecure', `ftps://test:test@127.0.0.1:${port}/hello.txt`]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'hello over implicit TLS\n');
});

test('curl without TLS is refused when TLS is required (530), and with --ssl-reqd gets in', async (t) => {
  if (!needTool(t, 'curl')) return;
  const { port } = await startServer(t, { tls: tlsOptions(), files: { '/a.txt': 'a' } });
  const plain = await curl([`ftp://test:test@127.0.0.1:${port}/a.txt`]);
  assert.notEqual(plain.code, 0);
  assert.match(plain.stderr, /530/);
  const secure = await curl(['--ssl-reqd', '--insecure', `ftp://test:test@127.0.0.1:${port}/a.txt`]);
  assert.equal(secure.code, 0, secure.stderr);
  assert.equal(secure.stdout, 'a');
});

for (const mode of ['active', 'passive'] as const) {
  test(`curl --ftp-ssl-ccc (${mode} shutdown): with allowCcc the control connection goes back to plain after login`, async (t) => {
    if (!needTool(t, 'curl')) return;
    // In passive mode curl never sends its own close_notify, so OpenSSL drops
    // its TLS session and data connections cannot resume it.
    const tls = tlsOptions({ allowCcc: true, ...(mode === 'passive' ? { requireSessionReuse: false } : {}) });
    const { port, root } = await startServer(t, { local: true, tls });
    const source = await tempDir(t);
    const names = (await writeSampleFiles(source, 3)).slice(0, 3);
    const result = await curl(['--fail-early', '--ssl-reqd', '--insecure', '--ftp-ssl-ccc', '--ftp-ssl-ccc-mode', mode, '-v', '-T', `${source}/{${names.join(',')}}`, `ftp://test:test@127.0.0.1:${port}/`]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /< 200 Control connection continues in the clear/);
    assert.match(result.stderr, /> PWD\r?\n[^]*< 257/, 'plain commands are answered after CCC');
    assertSameFiles(names, source, root);
  });
}
