import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { CliError, parseCli } from '../../src/cli-options.js';
import { curl, needTool } from '../helpers/clients.js';
import { RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../helpers/server.js';
import { spawnServer } from '../helpers/spawned.js';
import { TlsControl, testCertificates } from '../helpers/tls.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'cli.js');

test('TLS flags map onto the tls option', () => {
  const { options } = parseCli([
    '--tls-cert', 'c.pem',
    '--tls-key', 'k.pem',
    '--implicit-tls-port', '990',
    '--require-tls', 'control',
    '--require-tls-anonymous',
    '--no-tls-session-reuse',
    '--allow-ccc',
    '--tls-client-certs', 'require',
    '--tls-ca', 'ca.pem',
    '--tls-min-version', '1.3',
  ]);
  assert.deepEqual(options.tls, {
    certFile: 'c.pem',
    keyFile: 'k.pem',
    implicitPort: 990,
    require: 'control',
    requireAnonymous: true,
    requireSessionReuse: false,
    allowCcc: true,
    clientCertificates: 'require',
    caFile: 'ca.pem',
    minVersion: 'TLSv1.3',
  });
  assert.throws(() => parseCli(['--require-tls', 'sometimes']), (e: unknown) => e instanceof CliError && /--require-tls needs one of control, data, all, none/.test(e.message));
  assert.throws(() => parseCli(['--tls-min-version', '1.1']), /--tls-min-version needs one of 1.2, 1.3/);
  assert.throws(() => parseCli(['--implicit-tls-port', 'x']), /--implicit-tls-port needs a port/);
});

test('ftpkit with a certificate it cannot read, or a key without certificate, exits 2', async (t) => {
  const certs = testCertificates();
  const root = await tempDir(t);
  const missing = spawnSync(process.execPath, [CLI, '--root', root, '--port', '0', '--tls-cert', join(root, 'nope.pem'), '--tls-key', certs.keyPath], { encoding: 'utf8' });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /tls\.certFile cannot be read/);
  const half = spawnSync(process.execPath, [CLI, '--root', root, '--port', '0', '--tls-key', certs.keyPath], { encoding: 'utf8' });
  assert.equal(half.status, 2);
  assert.match(half.stderr, /certFile and tls\.keyFile go together/);
});

test('ftpkit --tls-cert --tls-key --implicit-tls-port: explicit and implicit FTPS for curl, TLS required, certificate reloaded from disk', async (t) => {
  if (!needTool(t, 'curl')) return;
  const certs = testCertificates();
  const root = await tempDir(t);
  const dir = await tempDir(t);
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await copyFile(certs.certPath, cert);
  await copyFile(certs.keyPath, key);
  await writeFile(join(root, 'hello.txt'), 'hello over ftps\n');
  const server = await spawnServer(t, process.execPath, [CLI, '--root', root, '--port', '0', '--user', 'test:test', '--tls-cert', cert, '--tls-key', key, '--implicit-tls-port', '0']);
  const implicit = Number((await server.waitFor(/implicit FTPS on ftps:\/\/[^:]+:(\d+)/))[1]);
  assert.match(server.stdout(), /AUTH TLS on ftp:\/\/127\.0\.0\.1:\d+ \(TLS required: all\)/);

  const explicit = await curl(['--ssl-reqd', '--insecure', `ftp://test:test@127.0.0.1:${server.port}/hello.txt`]);
  assert.equal(explicit.code, 0, explicit.stderr);
  assert.equal(explicit.stdout, 'hello over ftps\n');
  const viaImplicit = await curl(['--insecure', `ftps://test:test@127.0.0.1:${implicit}/hello.txt`]);
  assert.equal(viaImplicit.code, 0, viaImplicit.stderr);
  assert.equal(viaImplicit.stdout, 'hello over ftps\n');
  const plain = await curl([`ftp://test:test@127.0.0.1:${server.port}/hello.txt`]);
  assert.match(plain.stderr, /530/);

  // A renewed certificate on disk is used by the next session, no restart.
  const before = await TlsControl.explicit(server.port);
  t.after(() => before.close());
  await writeFile(cert, certs.otherCert);
  await writeFile(key, certs.otherKey);
  const after = await TlsControl.explicit(server.port);
  t.after(() => after.close());
  assert.notEqual(before.socket.getPeerCertificate().fingerprint256, after.socket.getPeerCertificate().fingerprint256);
  assert.equal(after.socket.getPeerCertificate().fingerprint256, new (await import('node:crypto')).X509Certificate(certs.otherCert).fingerprint256);
  await after.login();
  // A key missing for a moment (renamed into place by a renewal tool) keeps the last good certificate.
  await rename(key, `${key}.moving`);
  const during = await TlsControl.explicit(server.port);
  t.after(() => during.close());
  assert.equal(during.socket.getPeerCertificate().fingerprint256, after.socket.getPeerCertificate().fingerprint256);
  await rename(`${key}.moving`, key);
  during.close();
  before.close();
  after.close();
  assert.equal(await server.stop('SIGTERM'), 0, server.stderr());
});

test('ftpkit --require-tls none --no-tls-session-reuse --allow-ccc --tls-client-certs request --tls-ca --tls-min-version 1.3', async (t) => {
  const certs = testCertificates();
  const root = await tempDir(t);
  const ca = join(await tempDir(t), 'ca.pem');
  await writeFile(ca, certs.ca);
  await writeFile(join(root, 'f.txt'), 'open');
  const args = ['--root', root, '--port', '0', '--user', 'test:test', '--tls-cert', certs.certPath, '--tls-key', certs.keyPath];
  const server = await spawnServer(t, process.execPath, [CLI, ...args, '--require-tls', 'none', '--no-tls-session-reuse', '--allow-ccc', '--tls-client-certs', 'request', '--tls-ca', ca, '--tls-min-version', '1.3']);
  // none: a plain login works.
  const plain = await RawClient.login(server.port);
  t.after(() => plain.close());
  const feat = await plain.cmd('FEAT');
  assert.ok(feat.lines.includes(' CCC'), 'CCC is announced');
  // 1.3 only: a TLS 1.2 client is refused.
  await assert.rejects(TlsControl.explicit(server.port, { maxVersion: 'TLSv1.2' }));
  // A client certificate is asked for and verified against --tls-ca.
  const secure = await TlsControl.explicit(server.port, { cert: certs.clientCert, key: certs.clientKey });
  t.after(() => secure.close());
  assert.equal(secure.socket.getProtocol(), 'TLSv1.3');
  await secure.login();
  // No session reuse required: a data connection with a fresh TLS session is served.
  const data = await secure.epsv();
  secure.client.send('RETR f.txt');
  assert.equal((await secure.client.read()).code, 150);
  const fresh = TlsControl.dataTls(data, undefined);
  const { readAll } = await import('../helpers/raw-client.js');
  const body = readAll(fresh as never);
  assert.equal((await secure.client.read()).code, 226);
  assert.equal((await body).toString(), 'open');
  assert.equal((await secure.client.cmd('CCC')).code, 200);
  secure.close();
  plain.close();
  assert.equal(await server.stop('SIGTERM'), 0, server.stderr());
});
