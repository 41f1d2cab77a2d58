import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { lftp, needTool } from '../helpers/clients.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer, tempDir } from '../helpers/server.js';

/** A TCP listener standing for a victim host: records every connection it gets. */
async function victim(t: TestContext, host: string): Promise<{ port: number; hits: Socket[]; server: Server }> {
  const hits: Socket[] = [];
  const server = createServer((socket) => {
    hits.push(socket);
    socket.on('error', () => undefined);
    socket.resume();
  });
  server.listen(0, host);
  await once(server, 'listening');
  t.after(() => {
    for (const s of hits) s.destroy();
    server.close();
  });
  return { port: (server.address() as { port: number }).port, hits, server };
}

const portArg = (host: string, port: number) => `${host.replace(/\./g, ',')},${port >> 8},${port & 255}`;

test('FTP bounce: PORT/EPRT/LPRT to another address never makes the server connect there', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'payload' } });
  const target = await victim(t, '127.0.0.2');
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const attempts = [
    `PORT ${portArg('127.0.0.2', target.port)}`,
    `PORT ${portArg('10.0.0.1', target.port)}`,
    `EPRT |1|127.0.0.2|${target.port}|`,
    `EPRT |2|::ffff:127.0.0.2|${target.port}|`,
    `EPRT |2|::ffff:7f00:2|${target.port}|`,
    `EPRT |2|::1|${target.port}|`,
    `EPRT !1!127.0.0.2!${target.port}!`,
    `LPRT 4,4,127,0,0,2,2,${target.port >> 8},${target.port & 255}`,
    `LPRT 6,16,0,0,0,0,0,0,0,0,0,0,255,255,127,0,0,2,2,${target.port >> 8},${target.port & 255}`,
    `LPRT 6,16,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,2,${target.port >> 8},${target.port & 255}`,
  ];
  for (const attempt of attempts) {
    const reply = await c.cmd(attempt);
    assert.equal(reply.code, 501, `${attempt} → ${reply.lines.join(' | ')}`);
    assert.doesNotMatch(reply.text, /127\.0\.0\.2|10\.0\.0\.1/, 'the refusal does not echo the target');
    // Nothing was set up, so a transfer command cannot reach the victim either.
    assert.equal((await c.cmd('RETR f.txt')).code, 425);
  }
  // Odd spellings of the client's own address are syntax errors, never guessed at.
  for (const odd of ['127.000.000.001', '0177.0.0.1', '127.1', '0x7f.0.0.1', '2130706433']) {
    assert.equal((await c.cmd(`EPRT |1|${odd}|${target.port}|`)).code, 501, odd);
  }
  assert.equal((await c.cmd('PORT 127,0,0,0001,200,10')).code, 501);
  assert.equal((await c.cmd('PORT 127,0,0,1,256,1')).code, 501);
  assert.equal((await c.cmd('PORT 127,0,0,1,-1,1')).code, 501);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(target.hits.length, 0, 'the victim never saw a connection');
  assert.equal((await c.cmd('NOOP')).code, 200, 'the session goes on');
});

test('FTP bounce: PORT/EPRT/LPRT to a privileged port of the client itself is refused with 504', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  for (const p of [21, 22, 25, 80, 1023]) {
    assert.equal((await c.cmd(`PORT ${portArg('127.0.0.1', p)}`)).code, 504, `PORT to ${p}`);
    assert.equal((await c.cmd(`EPRT |1|127.0.0.1|${p}|`)).code, 504, `EPRT to ${p}`);
    assert.equal((await c.cmd(`LPRT 4,4,127,0,0,1,2,${p >> 8},${p & 255}`)).code, 504, `LPRT to ${p}`);
  }
  assert.equal((await c.cmd('EPRT |1|127.0.0.1|0|')).code, 501);
  assert.equal((await c.cmd('EPRT |1|127.0.0.1|65536|')).code, 501);
  assert.equal((await c.cmd(`PORT ${portArg('127.0.0.1', 1024)}`)).code, 200, 'port 1024 is fine');
});

test('active mode to the client itself works (raw PORT and EPRT), next to refused attempts', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'payload' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  for (const style of ['PORT', 'EPRT'] as const) {
    assert.equal((await c.cmd(`PORT ${portArg('127.0.0.2', 4000)}`)).code, 501);
    const listener = createServer();
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const dataPort = (listener.address() as { port: number }).port;
    const arg = style === 'PORT' ? `PORT ${portArg('127.0.0.1', dataPort)}` : `EPRT |1|127.0.0.1|${dataPort}|`;
    assert.equal((await c.cmd(arg)).code, 200);
    const accepted = once(listener, 'connection');
    c.send('RETR f.txt');
    assert.equal((await c.read()).code, 150);
    const [socket] = (await accepted) as [Socket];
    assert.equal((await readAll(socket)).toString(), 'payload');
    assert.equal((await c.read()).code, 226);
    listener.close();
  }
});

test('active.allowAnyAddress and allowLowPorts are the explicit opt-ins (FXP)', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'fxp' }, active: { allowAnyAddress: true } });
  const target = await victim(t, '127.0.0.2');
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd(`PORT ${portArg('127.0.0.2', target.port)}`)).code, 200);
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await c.read()).code, 226);
  assert.equal(target.hits.length, 1);
  assert.equal((await c.cmd(`PORT ${portArg('127.0.0.1', 80)}`)).code, 504, 'low ports still need their own opt-in');
});

test('active mode can be switched off; passive keeps working', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'passive' }, active: { enabled: false } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd(`PORT ${portArg('127.0.0.1', 5000)}`)).code, 502);
  assert.equal((await c.cmd('LPRT 4,4,127,0,0,1,2,19,136')).code, 502);
  assert.equal((await c.cmd('EPRT |1|127.0.0.1|5000|')).code, 502);
  const data = await c.epsv();
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'passive');
  assert.equal((await c.read()).code, 226);
});

test('IPv6: EPRT to the client itself works, to another address it is refused', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'six' }, host: '::1' });
  const c = await RawClient.login(port, 'test', 'test', '::1');
  t.after(() => c.close());
  assert.equal((await c.cmd('EPRT |1|127.0.0.1|5000|')).code, 501, 'an IPv4 client address is another host');
  assert.equal((await c.cmd('EPRT |2|::2|5000|')).code, 501);
  assert.equal((await c.cmd('EPRT |2|::1|80|')).code, 504);
  const listener = createServer();
  listener.listen(0, '::1');
  await once(listener, 'listening');
  t.after(() => listener.close());
  const dataPort = (listener.address() as { port: number }).port;
  assert.equal((await c.cmd(`EPRT |2|0:0:0:0:0:0:0:1|${dataPort}|`)).code, 200);
  const accepted = once(listener, 'connection');
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  const [socket] = (await accepted) as [Socket];
  assert.equal((await readAll(socket)).toString(), 'six');
  assert.equal((await c.read()).code, 226);
});

test('lftp in active mode downloads and uploads (the honest case of the bounce checks)', async (t) => {
  if (!needTool(t, 'lftp')) return;
  const { port, root, server } = await startServer(t, { local: true });
  const commands: string[] = [];
  server.on('command', ({ command }) => commands.push(command));
  const work = await tempDir(t);
  const { writeFile } = await import('node:fs/promises');
  await writeFile(join(work, 'up.txt'), 'from lftp\n');
  const result = await lftp(
    `set ftp:passive-mode no; open -u test,test ftp://127.0.0.1:${port}; lcd ${work}; put up.txt; get up.txt -o back.txt; ls`,
    { timeoutMs: 30_000 },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await readFile(join(root, 'up.txt'), 'utf8'), 'from lftp\n');
  assert.equal(await readFile(join(work, 'back.txt'), 'utf8'), 'from lftp\n');
  assert.match(result.stdout, /up\.txt/);
  assert.ok(commands.includes('PORT') || commands.includes('EPRT'), `lftp used active mode: ${commands.join(' ')}`);
  assert.ok(!commands.includes('PASV') && !commands.includes('EPSV'));
});
