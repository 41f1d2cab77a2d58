import assert from 'node:assert/strict';
import { format } from 'node:util';
import { PassThrough, Readable } from 'node:stream';
import { test } from 'node:test';
import createDebug from 'debug';
import { Client } from 'basic-ftp';
import type { FtpServerEvents } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

const EVENTS: (keyof FtpServerEvents)[] = [
  'connection', 'login', 'loginFailed', 'logout', 'command', 'reply', 'transferStart', 'transferProgress', 'transferEnd',
  'transferAborted', 'fileDeleted', 'directoryCreated', 'directoryRemoved', 'renamed', 'disconnect',
];

/** A whole working session through a real client: login, list, upload, download, rename, delete, mkdir, rmdir. */
async function workout(port: number): Promise<void> {
  const c = new Client(10_000);
  try {
    await c.access({ host: '127.0.0.1', port, user: 'test', password: 'test' });
    await c.uploadFrom(Readable.from(['data']), 'f.txt');
    await c.list();
    await c.downloadTo(new PassThrough().resume(), 'f.txt');
    await c.ensureDir('/d');
    await c.cd('/');
    await c.rename('f.txt', 'd/g.txt');
    await c.remove('d/g.txt');
    await c.removeEmptyDir('d');
  } finally {
    c.close();
  }
}

test('listeners that throw or reject on every event never break a session; each failure is reported as an error event', async (t) => {
  const { server, port } = await startServer(t);
  const reported: unknown[] = [];
  server.on('error', ({ error }) => reported.push(error));
  for (const event of EVENTS) {
    server.on(event, () => {
      throw new Error(`sync ${event}`);
    });
    server.on(event, async () => {
      throw new Error(`async ${event}`);
    });
  }
  server.on('error', () => {
    throw new Error('even the error listener throws');
  });
  await workout(port);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const messages = new Set(reported.map((e) => (e as Error).message));
  for (const event of ['connection', 'login', 'command', 'reply', 'transferStart', 'transferEnd', 'fileDeleted', 'directoryCreated', 'directoryRemoved', 'renamed']) {
    assert.ok(messages.has(`sync ${event}`), `sync ${event} reported`);
    assert.ok(messages.has(`async ${event}`), `async ${event} reported`);
  }
});

test('events: payloads carry the session and a per-session sequence; PASS is redacted in the command event', async (t) => {
  const { server, port } = await startServer(t);
  const seen: { event: string; seq: number; session: string; payload: Record<string, unknown> }[] = [];
  for (const event of EVENTS) {
    server.on(event, (raw: unknown) => {
      const payload = raw as { seq: number; session: { id: string } };
      seen.push({ event, seq: payload.seq, session: payload.session.id, payload: raw as Record<string, unknown> });
    });
  }
  await workout(port);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const seqs = seen.map((e) => e.seq);
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in order');
  assert.equal(new Set(seqs).size, seqs.length, 'no two events share a number');
  assert.equal(new Set(seen.map((e) => e.session)).size, 1);
  const names = seen.map((e) => e.event);
  for (const event of ['connection', 'login', 'transferStart', 'transferEnd', 'fileDeleted', 'directoryCreated', 'directoryRemoved', 'renamed', 'disconnect']) {
    assert.ok(names.includes(event), event);
  }
  assert.equal(names[0], 'connection');
  assert.equal(names.at(-1), 'disconnect');
  const pass = seen.find((e) => e.event === 'command' && e.payload.command === 'PASS');
  assert.equal(pass?.payload.argument, '********');
  assert.deepEqual(seen.find((e) => e.event === 'renamed')?.payload.from, '/f.txt');
  assert.deepEqual(seen.find((e) => e.event === 'renamed')?.payload.to, '/d/g.txt');
  const end = seen.find((e) => e.event === 'transferEnd' && e.payload.command === 'STOR');
  assert.equal(end?.payload.bytes, 4);
  assert.equal(end?.payload.path, '/f.txt');
});

test('no password in debug output (DEBUG=ftpkit:*), the logger object or the transcript, however PASS is spelled', async (t) => {
  const captured: string[] = [];
  const originalLog = createDebug.log;
  createDebug.log = (...args: unknown[]) => void captured.push(format(...args));
  createDebug.enable('ftpkit:*');
  t.after(() => {
    createDebug.disable();
    createDebug.log = originalLog;
  });
  const logged: string[] = [];
  const logger = {
    debug: (o: object, m?: string) => void logged.push(JSON.stringify(o) + m),
    info: (o: object, m?: string) => void logged.push(JSON.stringify(o) + m),
    warn: (o: object, m?: string) => void logged.push(JSON.stringify(o) + m),
    error: (o: object, m?: string) => void logged.push(JSON.stringify(o) + m),
  };
  const transcript: string[] = [];
  const { port } = await startServer(t, {
    users: [{ username: 'test', password: 'hunter2-secret' }],
    // Three failures on one connection would close it (docs/security.md): not what this test is about.
    loginThrottle: { delay: 0, maxAttempts: 0 },
    logger,
    transcript: (line) => transcript.push(line),
  });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  await c.cmd('USER test');
  assert.equal((await c.cmd('PASS wrong-secret-1')).code, 530);
  await c.cmd('USER test');
  assert.equal((await c.cmd('pass\twrong-secret-2')).code, 530);
  await c.cmd('USER test');
  assert.equal((await c.cmd('  PASS wrong-secret-3')).code, 530);
  await c.cmd('USER test');
  assert.equal((await c.cmd('PASS hunter2-secret')).code, 230);
  await c.quit();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const everything = [...captured, ...logged, ...transcript].join('\n');
  assert.ok(captured.some((l) => l.includes('PASS ********')), 'the debug log shows the command, redacted');
  assert.ok(transcript.some((l) => l.includes('> PASS ********')), 'so does the transcript');
  assert.ok(logged.length > 0);
  for (const secret of ['hunter2', 'wrong-secret']) assert.ok(!everything.includes(secret), `${secret} leaked:\n${everything}`);
});

test('DEBUG=ftpkit:command alone logs the commands; another area alone does not', async (t) => {
  const captured: string[] = [];
  const originalLog = createDebug.log;
  createDebug.log = (...args: unknown[]) => void captured.push(format(...args));
  t.after(() => {
    createDebug.disable();
    createDebug.log = originalLog;
  });
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  createDebug.enable('ftpkit:data');
  await c.cmd('SYST');
  createDebug.enable('ftpkit:command');
  await c.cmd('NOOP');
  assert.ok(!captured.some((l) => l.includes('SYST')), 'no command line while only ftpkit:data is on');
  assert.ok(captured.some((l) => l.includes('ftpkit:command') && l.includes('NOOP')), 'the command line once ftpkit:command is on');
});
