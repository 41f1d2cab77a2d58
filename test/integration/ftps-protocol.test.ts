import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import { FtpOptionsError, FtpServer } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { tcp, testCertificates, TlsControl, tlsOptions } from '../helpers/tls.js';

test('FEAT lists AUTH TLS, PBSZ and PROT only when TLS is configured', async (t) => {
  const plain = await startServer(t);
  const c1 = await RawClient.connect(plain.port);
  t.after(() => c1.close());
  const feat1 = await c1.cmd('FEAT');
  for (const line of [' AUTH TLS', ' PBSZ', ' PROT']) assert.ok(!feat1.lines.includes(line), `no ${line} without tls`);
  assert.equal((await c1.cmd('AUTH TLS')).code, 502);

  const secure = await startServer(t, { tls: tlsOptions() });
  const c2 = await RawClient.connect(secure.port);
  t.after(() => c2.close());
  const feat2 = await c2.cmd('FEAT');
  for (const line of [' AUTH TLS', ' PBSZ', ' PROT']) assert.ok(feat2.lines.includes(line), `FEAT lists${line}`);
  assert.ok(!feat2.lines.includes(' CCC'), 'CCC is not announced unless allowed');
});

test('AUTH TLS: pipelined plain-text commands (queued lines and a partial line) are discarded, never run inside TLS', async (t) => {
  const { port } = await startServer(t, { tls: tlsOptions({ require: 'none' }) });
  const plain = await RawClient.connect(port);
  t.after(() => plain.close());
  // One packet: AUTH TLS, two complete commands an attacker injected, and the start of a third.
  plain.write('AUTH TLS\r\nUSER test\r\nPASS test\r\nDELE x');
  assert.equal((await plain.read()).code, 234);
  plain.socket.removeAllListeners('data');
  const socket = tlsConnect({ socket: plain.socket, rejectUnauthorized: false });
  await once(socket, 'secureConnect');
  const control = RawClient.over(socket);
  // Inside TLS: finish the partial line; had it survived it would read "DELE xPWD".
  control.write('PWD\r\n');
  const pwd = await control.read();
  assert.equal(pwd.code, 530, 'not logged in: the injected USER/PASS never ran');
  assert.equal((await control.cmd('USER test')).code, 331);
  assert.equal((await control.cmd('PASS test')).code, 230);
  assert.equal((await control.cmd('PWD')).code, 257);
});

test('AUTH spellings, security command sequencing and RFC 2228 replies', async (t) => {
  const { port } = await startServer(t, { tls: tlsOptions({ require: 'none' }) });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('AUTH KERBEROS_V4')).code, 504);
  assert.equal((await c.cmd('PBSZ 0')).code, 503, 'PBSZ before AUTH');
  assert.equal((await c.cmd('PROT P')).code, 503, 'PROT before AUTH');
  assert.equal((await c.cmd('ADAT AAAA')).code, 503);
  assert.equal((await c.cmd('MIC AAAA')).code, 503);
  assert.equal((await c.cmd('CCC')).code, 530, 'CCC before login');

  for (const spelling of ['TLS', 'tls-c', 'SSL', 'TLS-P']) {
    const control = await RawClient.connect(port);
    t.after(() => control.close());
    assert.equal((await control.cmd(`AUTH ${spelling}`)).code, 234, `AUTH ${spelling}`);
  }

  const s = await TlsControl.explicit(port);
  t.after(() => s.close());
  const c2 = s.client;
  assert.equal((await c2.cmd('AUTH TLS')).code, 503, 'AUTH twice');
  assert.equal((await c2.cmd('PROT P')).code, 503, 'PROT before PBSZ');
  const pbsz = await c2.cmd('PBSZ 1024');
  assert.equal(pbsz.code, 200);
  assert.match(pbsz.text, /PBSZ=0/);
  assert.equal((await c2.cmd('PBSZ x')).code, 501);
  assert.equal((await c2.cmd('PROT S')).code, 536);
  assert.equal((await c2.cmd('PROT E')).code, 536);
  assert.equal((await c2.cmd('PROT Q')).code, 504);
  assert.equal((await c2.cmd('PROT C')).code, 200);
  assert.equal((await c2.cmd('PROT P')).code, 200);
  assert.equal((await c2.cmd('ADAT AAAA')).code, 503);
  for (const verb of ['MIC', 'CONF', 'ENC']) assert.equal((await c2.cmd(`${verb} AAAA`)).code, 537, verb);
  assert.equal((await c2.cmd('USER test')).code, 331);
  assert.equal((await c2.cmd('PASS test')).code, 230);
  assert.equal((await c2.cmd('CCC')).code, 534, 'CCC is refused unless allowed');
  assert.equal((await c2.cmd('NOOP')).code, 200, 'the session goes on');
});

test('TLS required on control: USER before AUTH gets 530, anonymous may stay plain unless included', async (t) => {
  const { port } = await startServer(t, { tls: tlsOptions(), anonymous: true });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const user = await c.cmd('USER test');
  assert.equal(user.code, 530);
  assert.match(user.text, /AUTH TLS/);
  assert.equal((await c.cmd('USER anonymous')).code, 331);
  assert.equal((await c.cmd('PASS guest@')).code, 230);
  assert.equal((await c.cmd('PWD')).code, 257);

  const strict = await startServer(t, { tls: tlsOptions({ requireAnonymous: true }), anonymous: true });
  const c2 = await RawClient.connect(strict.port);
  t.after(() => c2.close());
  assert.equal((await c2.cmd('USER anonymous')).code, 530);
  assert.equal((await c2.cmd('FEAT')).code, 211, 'FEAT is allowed before AUTH');
  assert.equal((await c2.cmd('AUTH TLS')).code, 234, 'and AUTH itself');
});

test('TLS required on data: PROT C refused with 534, a transfer under PROT C with 521; per-user requireTls', async (t) => {
  const { port } = await startServer(t, {
    tls: tlsOptions({ require: 'data' }),
    users: [
      { username: 'test', password: 'test' },
      { username: 'vip', password: 'vip', requireTls: true },
    ],
    files: { '/f.txt': 'data' },
  });
  // Control may stay plain (require: 'data'), but no plain transfer.
  const plain = await RawClient.login(port);
  t.after(() => plain.close());
  await plain.epsv();
  const list = await plain.cmd('LIST');
  assert.equal(list.code, 521);
  assert.match(list.text, /PROT P/);

  // A user that requires TLS cannot log in over a plain connection.
  const vip = await RawClient.connect(port);
  t.after(() => vip.close());
  assert.equal((await vip.cmd('USER vip')).code, 331);
  const pass = await vip.cmd('PASS vip');
  assert.equal(pass.code, 530);
  assert.match(pass.text, /requires TLS/);

  const s = await TlsControl.explicit(port);
  t.after(() => s.close());
  assert.equal((await s.client.cmd('USER test')).code, 331);
  assert.equal((await s.client.cmd('PASS test')).code, 230);
  assert.equal((await s.client.cmd('PBSZ 0')).code, 200);
  assert.equal((await s.client.cmd('PROT C')).code, 534);
  assert.equal((await s.client.cmd('PROT P')).code, 200);
  const data = await s.epsv();
  const secure = TlsControl.dataTls(data, s.session);
  const body = readAll(secure as never);
  assert.equal((await s.client.cmd('RETR f.txt')).code, 150);
  assert.equal((await s.client.read()).code, 226);
  assert.equal((await body).toString(), 'data');
});

test('data connections must resume the control session: a stranger is refused with 425, the honest client goes on', async (t) => {
  const { port } = await startServer(t, { tls: tlsOptions(), files: { '/f.txt': 'secret' } });
  const owner = await TlsControl.explicit(port);
  t.after(() => owner.close());
  await owner.login();
  const other = await TlsControl.explicit(port);
  t.after(() => other.close());
  await other.login();

  // 1. A fresh TLS session on the owner's data port (after 150): refused, 425 with a clear text.
  const fresh = await owner.epsv();
  owner.client.send('RETR f.txt');
  assert.equal((await owner.client.read()).code, 150);
  const stolen = TlsControl.dataTls(fresh, undefined);
  const stolenBody = readAll(stolen as never).catch(() => Buffer.alloc(0));
  const refused = await owner.client.read();
  assert.equal(refused.code, 425);
  assert.match(refused.text, /resume the TLS session/);
  assert.equal((await stolenBody).length, 0, 'not a byte of the file');

  // 2. Another session's TLS session (a ticket from another control connection): refused too.
  const borrowed = await owner.epsv();
  const thief = TlsControl.dataTls(borrowed, other.session);
  const thiefBody = readAll(thief as never).catch(() => Buffer.alloc(0));
  owner.client.send('RETR f.txt');
  assert.equal((await owner.client.read()).code, 150);
  assert.equal((await owner.client.read()).code, 425);
  assert.equal((await thiefBody).length, 0);

  // 3. The honest client, resuming its own session, keeps working.
  const honest = await owner.epsv();
  const secure = TlsControl.dataTls(honest, owner.session);
  await once(secure, 'secureConnect');
  assert.ok(secure.isSessionReused());
  const body = readAll(secure as never);
  owner.client.send('RETR f.txt');
  assert.equal((await owner.client.read()).code, 150);
  assert.equal((await owner.client.read()).code, 226);
  assert.equal((await body).toString(), 'secret');
});

test('a stranger that connects before the owner does not spoil the transfer (handshake before the command)', async (t) => {
  const { port } = await startServer(t, { tls: tlsOptions(), files: { '/f.txt': 'secret' } });
  const owner = await TlsControl.explicit(port);
  t.after(() => owner.close());
  await owner.login();
  const reply = await owner.client.cmd('EPSV');
  const dataPort = Number(/\|\|\|(\d+)\|/.exec(reply.text)![1]);
  // The stranger completes a fresh handshake first and is refused...
  const stranger = TlsControl.dataTls(await tcp(dataPort), undefined);
  await new Promise<void>((resolve) => stranger.once('close', () => resolve()));
  // ...then the owner connects, resumes, and gets the file.
  const secure = TlsControl.dataTls(await tcp(dataPort), owner.session);
  await once(secure, 'secureConnect');
  const body = readAll(secure as never);
  assert.equal((await owner.client.cmd('RETR f.txt')).code, 150);
  assert.equal((await owner.client.read()).code, 226);
  assert.equal((await body).toString(), 'secret');
});

test('requireSessionReuse: false lets a client without resumption transfer', async (t) => {
  const { port } = await startServer(t, { tls: tlsOptions({ requireSessionReuse: false }), files: { '/f.txt': 'open' } });
  const c = await TlsControl.explicit(port);
  t.after(() => c.close());
  await c.login();
  const data = await c.epsv();
  c.client.send('RETR f.txt');
  assert.equal((await c.client.read()).code, 150);
  const secure = TlsControl.dataTls(data, undefined);
  await once(secure, 'secureConnect');
  assert.equal(secure.isSessionReused(), false);
  const body = readAll(secure as never);
  assert.equal((await c.client.read()).code, 226);
  assert.equal((await body).toString(), 'open');
});

test('implicit TLS: its own listener, TLS from the first byte, data protected by default', async (t) => {
  const { server } = await startServer(t, { tls: tlsOptions(), files: { '/f.txt': 'implicit' } });
  const { port } = await server.listenImplicitTls(0, '127.0.0.1');
  const c = await TlsControl.implicit(port);
  t.after(() => c.close());
  assert.equal((await c.client.cmd('USER test')).code, 331);
  assert.equal((await c.client.cmd('PASS test')).code, 230);
  // No PBSZ/PROT: protected already.
  const data = await c.epsv();
  const secure = TlsControl.dataTls(data, c.session);
  const body = readAll(secure as never);
  assert.equal((await c.client.cmd('RETR f.txt')).code, 150);
  assert.equal((await c.client.read()).code, 226);
  assert.equal((await body).toString(), 'implicit');
  assert.equal((await c.client.cmd('CCC')).code, 534);
});

test('TLS below 1.2 is refused, and the server keeps serving', async (t) => {
  const { port } = await startServer(t, { tls: tlsOptions() });
  const plain = await RawClient.connect(port);
  t.after(() => plain.close());
  assert.equal((await plain.cmd('AUTH TLS')).code, 234);
  plain.socket.removeAllListeners('data');
  const old = tlsConnect({ socket: plain.socket, rejectUnauthorized: false, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
  const outcome = await new Promise((resolve) => {
    old.once('secureConnect', () => resolve('connected'));
    old.once('error', () => resolve('refused'));
  });
  assert.equal(outcome, 'refused');
  const fine = await TlsControl.explicit(port, { maxVersion: 'TLSv1.2' });
  t.after(() => fine.close());
  await fine.login();
  assert.equal(fine.socket.getProtocol(), 'TLSv1.2');
});

test('certificates reload without a restart: the context function is asked for each new session', async (t) => {
  const certs = testCertificates();
  let current = { cert: certs.cert, key: certs.key };
  const { port } = await startServer(t, { tls: { context: () => current } });
  const first = await TlsControl.explicit(port);
  t.after(() => first.close());
  current = { cert: certs.otherCert, key: certs.otherKey };
  const second = await TlsControl.explicit(port);
  t.after(() => second.close());
  const a = first.socket.getPeerCertificate().fingerprint256;
  const b = second.socket.getPeerCertificate().fingerprint256;
  assert.notEqual(a, b);
  // The first session keeps its certificate and still works.
  await first.login();
  assert.equal((await first.client.cmd('PWD')).code, 257);
});

test('a context function that fails: AUTH TLS answers 431 and the session stays usable', async (t) => {
  const { port, server } = await startServer(t, {
    tls: {
      context: () => {
        throw new Error('certificate store unavailable');
      },
      require: 'none',
    },
  });
  const errors: unknown[] = [];
  server.on('error', ({ error }) => errors.push(error));
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('AUTH TLS')).code, 431);
  assert.equal((await c.cmd('USER test')).code, 331);
  assert.equal((await c.cmd('PASS test')).code, 230);
  assert.equal(errors.length, 1);
});

test('client certificates: authenticate receives the certificate and whether it chains to the CA', async (t) => {
  const certs = testCertificates();
  const seen: { cn: unknown; authorized: boolean | undefined }[] = [];
  const { port } = await startServer(t, {
    tls: tlsOptions({ clientCertificates: 'request', ca: certs.ca }),
    authenticate: ({ username, certificate, certificateAuthorized }) => {
      seen.push({ cn: certificate?.subject?.CN, authorized: certificateAuthorized });
      // Certificate login: the CN is the user, the password is not looked at.
      return certificateAuthorized && certificate?.subject?.CN === username ? { username } : null;
    },
  });
  const withCert = await TlsControl.explicit(port, { cert: certs.clientCert, key: certs.clientKey });
  t.after(() => withCert.close());
  await withCert.login('alice', 'anything');
  const without = await TlsControl.explicit(port);
  t.after(() => without.close());
  assert.equal((await without.client.cmd('USER alice')).code, 331);
  assert.equal((await without.client.cmd('PASS anything')).code, 530);
  assert.deepEqual(seen, [
    { cn: 'alice', authorized: true },
    { cn: undefined, authorized: false },
  ]);

  const strict = await startServer(t, { tls: tlsOptions({ clientCertificates: 'require', ca: certs.ca }) });
  const plain = await RawClient.connect(strict.port);
  t.after(() => plain.close());
  assert.equal((await plain.cmd('AUTH TLS')).code, 234);
  plain.socket.removeAllListeners('data');
  const anonymous = tlsConnect({ socket: plain.socket, rejectUnauthorized: false });
  let refusal: Error | undefined;
  anonymous.on('error', (error) => (refusal = error));
  // TLS 1.3 reports a refused client certificate after the client's side of the handshake: the connection then ends.
  await new Promise((resolve) => anonymous.once('close', resolve));
  assert.match(String(refusal), /certificate required/);
  const good = await TlsControl.explicit(strict.port, { cert: certs.clientCert, key: certs.clientKey });
  t.after(() => good.close());
  await good.login();
});

test('invalid tls options are reported at construction', async () => {
  assert.throws(
    () => new FtpServer({ root: '/tmp', users: [{ username: 'a', password: 'b' }], tls: { cert: 'not a certificate', key: 'nope', require: 'sometimes' as never } }),
    (error: unknown) => error instanceof FtpOptionsError && error.problems.some((p) => p.includes('tls.require')) && error.problems.some((p) => p.includes('certificate')),
  );
  assert.throws(() => new FtpServer({ root: '/tmp', users: [{ username: 'a', password: 'b' }], tls: {} }), /cert and key/);
  const server = new FtpServer({ root: '/tmp', users: [{ username: 'a', password: 'b' }] });
  await assert.rejects(server.listenImplicitTls(0), /tls option/);
  await server.close();
});
