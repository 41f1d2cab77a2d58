import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

const files = { '/a/b/deep.txt': 'deep', '/a/c/': null, '/top.txt': 'top' };

test('TVFS (RFC 3659 6): one tree, "/" separated, absolute from the root, relative to the working directory', async (t) => {
  const { port } = await startServer(t, { files });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.ok((await c.cmd('FEAT')).lines.includes(' TVFS'));
  const pwd = async () => /^"(.*)"/.exec((await c.cmd('PWD')).text)![1];
  assert.equal((await c.cmd('CWD /a/b')).code, 250);
  assert.equal(await pwd(), '/a/b');
  assert.equal((await c.cmd('CWD ../c')).code, 250, 'relative to the working directory');
  assert.equal(await pwd(), '/a/c');
  assert.equal((await c.cmd('SIZE /a/b/deep.txt')).text, '4', 'absolute paths start at the root');
  assert.equal((await c.cmd('SIZE ../b/./deep.txt')).text, '4', '. and .. components');
  assert.equal((await c.cmd('SIZE /a//b///deep.txt')).text, '4', 'empty components are ignored');
  assert.equal((await c.cmd('CWD /a/b/')).code, 250, 'a trailing slash names the directory');
  assert.equal((await c.cmd('CWD /../../..')).code, 250, '.. never climbs above the root');
  assert.equal(await pwd(), '/');
  assert.equal((await c.cmd('MLST a/../top.txt')).lines[1]?.endsWith(' /top.txt'), true, 'MLST names the normalized path');
  assert.equal((await c.cmd('CWD top.txt')).code, 550, 'a file is not a directory');
  assert.equal((await c.cmd('SIZE A/B/DEEP.TXT')).code, 550, 'names are case-sensitive');
});

test('STAT: 211 without argument, 213 for a file, 212 for a directory, ls flags are not a path', async (t) => {
  const { port } = await startServer(t, { files });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('STAT')).code, 211);
  const file = await c.cmd('STAT top.txt');
  assert.equal(file.code, 213);
  assert.equal(file.lines.length, 3);
  assert.match(file.lines[1]!, / 3 .* top\.txt$/);
  const dir = await c.cmd('STAT /a');
  assert.equal(dir.code, 212);
  assert.deepEqual(dir.lines.slice(1, -1).map((l) => l.split(' ').at(-1)).sort(), ['b', 'c']);
  assert.equal((await c.cmd('STAT -la /a')).code, 212);
  const here = await c.cmd('STAT -l');
  assert.equal(here.code, 212, 'flags alone: the working directory');
  assert.match(here.text, /top\.txt/);
  assert.equal((await c.cmd('STAT /nothing')).code, 550);
  await c.cmd('MODE Z');
  assert.match((await c.cmd('STAT')).text, /transfer MODE: Deflate/, 'STAT over the control channel is never compressed');
});
