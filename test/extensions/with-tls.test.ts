import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { MemoryFileSystem } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { TlsControl, tlsOptions } from '../helpers/tls.js';

const TEXT = 'compress me please\n'.repeat(2000);

test('with TLS required: HOST, CLNT and LANG work before AUTH; MODE Z and HASH work under PROT P', async (t) => {
  const { port } = await startServer(t, {
    tls: tlsOptions(),
    virtualHosts: [{ name: 'a.example', users: [{ username: 'anna', password: 'pw' }], filesystem: new MemoryFileSystem({ '/t.txt': TEXT }) }],
  });
  const plain = await RawClient.connect(port);
  t.after(() => plain.close());
  assert.equal((await plain.cmd('USER anna')).code, 530, 'TLS is required before login');
  plain.close();

  const s = await TlsControl.explicit(port);
  t.after(() => s.close());
  // HOST may also come after AUTH, as long as it precedes USER.
  assert.equal((await s.client.cmd('HOST a.example')).code, 220);
  assert.equal((await s.client.cmd('CLNT test-suite')).code, 200);
  await s.login('anna', 'pw');
  assert.equal((await s.client.cmd('MODE Z')).code, 200);
  await s.client.cmd('TYPE I');
  const socket = await s.epsv();
  s.client.send('RETR t.txt');
  assert.equal((await s.client.read()).code, 150);
  const secure = TlsControl.dataTls(socket, s.session);
  await once(secure, 'secureConnect');
  const compressed = await readAll(secure as never);
  assert.equal((await s.client.read()).code, 226);
  assert.equal(inflateSync(compressed).toString(), TEXT);
  assert.match((await s.client.cmd('HASH t.txt')).text, /^SHA-256 0-\d+ [0-9a-f]{64} t\.txt$/);

  const before = await RawClient.connect(port);
  t.after(() => before.close());
  assert.equal((await before.cmd('HOST a.example')).code, 220, 'HOST is allowed before AUTH (RFC 7151)');
  assert.equal((await before.cmd('LANG EN')).code, 200);
  assert.equal((await before.cmd('CLNT x')).code, 200);
});
