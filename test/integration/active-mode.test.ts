import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

/** A listening socket on the client side, as an active-mode client opens one. */
async function clientListener(t: import('node:test').TestContext, host = '127.0.0.1') {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  t.after(() => server.close());
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  return { port: (server.address() as AddressInfo).port, accepted };
}

test('PORT: the server dials the client, from its own address, and the transfer runs', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'active data' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const listener = await clientListener(t);
  assert.equal((await c.cmd(`PORT 127,0,0,1,${listener.port >> 8},${listener.port & 255}`)).code, 200);
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  const data = await listener.accepted;
  assert.equal(data.remoteAddress, '127.0.0.1');
  assert.equal((await readAll(data)).toString(), 'active data');
  assert.equal((await c.read()).code, 226);
});

test('EPRT |1|: an upload over an active connection', async (t) => {
  const { port, memory } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const listener = await clientListener(t);
  assert.equal((await c.cmd(`EPRT |1|127.0.0.1|${listener.port}|`)).code, 200);
  c.send('STOR up.txt');
  assert.equal((await c.read()).code, 150);
  (await listener.accepted).end('uploaded');
  assert.equal((await c.read()).code, 226);
  assert.equal((await memory!.stat('/up.txt')).size, 8);
});

test('active connection refused by the client: 425, and the session goes on', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'x' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const closed = createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const deadPort = (closed.address() as AddressInfo).port;
  closed.close();
  assert.equal((await c.cmd(`EPRT |1|127.0.0.1|${deadPort}|`)).code, 200);
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await c.read()).code, 425);
  assert.equal((await c.cmd('NOOP')).code, 200);
});

test('PORT and EPRT: other hosts (FTP bounce), privileged ports and bad syntax are refused', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const refused: Record<string, number> = {
    'PORT 10,0,0,1,200,10': 501,
    'PORT 127,0,0,2,200,10': 501,
    'PORT 127,0,0,1,0,21': 504,
    'PORT 127,0,0,1,0,0': 501,
    'PORT 127,0,0,1,300,1': 501,
    'PORT 127,0,0,1': 501,
    'PORT a,b,c,d,e,f': 501,
    'EPRT |1|10.0.0.1|5000|': 501,
    'EPRT |1|127.0.0.1|80|': 504,
    'EPRT |1|127.0.0.1|70000|': 501,
    'EPRT |2|::1|5000|': 501,
    'EPRT |3|x|5000|': 522,
    'EPRT 1|127.0.0.1|5000': 501,
    'EPRT |1|127.0.0.1|5000': 501,
  };
  for (const [command, code] of Object.entries(refused)) assert.equal((await c.cmd(command)).code, code, command);
});

test('active mode switched off: PORT and EPRT are 502 and FEAT no longer announces EPRT', async (t) => {
  const { port } = await startServer(t, { active: { enabled: false } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('PORT 127,0,0,1,200,10')).code, 502);
  assert.equal((await c.cmd('EPRT |1|127.0.0.1|51234|')).code, 502);
  assert.ok(!(await c.cmd('FEAT')).lines.includes(' EPRT'));
  assert.equal((await c.cmd('EPSV')).code, 229);
});
