import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { MemoryFileSystem } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

const OLD = new Date(Date.UTC(2001, 1, 3, 4, 5, 6));

async function listing(c: RawClient, command: string): Promise<{ code: number; text: string }> {
  const data = await c.epsv();
  const opening = await c.cmd(command);
  if (opening.code !== 150) {
    data.destroy();
    return { code: opening.code, text: opening.text };
  }
  const text = (await readAll(data)).toString('utf8');
  const done = await c.read();
  return { code: done.code, text };
}

async function withFiles(t: import('node:test').TestContext) {
  const fs = new MemoryFileSystem({ '/new.txt': 'fresh', '/old.txt': 'ancient', '/.hidden': 'h', '/d/inner.txt': 'i' });
  await fs.setModifiedTime('/old.txt', OLD);
  const started = await startServer(t, { filesystem: fs });
  const c = await RawClient.login(started.port);
  t.after(() => c.close());
  return { ...started, c, fs };
}

test('LIST and NLST take ls flags (-a, -l, -la, -CF) without mistaking them for paths', async (t) => {
  const { c } = await withFiles(t);
  const all = ['.hidden', 'd', 'new.txt', 'old.txt'];
  for (const command of ['NLST', 'NLST -a', 'NLST -CF', 'NLST -la', 'NLST -a -l']) {
    const { code, text } = await listing(c, command);
    assert.equal(code, 226, command);
    assert.deepEqual(text.split('\r\n').filter(Boolean).sort(), all, command);
  }
  for (const command of ['LIST', 'LIST -a', 'LIST -la', 'LIST -CF', 'LIST -l /']) {
    const { code, text } = await listing(c, command);
    assert.equal(code, 226, command);
    assert.equal(text.split('\r\n').filter(Boolean).length, 4, `${command}: ${text}`);
  }
  assert.deepEqual((await listing(c, 'NLST -la d')).text, 'inner.txt\r\n', 'flags, then a path');
  assert.match((await listing(c, 'LIST -la /d')).text, /^-rw-r--r-- +1 ftp +ftp +1 \w{3} [ \d]\d \d\d:\d\d inner\.txt\r\n$/);
});

test('LIST and NLST of a missing path is 550 (sync tools mkdir only after a 550); of a file, that one file', async (t) => {
  const { c } = await withFiles(t);
  assert.equal((await listing(c, 'LIST missing')).code, 550);
  assert.equal((await listing(c, 'NLST missing/deeper')).code, 550);
  assert.equal((await listing(c, 'LIST -la missing')).code, 550);
  assert.equal((await listing(c, 'MLSD missing')).code, 550);
  assert.match((await listing(c, 'LIST new.txt')).text, /^-rw-r--r-- .* 5 \w{3} [ \d]\d \d\d:\d\d new\.txt\r\n$/);
  assert.equal((await listing(c, 'NLST d/inner.txt')).text, 'inner.txt\r\n');
  assert.equal((await listing(c, 'MLSD new.txt')).code, 501, 'MLSD of a file is refused (RFC 3659)');
});

test('LIST dates: recent files show the time, old ones the year (UTC)', async (t) => {
  const { c } = await withFiles(t);
  const lines = (await listing(c, 'LIST')).text.split('\r\n');
  assert.match(lines.find((l) => l.endsWith(' old.txt'))!, / Feb  3  2001 old\.txt$/);
  const now = new Date();
  const month = now.toUTCString().slice(8, 11);
  assert.match(lines.find((l) => l.endsWith(' new.txt'))!, new RegExp(` ${month} [ \\d]\\d \\d\\d:\\d\\d new\\.txt$`));
});

test('MLSD and MLST give exact RFC 3659 facts with UTC times', async (t) => {
  const { c } = await withFiles(t);
  const lines = (await listing(c, 'MLSD')).text.split('\r\n').filter(Boolean);
  const old = lines.find((l) => l.endsWith(' old.txt'));
  assert.match(old!, /^type=file;size=7;modify=20010203040506;perm=rawdf;unique=m\d+;UNIX\.mode=0644; old\.txt$/);
  assert.match(lines.find((l) => l.endsWith(' d'))!, /^type=dir;modify=\d{14}(\.\d{1,3})?;perm=elcmpdf;unique=m\d+;UNIX\.mode=0755; d$/);
  const mlst = await c.cmd('MLST old.txt');
  assert.equal(mlst.code, 250);
  assert.match(mlst.lines[1]!, /^ type=file;size=7;modify=20010203040506;perm=rawdf;unique=m\d+;UNIX\.mode=0644; \/old\.txt$/);
  assert.equal((await c.cmd('MDTM old.txt')).text, '20010203040506');
  assert.equal((await c.cmd('SIZE old.txt')).text, '7');
  assert.equal((await c.cmd('OPTS MLST size;modify;')).code, 200);
  assert.match((await c.cmd('MLST old.txt')).lines[1]!, /^ size=7;modify=20010203040506; \/old\.txt$/);
  assert.equal((await c.cmd('MLST missing')).code, 550);
});

test('TYPE, STRU and MODE variants', async (t) => {
  const { c } = await withFiles(t);
  const codes: Record<string, number> = {
    'TYPE A': 200, 'TYPE A N': 200, 'TYPE I': 200, 'TYPE L 8': 200, 'TYPE a': 200,
    'TYPE E': 504, 'TYPE A T': 504, 'TYPE A C': 504, 'TYPE L 7': 504, 'TYPE X': 501,
    'STRU F': 200, 'STRU R': 504, 'STRU P': 504, 'STRU Q': 501,
    'MODE S': 200, 'MODE B': 504, 'MODE C': 504, 'MODE Q': 501,
  };
  for (const [command, code] of Object.entries(codes)) assert.equal((await c.cmd(command)).code, code, command);
});

test('SMNT, ACCT, ALLO, REIN, SITE HELP, HELP, SYST', async (t) => {
  const { c } = await withFiles(t);
  assert.equal((await c.cmd('SMNT /x')).code, 502);
  assert.equal((await c.cmd('ACCT acme')).code, 202);
  assert.equal((await c.cmd('ALLO 1000')).code, 202);
  assert.equal((await c.cmd('ALLO 1000 R 10')).code, 202);
  assert.equal((await c.cmd('ALLO lots')).code, 501);
  const site = await c.cmd('SITE HELP');
  assert.equal(site.code, 214);
  assert.ok(site.lines.some((l) => /^ (.* )?HELP\b/.test(l)));
  assert.equal((await c.cmd('SITE HELP HELP')).code, 214);
  assert.equal((await c.cmd('SITE NOPE')).code, 502);
  const help = await c.cmd('HELP');
  assert.equal(help.code, 214);
  for (const verb of ['RETR', 'STOR', 'XMKD', 'MLSD', 'EPSV']) assert.match(help.text, new RegExp(`\\b${verb}\\b`));
  assert.equal((await c.cmd('HELP retr')).text, 'Syntax: RETR <sp> pathname');
  assert.equal((await c.cmd('HELP BOGUS')).code, 502);
  assert.match((await c.cmd('SYST')).text, /^UNIX Type: L8$/);
  assert.equal((await c.cmd('REIN')).code, 220);
  assert.equal((await c.cmd('PWD')).code, 530, 'REIN forgets the login');
  assert.equal((await c.cmd('USER test')).code, 331);
  assert.equal((await c.cmd('PASS test')).code, 230);
  assert.match((await c.cmd('STAT')).text, /TYPE: ASCII/, 'REIN resets TYPE to A');
});

test('STAT: server status (before and after login), a file, a directory', async (t) => {
  const { port } = await withFiles(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const before = await c.cmd('STAT');
  assert.equal(before.code, 211);
  assert.match(before.text, /Not logged in/);
  assert.equal((await c.cmd('STAT /')).code, 530);
  await c.cmd('USER test');
  await c.cmd('PASS test');
  assert.match((await c.cmd('STAT')).text, /Logged in as test/);
  const file = await c.cmd('STAT old.txt');
  assert.equal(file.code, 213);
  assert.match(file.lines[1]!, /^-rw-r--r-- .* 7 Feb  3  2001 old\.txt$/);
  const dir = await c.cmd('STAT /d');
  assert.equal(dir.code, 212);
  assert.match(dir.text, /inner\.txt/);
  assert.equal((await c.cmd('STAT missing')).code, 550);
});

test('OPTS UTF8 ON is accepted before login; FEAT announces UTF8 and what is on', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('OPTS UTF8 ON')).code, 200);
  assert.equal((await c.cmd('OPTS UTF-8 ON')).code, 200);
  assert.equal((await c.cmd('OPTS UTF8 MAYBE')).code, 501);
  assert.equal((await c.cmd('OPTS NOPE')).code, 501);
  const feat = await c.cmd('FEAT');
  assert.equal(feat.code, 211);
  for (const line of [' UTF8', ' EPSV', ' EPRT', ' SIZE', ' MDTM', ' REST STREAM', ' TVFS']) assert.ok(feat.lines.includes(line), line);
});

test('EPSV ALL: afterwards PASV, PORT and EPRT are refused, EPSV still works', async (t) => {
  const { port } = await startServer(t, { files: { '/f': 'x' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('EPSV ALL')).code, 200);
  assert.equal((await c.cmd('PASV')).code, 503);
  assert.equal((await c.cmd('PORT 127,0,0,1,200,10')).code, 503);
  assert.equal((await c.cmd('EPRT |1|127.0.0.1|51234|')).code, 503);
  const data = await c.epsv();
  c.send('RETR f');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'x');
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('EPSV 1')).code, 229);
  assert.equal((await c.cmd('EPSV 2')).code, 522);
  assert.equal((await c.cmd('EPSV x')).code, 501);
});

test('RFC 775 aliases XCUP XCWD XMKD XPWD XRMD behave as their commands (and share their permission checks)', async (t) => {
  const { port } = await startServer(t, { users: [{ username: 'test', password: 'test', rules: [{ path: '/locked', deny: ['mkdir', 'rmdir'] }] }], files: { '/locked/': null } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('XMKD sub')).text, '"/sub" created.');
  assert.equal((await c.cmd('XCWD sub')).code, 250);
  assert.equal((await c.cmd('XPWD')).text, '"/sub" is the current directory.');
  assert.equal((await c.cmd('XCUP')).code, 250);
  assert.equal((await c.cmd('XPWD')).text, '"/" is the current directory.');
  assert.equal((await c.cmd('XRMD sub')).code, 250);
  assert.equal((await c.cmd('XCWD sub')).code, 550);
  assert.equal((await c.cmd('XMKD locked/x')).code, 550, 'the MKD rule holds for XMKD');
  assert.equal((await c.cmd('MKD locked/x')).code, 550);
});

test('replies never contain a server path or OS error text (local disk)', async (t) => {
  const { port, root, server } = await startServer(t, { local: true });
  await mkdir(join(root, 'full'));
  await writeFile(join(root, 'full', 'f'), 'x');
  await writeFile(join(root, 'file'), 'x');
  await symlink('/etc', join(root, 'escape'));
  const replies: string[] = [];
  server.on('reply', ({ code, text }) => replies.push(`${code} ${text}`));
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const failing = [
    'CWD missing', 'CWD file', 'CWD escape', 'RETR missing', 'RETR full', 'SIZE missing', 'MDTM full', 'DELE full', 'DELE missing',
    'RMD full', 'RMD file', 'RMD missing', 'MKD full', 'MKD missing/deeper', 'RNFR missing', 'MLST escape', 'MLST escape/passwd',
    'STAT escape/passwd', 'SIZE escape/passwd', 'MKD file/sub', 'RNTO full',
  ];
  for (const command of failing) {
    const reply = await c.cmd(command);
    assert.ok(reply.code >= 500 && reply.code < 600, `${command}: ${reply.lines.join(' | ')}`);
  }
  assert.equal((await c.cmd('RNFR file')).code, 350);
  assert.equal((await c.cmd('RNTO full')).code, 550, 'a file cannot replace a directory');
  await c.epsv();
  assert.equal((await c.cmd('STOR full')).code, 550);
  await c.epsv();
  assert.equal((await c.cmd('LIST escape')).code, 550);
  const leaks = replies.filter((r) => r.includes(root) || /\/tmp|\/etc|E[A-Z]{4,}|errno|syscall|Error:/.test(r));
  assert.deepEqual(leaks, []);
});
