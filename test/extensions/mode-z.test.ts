import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateSync, gzipSync, inflateSync } from 'node:zlib';
import { lftp, needTool } from '../helpers/clients.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer, tempDir } from '../helpers/server.js';

const TEXT = Buffer.from('line of text that compresses well\n'.repeat(5000));

async function transfer(c: RawClient, command: string, upload?: Buffer): Promise<Buffer> {
  const data = await c.epsv();
  c.send(command);
  assert.equal((await c.read()).code, 150, command);
  if (upload) data.end(upload);
  const received = await readAll(data);
  assert.equal((await c.read()).code, 226, command);
  return received;
}

test('MODE Z: FEAT, downloads and listings deflated, uploads inflated, MODE S back to plain', async (t) => {
  const { port } = await startServer(t, { files: { '/text.txt': TEXT } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.ok((await c.cmd('FEAT')).lines.includes(' MODE Z'));
  await c.cmd('TYPE I');
  assert.equal((await c.cmd('MODE Z')).code, 200);
  assert.match((await c.cmd('STAT')).text, /transfer MODE: Deflate/);

  const compressed = await transfer(c, 'RETR text.txt');
  assert.ok(compressed.length < TEXT.length / 10, `compressed to ${compressed.length} bytes`);
  assert.deepEqual(inflateSync(compressed), TEXT);

  assert.equal(inflateSync(await transfer(c, 'NLST')).toString(), 'text.txt\r\n');
  assert.match(inflateSync(await transfer(c, 'MLSD')).toString(), /size=\d+;.* text\.txt\r\n/);

  const random = randomBytes(100_000);
  await transfer(c, 'STOR up.bin', deflateSync(random));
  await transfer(c, 'STOR gz.bin', gzipSync(random));
  await transfer(c, 'STOR empty.bin', Buffer.alloc(0));
  assert.equal((await c.cmd('MODE S')).code, 200);
  assert.deepEqual(await transfer(c, 'RETR up.bin'), random);
  assert.deepEqual(await transfer(c, 'RETR gz.bin'), random);
  assert.equal((await c.cmd('SIZE empty.bin')).text, '0');
});

test('MODE Z with TYPE A compresses the CRLF form; REST offsets count uncompressed bytes; OPTS MODE Z LEVEL', async (t) => {
  const { port } = await startServer(t, { files: { '/unix.txt': 'a\nb\nc\n' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('MODE Z')).code, 200);
  assert.equal(inflateSync(await transfer(c, 'RETR unix.txt')).toString(), 'a\r\nb\r\nc\r\n');
  await c.cmd('TYPE I');
  assert.equal((await c.cmd('REST 2')).code, 350);
  assert.equal(inflateSync(await transfer(c, 'RETR unix.txt')).toString(), 'b\nc\n');
  const level = await c.cmd('OPTS MODE Z LEVEL 1');
  assert.equal(level.code, 200);
  assert.equal(level.text, 'MODE Z compression level set to 1.');
  assert.equal((await c.cmd('OPTS MODE Z')).text, 'MODE Z compression level set to 1.');
  assert.equal((await c.cmd('OPTS MODE Z LEVEL 10')).code, 501);
  assert.equal((await c.cmd('OPTS MODE X')).code, 501);
  assert.equal(inflateSync(await transfer(c, 'RETR unix.txt')).toString(), 'a\nb\nc\n');
  // A corrupt compressed upload is an error, not a silently stored file.
  const data = await c.epsv();
  c.send('STOR bad.bin');
  assert.equal((await c.read()).code, 150);
  data.end(Buffer.from('this is not zlib data at all'));
  const reply = await c.read();
  assert.ok(reply.code >= 400, `got ${reply.code}`);
  assert.equal((await c.cmd('NOOP')).code, 200);
});

test('MODE Z can be switched off: 504, and FEAT does not announce it', async (t) => {
  const { port } = await startServer(t, { modeZ: false });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.ok(!(await c.cmd('FEAT')).lines.includes(' MODE Z'));
  assert.equal((await c.cmd('MODE Z')).code, 504);
  assert.equal((await c.cmd('MODE B')).code, 504);
});

test('lftp with ftp:use-mode-z downloads, uploads and lists compressed', async (t) => {
  if (!needTool(t, 'lftp')) return;
  const { port, root } = await startServer(t, { local: true });
  const work = await tempDir(t);
  const original = Buffer.concat([TEXT, randomBytes(50_000)]);
  await writeFile(join(root, 'down.bin'), original);
  await writeFile(join(work, 'up.bin'), original);
  const result = await lftp(
    [
      'set ftp:use-mode-z true',
      'debug -o ' + join(work, 'debug.log') + ' 5',
      `open -u test,test ftp://127.0.0.1:${port}`,
      `get down.bin -o ${join(work, 'got.bin')}`,
      `put ${join(work, 'up.bin')} -o up.bin`,
      'cls -1',
    ].join('; '),
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(await readFile(join(work, 'got.bin')), original);
  assert.deepEqual(await readFile(join(root, 'up.bin')), original);
  assert.deepEqual(result.stdout.trim().split('\n').sort(), ['down.bin', 'up.bin']);
  const log = await readFile(join(work, 'debug.log'), 'utf8');
  assert.match(log, /---> MODE Z/);
  assert.match(log, /<--- 200 Mode set to Z\./);
});
