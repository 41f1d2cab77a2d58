import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { Client } from 'basic-ftp';
import { needTool, python } from '../helpers/clients.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { tlsOptions } from '../helpers/tls.js';
import { startDownload } from '../helpers/transfers.js';

test('bare LF and bare CR end commands too; empty lines are ignored', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  c.write('\r\n\r\nUSER test\nPASS test\rNOOP\r\n');
  assert.equal((await c.read()).code, 331);
  assert.equal((await c.read()).code, 230);
  assert.equal((await c.read()).code, 200);
});

test('Telnet option negotiation and IAC IP IAC DM before a command are stripped', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  c.write(Buffer.concat([Buffer.from([0xff, 0xfb, 0x01, 0xff, 0xf4, 0xff, 0xf2]), Buffer.from('NOOP\r\n')]));
  assert.equal((await c.read()).code, 200);
});

test('a line over the limit gets 500 and the session continues', async (t) => {
  const { port } = await startServer(t, { maxLineLength: 512 });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const reply = await c.cmd('MKD ' + 'x'.repeat(5000));
  assert.equal(reply.code, 500);
  assert.equal((await c.cmd('PWD')).code, 257);
  // Long lines in a pipelined burst are answered in order.
  c.write(`NOOP\r\n${'y'.repeat(2000)}\r\nNOOP\r\n`);
  assert.deepEqual([(await c.read()).code, (await c.read()).code, (await c.read()).code], [200, 500, 200]);
});

test('a pipelined burst mixing commands that answer at once and ones that wait for storage is answered in order', async (t) => {
  const { port } = await startServer(t, { files: { '/a.txt': 'abc' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  // NOOP, PWD and TYPE answer synchronously; SIZE and MDTM wait for storage. The
  // burst is longer than the queue (reading pauses and resumes on the way).
  const round = [
    ['NOOP', 200],
    ['SIZE /a.txt', 213],
    ['PWD', 257],
    ['MDTM /a.txt', 213],
    ['SIZE /missing', 550],
    ['TYPE I', 200],
  ] as const;
  const rounds = 50;
  c.write(Array.from({ length: rounds }, () => round.map(([line]) => `${line}\r\n`).join('')).join(''));
  const codes: number[] = [];
  for (let i = 0; i < rounds * round.length; i++) codes.push((await c.read()).code);
  assert.deepEqual(codes, Array.from({ length: rounds }, () => round.map(([, code]) => code)).flat());
  assert.equal((await c.cmd('NOOP')).code, 200);
});

test('an abusive line (that never ends) closes the session with 421', async (t) => {
  const { port } = await startServer(t, { maxLineLength: 512 });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const chunk = 'z'.repeat(64 * 1024);
  for (let i = 0; i < 8 && !c.closed; i++) c.write(chunk);
  const reply = await c.read();
  assert.equal(reply.code, 421);
  await c.waitClosed();
});

test('lftp-style abort with real urgent data (IAC IP, IAC DM sent with MSG_OOB, then ABOR) stops a transfer', async (t) => {
  if (!needTool(t, 'python3')) return;
  const { port } = await startServer(t, { files: { '/big.bin': Buffer.alloc(32 * 1024 * 1024, 5) } });
  const result = await python(
    `
import socket, os, re
c = socket.create_connection(('127.0.0.1', int(os.environ['PORT'])), timeout=20)
f = c.makefile('rb')
def reply():
    line = f.readline().decode()
    code = line[:3]
    while line[3:4] == '-':
        line = f.readline().decode()
        if line[:3] == code and line[3:4] == ' ': break
    return line.strip()
def cmd(s):
    c.sendall(s.encode() + b'\\r\\n')
    return reply()
reply()
cmd('USER test'); cmd('PASS test'); cmd('TYPE I')
port = int(re.search(r'\\|\\|\\|(\\d+)\\|', cmd('EPSV')).group(1))
d = socket.create_connection(('127.0.0.1', port), timeout=20)
print(cmd('RETR big.bin')[:3])
d.recv(1000)
c.send(b'\\xff\\xf4\\xff')
c.send(b'\\xf2', socket.MSG_OOB)
c.sendall(b'ABOR\\r\\n')
print(reply()[:3]); print(reply()[:3])
d.close()
print(cmd('NOOP')[:3])
`,
    { PORT: String(port) },
  );
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.stdout.trim().split('\n'), ['150', '426', '226', '200']);
});

test('commands pipelined while a transfer runs: NOOP is answered at once, others wait their turn', async (t) => {
  const { port } = await startServer(t, { files: { '/big.bin': Buffer.alloc(8 * 1024 * 1024, 1) } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const data = await startDownload(c, 'big.bin');
  c.write('NOOP\r\nPWD\r\n');
  assert.equal((await c.read()).code, 200, 'NOOP answered while data is blocked');
  const received = readAll(data);
  data.resume();
  assert.equal((await received).length, 8 * 1024 * 1024);
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.read()).code, 257, 'PWD ran after the transfer');
});

test('a command queued behind an urgent one waits for its reply, even when a hook makes the urgent one slow', async (t) => {
  // STAT is answered during the transfer, PWD waits its turn. A preCommand hook
  // holds STAT until the transfer is over: PWD must still answer after STAT.
  let transferDone!: () => void;
  const over = new Promise<void>((resolve) => (transferDone = resolve));
  const { port, server } = await startServer(t, {
    files: { '/big.bin': Buffer.alloc(8 * 1024 * 1024, 1) },
    hooks: { preCommand: [async ({ command }) => void (command === 'STAT' && (await over))] },
  });
  server.on('transferEnd', () => setTimeout(transferDone, 50));
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const data = await startDownload(c, 'big.bin');
  c.write('STAT\r\nPWD\r\n');
  const received = readAll(data);
  data.resume();
  assert.equal((await received).length, 8 * 1024 * 1024);
  const codes = [(await c.read()).code, (await c.read()).code, (await c.read()).code];
  assert.deepEqual(codes, [226, 211, 257], 'RETR ends, the held STAT answers (the transfer is over: 211), then PWD');
});

// With more than one session open, replies are held to the end of the event
// loop's turn (net/write-batch.ts). Every one must still arrive, in order, on
// every session, and an AUTH TLS upgrade must not be caught between the held
// 234 and the handshake.
test('with many sessions open, replies held to the end of the turn all arrive in order, and FTPS still works', async (t) => {
  // Plain sessions allowed, so raw clients can log in beside the FTPS one.
  const started = await startServer(t, { local: true, tls: tlsOptions({ require: 'none' }) });
  const sessions = await Promise.all(Array.from({ length: 12 }, () => RawClient.login(started.port)));
  t.after(() => sessions.forEach((c) => c.close()));
  for (const c of sessions) c.write('NOOP\r\nSYST\r\nPWD\r\nTYPE I\r\n');
  for (const c of sessions) {
    const codes = [];
    for (let i = 0; i < 4; i++) codes.push((await c.read()).code);
    assert.deepEqual(codes, [200, 215, 257, 200]);
  }
  const client = new Client(10_000);
  t.after(() => client.close());
  await client.access({ host: '127.0.0.1', port: started.port, user: 'test', password: 'test', secure: true, secureOptions: { rejectUnauthorized: false } });
  await client.uploadFrom(Readable.from([Buffer.from('held replies')]), 'a.txt');
  const back: Buffer[] = [];
  await client.downloadTo(new Writable({ write: (chunk: Buffer, _e, done) => (back.push(chunk), done()) }), 'a.txt');
  assert.equal(Buffer.concat(back).toString(), 'held replies');
  assert.deepEqual((await client.list()).map((f) => f.name), ['a.txt']);
  assert.equal((await sessions[0]!.cmd('QUIT')).code, 221);
});
