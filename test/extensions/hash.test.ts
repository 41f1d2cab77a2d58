import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { parseDigestArgument } from '../../src/commands/hash.js';
import { MemoryFileSystem, type FileStat, type FileSystem } from '../../src/index.js';
import { lftp, needTool } from '../helpers/clients.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

const CONTENT = Buffer.from('The quick brown fox jumps over the lazy dog\n'.repeat(1000));
const sha = (name: string, data: Buffer) => createHash(name).update(data).digest('hex');
const crc = (data: Buffer) => (crc32(data) >>> 0).toString(16).padStart(8, '0');

test('FEAT announces HASH with the selected algorithm starred, and the X-digests', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const feat = await c.cmd('FEAT');
  assert.ok(feat.lines.includes(' HASH SHA-1;SHA-256*;SHA-512;MD5;CRC32'));
  for (const x of ['XCRC', 'XMD5', 'XSHA1', 'XSHA256', 'XSHA512']) assert.ok(feat.lines.includes(` ${x}`), x);
  assert.ok(!feat.lines.some((l) => l.startsWith(' RANG')), 'RANG STREAM is not claimed: uploads cannot use a range');
  assert.equal((await c.cmd('OPTS HASH')).text, 'SHA-256');
  assert.equal((await c.cmd('OPTS HASH sha1')).text, 'SHA-1');
  const unknown = await c.cmd('OPTS HASH CRC-37');
  assert.equal(unknown.code, 501);
  assert.equal((await c.cmd('OPTS HASH')).text, 'SHA-1', 'unchanged after a refusal');
  assert.ok((await c.cmd('FEAT')).lines.includes(' HASH SHA-1*;SHA-256;SHA-512;MD5;CRC32'));
});

test('HASH computes every algorithm by streaming the file (the filesystem has no hash())', async (t) => {
  const { port } = await startServer(t, { files: { '/dir/fox file.txt': CONTENT, '/empty': '' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const last = CONTENT.length - 1;
  const expected: Record<string, string> = {
    'SHA-1': sha('sha1', CONTENT),
    'SHA-256': sha('sha256', CONTENT),
    'SHA-512': sha('sha512', CONTENT),
    MD5: sha('md5', CONTENT),
    CRC32: crc(CONTENT),
  };
  for (const [algorithm, hex] of Object.entries(expected)) {
    assert.equal((await c.cmd(`OPTS HASH ${algorithm}`)).code, 200);
    const reply = await c.cmd('HASH dir/fox file.txt');
    assert.equal(reply.code, 213, algorithm);
    assert.equal(reply.text, `${algorithm} 0-${last} ${hex} dir/fox file.txt`);
  }
  await c.cmd('OPTS HASH SHA-256');
  assert.equal((await c.cmd('HASH empty')).text, `SHA-256 0-0 ${sha('sha256', Buffer.alloc(0))} empty`);
  assert.equal((await c.cmd('HASH dir')).code, 553);
  assert.equal((await c.cmd('HASH missing')).code, 550);
  assert.equal((await c.cmd('HASH')).code, 501);
});

test('RANG selects a byte range for HASH and RETR; RANG 1 0, REST and REIN reset', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': '0123456789' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const set = await c.cmd('RANG 2 5');
  assert.equal(set.code, 350);
  assert.equal((await c.cmd('HASH f.txt')).text, `SHA-256 2-5 ${sha('sha256', Buffer.from('2345'))} f.txt`);
  // The range stays until reset: a second HASH and a RETR use it too.
  assert.match((await c.cmd('HASH f.txt')).text, /^SHA-256 2-5 /);
  let data = await c.epsv();
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), '2345');
  assert.equal((await c.read()).code, 226);
  // Uploads cannot use a range.
  await c.epsv();
  assert.equal((await c.cmd('STOR g.txt')).code, 554);
  assert.equal((await c.cmd('APPE f.txt')).code, 554);
  // An end past the file is clipped; a start past it is refused.
  assert.equal((await c.cmd('RANG 7 100')).code, 350);
  assert.equal((await c.cmd('HASH f.txt')).text, `SHA-256 7-9 ${sha('sha256', Buffer.from('789'))} f.txt`);
  assert.equal((await c.cmd('RANG 10 20')).code, 350);
  assert.equal((await c.cmd('HASH f.txt')).code, 554);
  assert.equal((await c.cmd('RANG 1 0')).code, 350);
  assert.match((await c.cmd('HASH f.txt')).text, /^SHA-256 0-9 /);
  assert.equal((await c.cmd('RANG 5 2')).code, 501);
  assert.equal((await c.cmd('RANG a b')).code, 501);
  assert.equal((await c.cmd('RANG 0 0')).code, 350);
  assert.match((await c.cmd('HASH f.txt')).text, /^SHA-256 0-0 /);
  assert.equal((await c.cmd('REST 3')).code, 350);
  assert.match((await c.cmd('HASH f.txt')).text, /^SHA-256 0-9 /, 'REST ended the range');
  data = await c.epsv();
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), '3456789');
  assert.equal((await c.read()).code, 226);
  await c.cmd('OPTS HASH MD5');
  await c.cmd('RANG 0 1');
  assert.equal((await c.cmd('REIN')).code, 220);
  assert.equal((await c.cmd('USER test')).code, 331);
  assert.equal((await c.cmd('PASS test')).code, 230);
  assert.equal((await c.cmd('OPTS HASH')).text, 'SHA-256');
  assert.match((await c.cmd('HASH f.txt')).text, /^SHA-256 0-9 /);
});

test('XCRC, XMD5, XSHA1, XSHA256, XSHA512 answer 250 with the digest; ranges end exclusive', async (t) => {
  const { port } = await startServer(t, { files: { '/a b 1 2': 'abcdef', '/x.bin': CONTENT } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const crcReply = await c.cmd('XCRC x.bin');
  assert.equal(crcReply.code, 250);
  assert.equal(crcReply.text, crc(CONTENT).toUpperCase());
  assert.equal((await c.cmd('XMD5 x.bin')).text, sha('md5', CONTENT));
  assert.equal((await c.cmd('XSHA1 x.bin')).text, sha('sha1', CONTENT));
  assert.equal((await c.cmd('XSHA256 x.bin')).text, sha('sha256', CONTENT));
  assert.equal((await c.cmd('XSHA512 x.bin')).text, sha('sha512', CONTENT));
  assert.equal((await c.cmd('XMD5 x.bin 4 9')).text, sha('md5', CONTENT.subarray(4, 9)));
  assert.equal((await c.cmd('XMD5 "a b 1 2"')).text, sha('md5', Buffer.from('abcdef')));
  assert.equal((await c.cmd('XMD5 "a b 1 2" 1 3')).text, sha('md5', Buffer.from('bc')));
  assert.equal((await c.cmd('XMD5 x.bin 9 4')).code, 501);
  assert.equal((await c.cmd('XCRC nothing')).code, 550);
  assert.deepEqual(parseDigestArgument('"say ""hi""" 1 2'), { path: 'say "hi"', start: 1, end: 2 });
  assert.deepEqual(parseDigestArgument('plain name'), { path: 'plain name', start: 0, end: undefined });
});

test('hash options: algorithms offered, size policy (556), switched off entirely', async (t) => {
  const limited = await startServer(t, { files: { '/big': Buffer.alloc(2000), '/small': 'x' }, hash: { algorithms: ['SHA-1', 'SHA-512'], maxBytes: 1000 } });
  const c = await RawClient.login(limited.port);
  t.after(() => c.close());
  const feat = await c.cmd('FEAT');
  assert.ok(feat.lines.includes(' HASH SHA-1*;SHA-512'), 'without SHA-256 the first offered is the default');
  assert.ok(feat.lines.includes(' XSHA1') && !feat.lines.includes(' XMD5') && !feat.lines.includes(' XCRC'));
  assert.equal((await c.cmd('XMD5 small')).code, 502);
  assert.equal((await c.cmd('OPTS HASH MD5')).code, 501);
  assert.equal((await c.cmd('HASH big')).code, 556);
  assert.equal((await c.cmd('RANG 0 999')).code, 350);
  assert.equal((await c.cmd('HASH big')).code, 213, 'a range within the policy is fine');

  const off = await startServer(t, { files: { '/small': 'x' }, hash: false });
  const d = await RawClient.login(off.port);
  t.after(() => d.close());
  const featOff = await d.cmd('FEAT');
  assert.ok(!featOff.lines.some((l) => /HASH|XCRC|XMD5|XSHA/.test(l)));
  assert.equal((await d.cmd('HASH small')).code, 502);
  assert.equal((await d.cmd('XSHA1 small')).code, 502);
  assert.equal((await d.cmd('RANG 0 1')).code, 502);
  assert.equal((await d.cmd('OPTS HASH')).code, 501);
});

/** Storage whose one file is endless and slow: a hash of it only ends by ABOR. */
function endlessFileSystem(): FileSystem {
  const base = new MemoryFileSystem();
  const stat: FileStat = { name: 'endless', type: 'file', size: 1e12, mtime: new Date() };
  return Object.assign(Object.create(base) as FileSystem, {
    stat: async (path: string) => (path === '/endless' ? stat : base.stat(path)),
    read: async () =>
      new Readable({
        read() {
          setTimeout(() => this.push(Buffer.alloc(64 * 1024, 1)), 5);
        },
      }),
  });
}

test('a hash runs like a transfer: STAT reports it, ABOR stops it (426, 226), the session goes on', async (t) => {
  const { port } = await startServer(t, { filesystem: endlessFileSystem() });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  c.send('HASH endless');
  // STAT is answered while the hash runs, and its byte count grows.
  let hashed = 0;
  for (let i = 0; i < 100 && hashed === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const stat = await c.cmd('STAT');
    assert.equal(stat.code, 213);
    hashed = Number(/(\d+) bytes/.exec(stat.text)?.[1]);
  }
  assert.ok(hashed > 0);
  assert.equal((await c.cmd('NOOP')).code, 200);
  c.send('ABOR');
  const aborted = await c.read();
  assert.equal(aborted.code, 426);
  assert.equal(aborted.text, 'Hash aborted.');
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('PWD')).code, 257);
});

test('the filesystem hash() is used when present; the server-wide concurrency limit answers 450', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const calls: unknown[] = [];
  const base = new MemoryFileSystem({ '/f': 'data' });
  const fs = Object.assign(Object.create(base) as FileSystem, {
    hash: async (path: string, options: unknown, ctx: { signal: AbortSignal }) => {
      calls.push({ path, options });
      await Promise.race([gate, new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)))]);
      return 'ABCDEF0123';
    },
  });
  const { port } = await startServer(t, { filesystem: fs, hash: { concurrency: 1 } });
  const a = await RawClient.login(port);
  const b = await RawClient.login(port);
  t.after(() => a.close());
  t.after(() => b.close());
  a.send('HASH f');
  while (calls.length === 0) await new Promise((r) => setTimeout(r, 5));
  const busy = await b.cmd('XSHA1 f');
  assert.equal(busy.code, 450);
  release();
  assert.equal((await a.read()).text, 'SHA-256 0-3 abcdef0123 f');
  assert.deepEqual(calls, [{ path: '/f', options: { algorithm: 'SHA-256', start: 0, end: 4 } }]);
  assert.equal((await b.cmd('XSHA1 f')).text, 'abcdef0123', 'the slot is free again');
});

test('lftp gets HASH and OPTS HASH answers through quote', async (t) => {
  if (!needTool(t, 'lftp')) return;
  const { port } = await startServer(t, { files: { '/fox.txt': CONTENT } });
  const result = await lftp(`open -u test,test ftp://127.0.0.1:${port}; quote OPTS HASH SHA-512; quote HASH fox.txt; quote XCRC fox.txt`);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /200 SHA-512/);
  assert.ok(result.stdout.includes(`213 SHA-512 0-${CONTENT.length - 1} ${sha('sha512', CONTENT)} fox.txt`), result.stdout);
  assert.ok(result.stdout.includes(`250 ${crc(CONTENT).toUpperCase()}`), result.stdout);
});
