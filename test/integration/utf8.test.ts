import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { test } from 'node:test';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

const NAME = 'Ünïcødé 日本語 ✓';

async function nlst(c: RawClient, encoding: BufferEncoding = 'utf8'): Promise<string[]> {
  const data = await c.epsv();
  assert.equal((await c.cmd('NLST')).code, 150);
  const names = (await readAll(data)).toString(encoding).split('\r\n').filter(Boolean);
  assert.equal((await c.read()).code, 226);
  return names;
}

test('UTF-8 is the default: names arrive, are stored, listed and echoed back in UTF-8', async (t) => {
  const { port, root } = await startServer(t, { local: true });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd(`MKD ${NAME}`)).text, `"/${NAME}" created.`);
  assert.equal((await c.cmd(`CWD ${NAME}`)).code, 250);
  assert.equal((await c.cmd('PWD')).text, `"/${NAME}" is the current directory.`);
  assert.equal((await c.cmd('CDUP')).code, 250);
  assert.deepEqual(await readdir(root), [NAME], 'the name on disk is the UTF-8 name');
  assert.deepEqual(await nlst(c), [NAME]);
  assert.match((await c.cmd(`MLST ${NAME}`)).lines[1]!, new RegExp(`type=dir;.* /${NAME}$`));
});

test('a line that is not valid UTF-8 is read as Latin-1: distinct names stay distinct, nothing becomes U+FFFD', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  for (const byte of [0xe9, 0xe8]) {
    c.write(Buffer.concat([Buffer.from('MKD caf'), Buffer.from([byte]), Buffer.from('\r\n')]));
    assert.equal((await c.read()).code, 257);
  }
  assert.deepEqual((await nlst(c)).sort(), ['café', 'cafè'].sort());
});

test('OPTS UTF8 OFF: commands, replies and listings use Latin-1; OPTS UTF8 ON switches back', async (t) => {
  const { port, memory } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('OPTS UTF8 OFF')).code, 200);
  c.setEncoding('latin1');
  c.send('MKD café', 'latin1');
  assert.equal((await c.read()).text, '"/café" created.');
  assert.deepEqual(await nlst(c, 'latin1'), ['café']);
  assert.deepEqual((await memory!.list('/')).map((f) => f.name), ['café'], 'stored as the same characters');
  assert.equal((await c.cmd('OPTS UTF8 ON')).code, 200);
  c.setEncoding('utf8');
  assert.deepEqual(await nlst(c), ['café']);
});
