import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { test } from 'node:test';
import { addressBytes } from '../../src/commands/long-passive.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

/** Parses "228 Entering Long Passive Mode (af,hal,h...,pal,p1,p2)". */
function parseLongPassive(text: string): { family: number; host: string; port: number } {
  const fields = /\(([\d,]+)\)/.exec(text)![1]!.split(',').map(Number);
  const [family, length] = fields as [number, number];
  const bytes = fields.slice(2, 2 + length);
  assert.equal(fields[2 + length], 2);
  const port = fields[3 + length]! * 256 + fields[4 + length]!;
  const host = family === 4 ? bytes.join('.') : bytes.reduce((out, b, i) => out + (i % 2 === 0 && i > 0 ? ':' : '') + b.toString(16).padStart(2, '0'), '');
  return { family, host, port };
}

function ipv6Available(): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
}

test('address bytes for LPRT/LPSV, IPv4 and IPv6', () => {
  assert.deepEqual(addressBytes('127.0.0.1'), [127, 0, 0, 1]);
  assert.deepEqual(addressBytes('::1'), [...Array(15).fill(0), 1]);
  assert.deepEqual(addressBytes('2001:db8::ff00:42:8329'), [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83, 0x29]);
  assert.deepEqual(addressBytes('::ffff:1.2.3.4'), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
});

test('LPSV over IPv4 answers 228 with af 4 and carries a listing', async (t) => {
  const { port } = await startServer(t, { files: { '/a.txt': 'x' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const reply = await c.cmd('LPSV');
  assert.equal(reply.code, 228);
  assert.match(reply.text, /^Entering Long Passive Mode \(4,4,127,0,0,1,2,\d+,\d+\)/);
  const target = parseLongPassive(reply.text);
  const data = connect({ host: target.host, port: target.port });
  c.send('NLST');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'a.txt\r\n');
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('LPSV x')).code, 501);
});

test('LPRT to the client itself carries a download; bounce, low ports and bad forms are refused', async (t) => {
  const { port } = await startServer(t, { files: { '/a.txt': 'hello' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  t.after(() => listener.close());
  const p = (listener.address() as AddressInfo).port;
  assert.equal((await c.cmd(`LPRT 4,4,127,0,0,1,2,${p >> 8},${p & 255}`)).code, 200);
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  c.send('RETR a.txt');
  assert.equal((await c.read()).code, 150);
  const [socket] = await accepted;
  assert.equal((await readAll(socket)).toString(), 'hello');
  assert.equal((await c.read()).code, 226);

  assert.equal((await c.cmd('LPRT 4,4,10,0,0,1,2,200,10')).code, 501, 'another host (bounce)');
  assert.equal((await c.cmd('LPRT 4,4,127,0,0,1,2,0,21')).code, 504, 'privileged port');
  assert.equal((await c.cmd('LPRT 5,4,127,0,0,1,2,200,10')).code, 521, 'unknown address family');
  assert.equal((await c.cmd('LPRT 4,4,127,0,0,1,2,0,0')).code, 501, 'port 0');
  assert.equal((await c.cmd('LPRT 4,16,127,0,0,1,2,200,10')).code, 501, 'wrong address length');
  assert.equal((await c.cmd('LPRT 4,4,127,0,0,1,3,1,200,10')).code, 501, 'wrong port length');
  assert.equal((await c.cmd('LPRT 4,4,127,0,0,300,2,200,10')).code, 501, 'byte out of range');
  assert.equal((await c.cmd('LPRT 6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,200,10')).code, 501, 'IPv6 ::1 is not the IPv4 client');
  assert.ok(!(await c.cmd('FEAT')).text.includes('LPSV'), 'RFC 1639 defines no FEAT line');
  const help = await c.cmd('HELP');
  assert.ok(help.text.includes('LPRT') && help.text.includes('LPSV'));
});

test('after EPSV ALL, LPRT and LPSV are refused with 503', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('EPSV ALL')).code, 200);
  assert.equal((await c.cmd('LPSV')).code, 503);
  assert.equal((await c.cmd('LPRT 4,4,127,0,0,1,2,200,10')).code, 503);
});

test('LPSV and LPRT over IPv6 use af 6 with 16 address bytes', async (t) => {
  if (!(await ipv6Available())) {
    t.skip('no IPv6 loopback on this machine');
    return;
  }
  const { port } = await startServer(t, { host: '::1', files: { '/six.txt': 'v6' } });
  const c = await RawClient.login(port, 'test', 'test', '::1');
  t.after(() => c.close());
  const reply = await c.cmd('LPSV');
  assert.equal(reply.code, 228);
  assert.match(reply.text, /\(6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,\d+,\d+\)/);
  const { port: dataPort } = parseLongPassive(reply.text);
  const data = connect({ host: '::1', port: dataPort });
  c.send('RETR six.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'v6');
  assert.equal((await c.read()).code, 226);

  const listener = createServer();
  listener.listen(0, '::1');
  await once(listener, 'listening');
  t.after(() => listener.close());
  const p = (listener.address() as AddressInfo).port;
  assert.equal((await c.cmd(`LPRT 6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,${p >> 8},${p & 255}`)).code, 200);
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  c.send('RETR six.txt');
  assert.equal((await c.read()).code, 150);
  const [socket] = await accepted;
  assert.equal((await readAll(socket)).toString(), 'v6');
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('LPRT 4,4,127,0,0,1,2,200,10')).code, 501, 'IPv4 is not the IPv6 client');
});
