import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { LocalFileSystem } from '../../src/index.js';
import { curl, needTool } from '../helpers/clients.js';
import { assertSameBytes, payload } from '../helpers/matrix.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer, tempDir } from '../helpers/server.js';
import { tlsOptions } from '../helpers/tls.js';

// Downloads read the file into chunks that are read into again once the socket
// wrote them (src/fs/file-chunks.ts). Small chunks make a few MB many chunks,
// each handed to the socket in pieces (128 KB first): a chunk reused too early
// would show up as wrong bytes here.
const CHUNK = 256 * 1024;
const content = payload(48 * CHUNK + 4567); // 12 MB: more than loopback socket buffers hold

async function serveBigFile(t: Parameters<typeof startServer>[0], tls = false) {
  const root = await tempDir(t);
  await writeFile(join(root, 'big.bin'), content);
  const started = await startServer(t, { filesystem: new LocalFileSystem(root, { chunkSize: CHUNK }), ...(tls ? { tls: tlsOptions() } : {}) });
  return { ...started, local: await tempDir(t) };
}

test('multi-chunk downloads keep every byte: curl, curl over FTPS, and curl resuming (-C)', async (t) => {
  if (!needTool(t, 'curl')) return;
  const { port, local } = await serveBigFile(t);
  const url = `ftp://test:test@127.0.0.1:${port}/big.bin`;
  const plain = await curl(['-o', join(local, 'plain.bin'), url]);
  assert.equal(plain.code, 0, plain.stderr);
  assertSameBytes(await readFile(join(local, 'plain.bin')), content, 'curl');

  await writeFile(join(local, 'resumed.bin'), content.subarray(0, CHUNK + 999));
  const resumed = await curl(['-C', '-', '-o', join(local, 'resumed.bin'), url]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assertSameBytes(await readFile(join(local, 'resumed.bin')), content, 'curl -C -');

  // With TLS configured, logins need it (secure by default): a server of its own.
  const tls = await serveBigFile(t, true);
  const secure = await curl(['--ssl-reqd', '--insecure', '-o', join(local, 'secure.bin'), `ftp://test:test@127.0.0.1:${tls.port}/big.bin`]);
  assert.equal(secure.code, 0, secure.stderr);
  assertSameBytes(await readFile(join(local, 'secure.bin')), content, 'curl over FTPS');
});

test('a multi-chunk download to a client that reads late (the socket pushes back) keeps every byte', async (t) => {
  const { port } = await serveBigFile(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  await c.cmd('REST 300001');
  const data = await c.epsv();
  data.pause(); // the kernel buffers fill and the server waits for 'drain' with chunks in flight
  assert.equal((await c.cmd('RETR big.bin')).code, 150);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assertSameBytes(await readAll(data), content.subarray(300_001), 'REST + RETR read late');
  assert.equal((await c.read()).code, 226);
});
