import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lftp, needTool, python } from '../helpers/clients.js';
import { startServer, tempDir } from '../helpers/server.js';
import { assertSameFiles, tlsOptions, writeSampleFiles } from '../helpers/tls.js';

// lftp (GnuTLS) and ftplib start the data connection's TLS handshake after
// the 150 reply; both read the session tickets the server sends.

for (const version of ['1.3', '1.2'] as const) {
  test(`lftp with ftp:ssl-force and ftp:ssl-protect-data, TLS ${version}: mirror up and down in one session`, async (t) => {
    if (!needTool(t, 'lftp')) return;
    const { port, root } = await startServer(t, { local: true, tls: tlsOptions() });
    const source = await tempDir(t);
    const names = await writeSampleFiles(source);
    const back = await tempDir(t);
    const priority = version === '1.2' ? 'set ssl:priority "NORMAL:-VERS-TLS1.3"; ' : '';
    const result = await lftp(
      `set ftp:ssl-force true; set ftp:ssl-protect-data true; set ssl:verify-certificate no; ${priority}` +
        `open -u test,test ftp://127.0.0.1:${port}; mirror -R ${source} /up; mirror /up ${back}/down; quote PWD`,
      { timeoutMs: 60_000 },
    );
    assert.equal(result.code, 0, result.stderr);
    assertSameFiles(names, source, `${root}/up`);
    assertSameFiles(names, source, `${back}/down`);
  });
}

test('lftp without TLS is refused where TLS is required', async (t) => {
  if (!needTool(t, 'lftp')) return;
  const { port } = await startServer(t, { tls: tlsOptions() });
  const result = await lftp(`set ftp:ssl-allow false; open -u test,test ftp://127.0.0.1:${port}; ls`);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /530/);
});

/** ftplib's FTP_TLS, optionally with the data connection resuming the control connection's TLS session. */
const FTPLIB = String.raw`
import ftplib, io, os, ssl, sys, json
class ResumingFTP_TLS(ftplib.FTP_TLS):
    """ftplib does not resume the control session on data connections; servers that require it need this."""
    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)
        return conn, size
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if os.environ['TLS_MAX'] == '1.2':
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
cls = ResumingFTP_TLS if os.environ['RESUME'] == '1' else ftplib.FTP_TLS
ftp = cls(context=ctx)
ftp.connect('127.0.0.1', int(os.environ['PORT']))
ftp.login('test', 'test')
ftp.prot_p()
result = {'version': ftp.sock.version(), 'files': {}}
try:
    src = os.environ['SRC']
    for name in sorted(os.listdir(src)):
        with open(os.path.join(src, name), 'rb') as f:
            ftp.storbinary('STOR ' + name, f)
        buf = io.BytesIO()
        ftp.retrbinary('RETR ' + name, buf.write)
        with open(os.path.join(src, name), 'rb') as f:
            result['files'][name] = buf.getvalue() == f.read()
    result['list'] = sorted(ftp.nlst())
except ftplib.all_errors as e:
    result['error'] = str(e)
print(json.dumps(result))
ftp.close()
`;

for (const version of ['1.3', '1.2'] as const) {
  test(`ftplib FTP_TLS + prot_p(), TLS ${version}: every upload and download round-trips (session resumed)`, async (t) => {
    if (!needTool(t, 'python3')) return;
    const { port, root } = await startServer(t, { local: true, tls: tlsOptions() });
    const source = await tempDir(t);
    const names = await writeSampleFiles(source);
    const result = await python(FTPLIB, { PORT: String(port), SRC: source, TLS_MAX: version, RESUME: '1' }, { timeoutMs: 60_000 });
    assert.equal(result.code, 0, result.stderr);
    const outcome = JSON.parse(result.stdout) as { version: string; files: Record<string, boolean>; list: string[]; error?: string };
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.version, `TLSv${version}`);
    assert.deepEqual(outcome.list, names);
    for (const name of names) assert.equal(outcome.files[name], true, name);
    assertSameFiles(names, source, root);
  });
}

test('plain ftplib (no session resumption): refused with 425 by default, served with requireSessionReuse: false', async (t) => {
  if (!needTool(t, 'python3')) return;
  const source = await tempDir(t);
  await writeSampleFiles(source, 3);
  const strict = await startServer(t, { local: true, tls: tlsOptions() });
  const refused = await python(FTPLIB, { PORT: String(strict.port), SRC: source, TLS_MAX: '1.3', RESUME: '0' });
  assert.equal(refused.code, 0, refused.stderr);
  assert.match(JSON.parse(refused.stdout).error, /425|EOF|shutdown/i);

  const lenient = await startServer(t, { local: true, tls: tlsOptions({ requireSessionReuse: false }) });
  const served = await python(FTPLIB, { PORT: String(lenient.port), SRC: source, TLS_MAX: '1.3', RESUME: '0' });
  assert.equal(served.code, 0, served.stderr);
  const outcome = JSON.parse(served.stdout) as { files: Record<string, boolean>; error?: string };
  assert.equal(outcome.error, undefined);
  assert.ok(Object.values(outcome.files).every(Boolean));
});
