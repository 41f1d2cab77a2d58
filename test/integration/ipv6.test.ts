import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

test('IPv6: EPSV answers, PASV (IPv4 only) is refused, EPSV 1 is 522', async (t) => {
  const { port } = await startServer(t, { host: '::1', files: { '/f.txt': 'over v6' } });
  const c = await RawClient.login(port, 'test', 'test', '::1');
  t.after(() => c.close());
  assert.equal((await c.cmd('PASV')).code, 425);
  assert.equal((await c.cmd('EPSV 1')).code, 522);
  assert.equal((await c.cmd('EPSV 2')).code, 229);
  const data = await c.epsv();
  assert.equal(data.remoteAddress, '::1');
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'over v6');
  assert.equal((await c.read()).code, 226);
});

test('IPv6: EPRT |2|::|port| (lftp) means the client\'s own address; |2|::1| works; |1| is refused', async (t) => {
  const { port } = await startServer(t, { host: '::1', files: { '/f.txt': 'dialled' } });
  const c = await RawClient.login(port, 'test', 'test', '::1');
  t.after(() => c.close());
  for (const address of ['::', '::1']) {
    const listener = createServer();
    listener.listen(0, '::1');
    await once(listener, 'listening');
    t.after(() => listener.close());
    const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
    const dataPort = (listener.address() as AddressInfo).port;
    assert.equal((await c.cmd(`EPRT |2|${address}|${dataPort}|`)).code, 200, address);
    c.send('RETR f.txt');
    assert.equal((await c.read()).code, 150);
    const data = await accepted;
    assert.equal(data.remoteAddress, '::1');
    assert.equal((await readAll(data)).toString(), 'dialled');
    assert.equal((await c.read()).code, 226);
  }
  assert.equal((await c.cmd('EPRT |1|127.0.0.1|5000|')).code, 501, 'not the client\'s address');
  assert.equal((await c.cmd('EPRT |2|2001:db8::1|5000|')).code, 501, 'FTP bounce to another IPv6 host');
});

test('dual stack: listening on "::", an IPv4 client gets a usable PASV reply with its IPv4 address', async (t) => {
  const { port } = await startServer(t, { host: '::', files: { '/f.txt': 'mapped' } });
  const c = await RawClient.login(port, 'test', 'test', '127.0.0.1');
  t.after(() => c.close());
  const { host, port: dataPort } = await c.pasv();
  assert.equal(host, '127.0.0.1');
  const { connect } = await import('node:net');
  const data = connect({ host, port: dataPort });
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'mapped');
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('EPSV 1')).code, 229);
});
