import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { needTool, python } from '../helpers/clients.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

// Two-, three- and four-byte UTF-8, a space, and a precomposed é.
const DIR = 'Ordner ü 目录 🗂';
const FILE = 'naïve café 文件 😀.txt';

async function data(c: RawClient, command: string, upload?: string): Promise<string> {
  const socket = await c.epsv();
  c.send(command);
  const opening = await c.read();
  assert.equal(opening.code, 150, `${command}: ${opening.text}`);
  if (upload !== undefined) socket.end(upload);
  const text = (await readAll(socket)).toString('utf8');
  assert.equal((await c.read()).code, 226, command);
  return text;
}

test('UTF-8 names through every path command, extensions included, on disk', async (t) => {
  const { port, root } = await startServer(t, { local: true });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  assert.equal((await c.cmd(`MKD ${DIR}`)).text, `"/${DIR}" created.`);
  assert.equal((await c.cmd(`CWD ${DIR}`)).text, `Directory changed to "/${DIR}".`);
  await data(c, `STOR ${FILE}`, 'hello');
  await data(c, `APPE ${FILE}`, ' world');
  assert.equal(await data(c, `RETR ${FILE}`), 'hello world');
  assert.equal((await c.cmd(`SIZE ${FILE}`)).text, '11');
  assert.equal((await c.cmd(`MFMT 20200102030405 ${FILE}`)).text, `Modify=20200102030405; ${FILE}`);
  assert.equal((await c.cmd(`MDTM ${FILE}`)).text, '20200102030405');
  assert.equal((await c.cmd(`SITE CHMOD 640 ${FILE}`)).code, 200);
  assert.equal((await c.cmd(`SITE UTIME 20210102030405 ${FILE}`)).code, 200);
  const sha = createHash('sha256').update('hello world').digest('hex');
  assert.equal((await c.cmd(`HASH ${FILE}`)).text, `SHA-256 0-10 ${sha} ${FILE}`);
  assert.equal((await c.cmd(`XSHA256 ${FILE}`)).text, sha);
  assert.match((await c.cmd(`MLST ${FILE}`)).lines[1]!, new RegExp(`^ type=file;size=11;modify=20210102030405;.*UNIX\\.mode=0640; /${DIR}/${FILE}$`, 'u'));
  assert.match((await c.cmd(`STAT ${FILE}`)).lines[1]!, new RegExp(`^-rw-r----- .* 11 .* ${FILE}$`, 'u'));
  assert.equal(await data(c, 'NLST'), `${FILE}\r\n`);
  assert.match(await data(c, 'LIST -la'), new RegExp(` ${FILE}\\r\\n$`, 'u'));
  assert.match(await data(c, 'MLSD'), new RegExp(`; ${FILE}\\r\\n$`, 'u'));
  assert.equal((await c.cmd(`RNFR ${FILE}`)).code, 350);
  assert.equal((await c.cmd('RNTO ünïcode-2.txt')).code, 250);
  assert.deepEqual(await readdir(`${root}/${DIR}`), ['ünïcode-2.txt'], 'stored under the UTF-8 name');
  const stou = await c.epsv();
  c.send('STOU ünïcode-2.txt');
  const opening = await c.read();
  assert.match(opening.text, /^FILE: ünïcode-2\.txt\.[0-9a-f]{8}$/u);
  stou.end('x');
  await readAll(stou);
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('DELE ünïcode-2.txt')).code, 250);
  assert.equal((await c.cmd('CDUP')).code, 250);
  assert.match((await c.cmd(`STAT ${DIR}`)).text, /ünïcode-2\.txt\./u);
  assert.equal((await c.cmd(`AVBL ${DIR}`)).code, 213);
  assert.equal((await c.cmd(`RNFR ${DIR}`)).code, 350);
  assert.equal((await c.cmd('RNTO 新しい')).code, 250);
  assert.equal((await c.cmd('CWD 新しい')).code, 250);
  assert.equal((await c.cmd('PWD')).text, '"/新しい" is the current directory.');
});

test('a multi-byte character split across TCP packets arrives whole', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const line = Buffer.from(`MKD ${DIR}\r\n`);
  const cut = line.indexOf(Buffer.from('🗂')) + 2; // in the middle of the 4-byte emoji
  c.write(line.subarray(0, cut));
  await new Promise((r) => setTimeout(r, 30));
  c.write(line.subarray(cut));
  assert.equal((await c.read()).text, `"/${DIR}" created.`);
});

test('ftplib with UTF-8: MLSD with OPTS MLST fact selection, MLST, SIZE and MDTM', async (t) => {
  if (!needTool(t, 'python3')) return;
  const { port } = await startServer(t, { files: { [`/${DIR}/${FILE}`]: '12345', [`/${DIR}/sub/`]: null } });
  const script = `
import ftplib, json, os
f = ftplib.FTP(encoding='utf-8')
f.connect('127.0.0.1', int(os.environ['PORT']), timeout=20)
f.login('test', 'test')
d, n = os.environ['DIR'], os.environ['FILE']
out = {}
out['all'] = sorted([[name, facts] for name, facts in f.mlsd(d)])
out['some'] = sorted([[name, facts] for name, facts in f.mlsd(d, facts=['type', 'size'])])
out['mlst'] = f.sendcmd('MLST ' + d + '/' + n)
out['size'] = f.size(d + '/' + n)
out['mdtm'] = f.sendcmd('MDTM ' + d + '/' + n)
f.quit()
print(json.dumps(out))
`;
  const result = await python(script, { PORT: String(port), DIR, FILE });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as Record<string, unknown>;
  const all = out.all as [string, Record<string, string>][];
  assert.deepEqual(all.map(([name]) => name), [FILE, 'sub']);
  assert.deepEqual(Object.keys(all[0]![1]).sort(), ['modify', 'perm', 'size', 'type', 'unique', 'unix.mode']);
  assert.equal(all[0]![1].size, '5');
  assert.equal(all[1]![1].type, 'dir');
  // ftplib sends OPTS MLST type;size; before MLSD: only those facts come back.
  assert.deepEqual(out.some, [
    [FILE, { type: 'file', size: '5' }],
    ['sub', { type: 'dir' }],
  ]);
  assert.match(out.mlst as string, new RegExp(`^250-.*\\n type=file;size=5; /${DIR}/${FILE}\\n250 End$`, 'u'));
  assert.equal(out.size, 5);
  assert.match(out.mdtm as string, /^213 \d{14}$/);
});

test('OPTS MLST: unknown facts are dropped, the reply and FEAT show the selection, an empty list turns facts off', async (t) => {
  const { port } = await startServer(t, { files: { '/f': 'abc' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('OPTS MLST Size;bogus;UNIX.MODE;type;')).text, 'MLST OPTS size;UNIX.mode;type;');
  assert.ok((await c.cmd('FEAT')).lines.includes(' MLST type*;size*;modify;perm;unique;UNIX.mode*;create;'));
  assert.equal((await c.cmd('MLST f')).lines[1], ' type=file;size=3;UNIX.mode=0644; /f');
  assert.equal((await c.cmd('OPTS MLST')).text, 'MLST OPTS');
  assert.equal((await c.cmd('MLST f')).lines[1], '  /f');
});
