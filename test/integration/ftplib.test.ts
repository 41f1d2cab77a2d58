import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { needTool, python } from '../helpers/clients.js';
import { assertWireUse, DOWNLOAD_RESUME_AT, MODES, NAMES, NETWORKS, prepareScenario, UPLOAD_RESUME_AT } from '../helpers/matrix.js';
import { startServer } from '../helpers/server.js';

/** Python's ftplib, driven by a script; names and paths come in through the environment. */
const SCENARIO = `
import ftplib, io, json, os
e = os.environ
f = ftplib.FTP(encoding='utf-8')
f.connect(e['HOST'], int(e['PORT']), timeout=20)
f.login('test', 'test')
f.set_pasv(e['MODE'] == 'passive')
full = open(e['FULL'], 'rb').read()
out = {}
f.storbinary('STOR ' + e['FILE'], io.BytesIO(full))
out['nlst'] = f.nlst()
lines = []
f.retrlines('LIST', lines.append)
out['list'] = lines
out['mlsd'] = [[name, facts] for name, facts in f.mlsd()]
got = io.BytesIO(); f.retrbinary('RETR ' + e['FILE'], got.write)
out['download_ok'] = got.getvalue() == full
down_at, up_at = int(e['DOWNLOAD_AT']), int(e['UPLOAD_AT'])
got = io.BytesIO(); f.retrbinary('RETR ' + e['FILE'], got.write, rest=down_at)
out['resumed_download_ok'] = full[:down_at] + got.getvalue() == full
f.storbinary('STOR ' + e['RESUMED'], io.BytesIO(full[up_at:]), rest=up_at)
out['size'] = f.size(e['RESUMED'])
out['mkd'] = f.mkd(e['DIR'])
f.rename(e['FILE'], e['DIR'] + '/' + e['RENAMED'])
out['cwd'] = f.cwd(e['DIR'])
out['pwd'] = f.pwd()
out['in_dir'] = f.nlst()
f.cwd('..')
f.delete(e['DIR'] + '/' + e['RENAMED'])
f.rmd(e['DIR'])
f.storlines('STOR text.txt', io.BytesIO(b'one\\ntwo\\n'))
lines = []
f.retrlines('RETR text.txt', lines.append)
out['text'] = lines
f.delete('text.txt')
out['quit'] = f.quit()
print(json.dumps(out))
`;

for (const net of NETWORKS) {
  for (const mode of MODES) {
    test(`ftplib: upload, list, MLSD, download, resume both ways, rename, delete, mkdir, rmdir (${mode}, ${net.name}, UTF-8 names)`, async (t) => {
      if (!needTool(t, 'python3')) return;
      const scenario = await prepareScenario(t, net);
      const { port, root, local, full } = scenario;

      const result = await python(SCENARIO, {
        HOST: net.host,
        PORT: String(port),
        MODE: mode,
        FULL: join(local, 'full.bin'),
        FILE: NAMES.file,
        RESUMED: NAMES.resumed,
        DOWNLOAD_AT: String(DOWNLOAD_RESUME_AT),
        UPLOAD_AT: String(UPLOAD_RESUME_AT),
        DIR: NAMES.dir,
        RENAMED: NAMES.renamed,
      });
      assert.equal(result.code, 0, result.stderr);
      const out = JSON.parse(result.stdout);
      assert.deepEqual([...out.nlst].sort(), [NAMES.resumed, NAMES.file].sort());
      assert.ok(out.list.some((l: string) => /^-rw-r--r-- .* 300000 \w{3} [ \d]\d \d\d:\d\d /.test(l) && l.endsWith(` ${NAMES.file}`)), out.list.join('\n'));
      const facts = out.mlsd.find(([name]: [string]) => name === NAMES.file)?.[1];
      assert.equal(facts?.type, 'file');
      assert.equal(facts?.size, '300000');
      assert.equal(out.download_ok, true);
      assert.equal(out.resumed_download_ok, true);
      assert.equal(out.size, 300_000);
      assert.equal(out.mkd, `/${NAMES.dir}`);
      assert.equal(out.pwd, `/${NAMES.dir}`);
      assert.deepEqual(out.in_dir, [NAMES.renamed]);
      assert.deepEqual(out.text, ['one', 'two']);
      assert.match(out.quit, /^221 /);

      assert.deepEqual(await readFile(join(root, NAMES.resumed)), full, 'REST + STOR completed the file');
      assert.deepEqual(await readdir(root), [NAMES.resumed]);
      assertWireUse(scenario, mode, 'STOR');
    });
  }
}

test("ftplib: abort() (ABOR sent with MSG_OOB) stops a download; 426 then 226, the session goes on", async (t) => {
  if (!needTool(t, 'python3')) return;
  const { server, port } = await startServer(t, { files: { '/big.bin': Buffer.alloc(32 * 1024 * 1024, 3) } });
  const aborted: string[] = [];
  server.on('transferAborted', ({ reason }) => aborted.push(reason));
  const result = await python(
    `
import ftplib, os
f = ftplib.FTP()
f.connect('127.0.0.1', int(os.environ['PORT']), timeout=20)
f.login('test', 'test')
f.voidcmd('TYPE I')
conn = f.transfercmd('RETR big.bin')
conn.recv(4096)
print(f.abort())
conn.close()
print(f.voidresp())
print(f.voidcmd('NOOP'))
print(f.size('big.bin'))
f.quit()
`,
    { PORT: String(port) },
  );
  assert.equal(result.code, 0, result.stderr);
  // abort() reads the RETR's 426; the ABOR's own 226 follows (RFC 959 4.1.3).
  assert.deepEqual(result.stdout.trim().split('\n'), [
    '426 Connection closed; transfer aborted.',
    '226 ABOR command successful.',
    '200 NOOP ok.',
    String(32 * 1024 * 1024),
  ]);
  assert.deepEqual(aborted, ['abor']);
});
