import assert from 'node:assert/strict';
import { access, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { LocalFileSystem } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer, tempDir } from '../helpers/server.js';

const exists = (path: string) => access(path).then(() => true, () => false);

/**
 * A root with symlinks leading outside it (to a directory, to a file, and a
 * dangling one whose target would be created outside), and one that stays inside.
 */
async function jail(t: TestContext) {
  const outside = await tempDir(t, 'ftpkit-outside-');
  await writeFile(join(outside, 'secret.txt'), 'secret');
  await mkdir(join(outside, 'sub'));
  const started = await startServer(t, { local: true });
  const { root } = started;
  await writeFile(join(root, 'inside.txt'), 'inside');
  await symlink(outside, join(root, 'out-dir'));
  await symlink(join(outside, 'secret.txt'), join(root, 'out-file'));
  await symlink(join(outside, 'created-by-ftp.txt'), join(root, 'dangling'));
  await symlink(join(root, 'inside.txt'), join(root, 'in-link'));
  const c = await RawClient.login(started.port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  return { ...started, c, outside };
}

async function transfer(c: RawClient, command: string, upload?: string): Promise<{ code: number; body: string }> {
  const data = await c.epsv();
  const first = await c.cmd(command);
  if (first.code !== 150) {
    data.destroy();
    return { code: first.code, body: '' };
  }
  if (upload !== undefined) data.end(upload);
  const body = (await readAll(data).catch(() => Buffer.alloc(0))).toString(); // a refused upload may reset the socket
  return { code: (await c.read()).code, body };
}

test('jail: links leading outside the root cannot be read, listed, or inspected', async (t) => {
  const { c } = await jail(t);
  assert.equal((await transfer(c, 'RETR out-file')).code, 550);
  assert.equal((await transfer(c, 'RETR out-dir/secret.txt')).code, 550);
  assert.equal((await transfer(c, 'LIST out-dir')).code, 550);
  assert.equal((await transfer(c, 'NLST out-dir')).code, 550);
  assert.equal((await transfer(c, 'MLSD out-dir')).code, 550);
  for (const command of ['SIZE out-file', 'MDTM out-file', 'MLST out-file', 'STAT out-file', 'STAT out-dir', 'CWD out-dir', 'CWD out-dir/sub', 'SIZE dangling']) {
    assert.equal((await c.cmd(command)).code, 550, command);
  }
  assert.equal((await c.cmd('PWD')).text, '"/" is the current directory.');
  const names = (await transfer(c, 'NLST')).body.split('\r\n').filter(Boolean).sort();
  assert.deepEqual(names, ['in-link', 'inside.txt'], 'links leading out (or nowhere) are left out of listings');
  assert.equal((await transfer(c, 'RETR in-link')).body, 'inside', 'a link that stays inside works');
});

test('jail: links leading outside cannot be written through, renamed into or out of, or used to make and remove directories', async (t) => {
  const { c, outside, root } = await jail(t);
  assert.equal((await transfer(c, 'STOR out-file', 'pwned')).code, 550);
  assert.equal((await transfer(c, 'APPE out-file', 'pwned')).code, 550);
  assert.equal((await transfer(c, 'STOR out-dir/new.txt', 'pwned')).code, 550);
  assert.equal((await transfer(c, 'STOR dangling', 'pwned')).code, 550);
  assert.equal((await c.cmd('MKD out-dir/newdir')).code, 550);
  assert.equal((await c.cmd('RMD out-dir/sub')).code, 550);
  assert.equal((await c.cmd('RMD out-dir')).code, 550);
  assert.equal((await c.cmd('DELE out-dir/secret.txt')).code, 550);
  assert.equal((await c.cmd('RNFR out-dir/secret.txt')).code, 550);
  assert.equal((await c.cmd('RNFR out-file')).code, 550);
  assert.equal((await c.cmd('RNFR inside.txt')).code, 350);
  assert.equal((await c.cmd('RNTO out-dir/stolen.txt')).code, 550);
  assert.equal((await c.cmd('RNFR inside.txt')).code, 350);
  assert.equal((await c.cmd('RNTO dangling')).code, 550, 'renaming over a link that leads out is refused');

  assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), 'secret');
  assert.deepEqual((await readdir(outside)).sort(), ['secret.txt', 'sub']);
  assert.equal(await readFile(join(root, 'inside.txt'), 'utf8'), 'inside');
});

test('jail: "..", "//" and backslashes cannot climb out; NUL in a name is refused', async (t) => {
  const { c } = await jail(t);
  for (const path of ['../../../../etc/passwd', '/../../etc/passwd', '..\\..\\..\\etc\\passwd', '//etc//passwd', '/./../etc/passwd']) {
    assert.equal((await c.cmd(`SIZE ${path}`)).code, 550, path);
  }
  assert.equal((await c.cmd('CWD ../../..')).code, 250);
  assert.equal((await c.cmd('PWD')).text, '"/" is the current directory.');
  assert.equal((await c.cmd('CWD ..\\..')).code, 250);
  assert.equal((await c.cmd('PWD')).text, '"/" is the current directory.');
  assert.equal((await c.cmd('SIZE ..//inside.txt')).text, '6', '".." at the root stays at the root');
  assert.equal((await c.cmd('MKD a\0b')).code, 553);
  assert.equal((await c.cmd('RETR \0')).code, 553);
});

test('jail: a root that is itself a symlink works, and its links inside still resolve', async (t) => {
  const real = await tempDir(t);
  await writeFile(join(real, 'f.txt'), 'via link');
  const linkParent = await tempDir(t);
  const linkedRoot = join(linkParent, 'root-link');
  await symlink(real, linkedRoot);
  const { port } = await startServer(t, { filesystem: new LocalFileSystem(linkedRoot) });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await transfer(c, 'RETR f.txt')).body, 'via link');
  assert.equal((await transfer(c, 'STOR g.txt', 'new')).code, 226);
  assert.equal(await exists(join(real, 'g.txt')), true);
});
