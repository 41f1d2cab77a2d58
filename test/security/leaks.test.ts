import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { FtpError, MemoryFileSystem, VERSION, type FileSystem } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer, tempDir } from '../helpers/server.js';

const PASSWORD = 'S3cret-Pa55word';

/** Every way a client might send the password, including clumsy ones. */
const passLines = [`PASS ${PASSWORD}`, `pass ${PASSWORD}`, `  PASS ${PASSWORD}`, `PASS\t${PASSWORD}`, `PASS\0${PASSWORD}`, `Pass ${PASSWORD}`, `ACCT ${PASSWORD}`];

test('the greeting reveals neither the software nor its version unless asked', async (t) => {
  const plain = await startServer(t);
  const c = await RawClient.connect(plain.port, '127.0.0.1', { greeting: false });
  t.after(() => c.close());
  const greeting = await c.read();
  assert.deepEqual([greeting.code, greeting.text], [220, 'FTP server ready.']);
  let everything = greeting.text;
  for (const command of ['SYST', 'FEAT', 'HELP', 'STAT', 'HELP SITE', 'SITE HELP', 'CLNT probe']) everything += (await c.cmd(command)).text;
  assert.ok(!everything.toLowerCase().includes('ftpkit'), everything);
  assert.ok(!everything.includes(VERSION));

  const shown = await startServer(t, { greetingVersion: true });
  const v = await RawClient.connect(shown.port, '127.0.0.1', { greeting: false });
  t.after(() => v.close());
  assert.equal((await v.read()).text, `FTP server ready (ftpkit ${VERSION}).`);

  const custom = await startServer(t, { greetingVersion: true, greeting: 'Welcome to ACME.' });
  const w = await RawClient.connect(custom.port, '127.0.0.1', { greeting: false });
  t.after(() => w.close());
  assert.equal((await w.read()).text, 'Welcome to ACME.', 'a host greeting is used as written');
});

/** A storage whose every call fails the way real storage does, with server paths and OS texts in the messages. */
function brokenStorage(kind: 'errno' | 'unknown' | 'private'): FileSystem {
  const fail = (op: string) => async () => {
    const message = `${op} failed: EACCES: permission denied, open '/srv/ftp/private/data.bin' (uid 0)`;
    if (kind === 'errno') throw Object.assign(new Error(message), { code: 'EACCES', errno: -13, path: '/srv/ftp/private/data.bin' });
    if (kind === 'private') throw new FtpError('transient', message);
    throw new TypeError(message);
  };
  const real = new MemoryFileSystem({ '/f.txt': 'x', '/d/': null } as never);
  return {
    stat: async (path: string, ctx) => (path === '/' || path === '/f.txt' || path === '/d' ? real.stat(path) : fail('stat')()),
    list: fail('list'),
    read: fail('read'),
    write: fail('write'),
    delete: fail('delete'),
    mkdir: fail('mkdir'),
    rmdir: fail('rmdir'),
    rename: fail('rename'),
    chmod: fail('chmod'),
    setModifiedTime: fail('setModifiedTime'),
    availableSpace: fail('availableSpace'),
  } as FileSystem;
}

test('storage errors never leak a server path or an OS error text into a reply', async (t) => {
  for (const kind of ['errno', 'unknown', 'private'] as const) {
    const started = await startServer(t, { filesystem: brokenStorage(kind) });
    const { port } = started;
    const c = await RawClient.login(port);
    t.after(() => c.close());
    const seen: string[] = [];
    for (const line of ['RETR f.txt', 'STOR f.txt', 'APPE new.txt', 'LIST d', 'NLST d', 'MLSD d', 'STAT d', 'DELE f.txt', 'MKD n', 'RMD d', 'SITE CHMOD 600 f.txt', 'MFMT 20200101000000 f.txt', 'AVBL d', 'SIZE missing', 'MDTM missing', 'CWD missing']) {
      const data = await c.epsv();
      const body = readAll(data).catch(() => Buffer.alloc(0));
      const first = await c.cmd(line);
      seen.push(`${line}: ${first.code} ${first.text}`);
      if (first.code === 150) {
        data.end();
        const final = await c.read();
        seen.push(`${line}: ${final.code} ${final.text}`);
      } else data.destroy();
      await body;
    }
    assert.equal((await c.cmd('RNFR f.txt')).code, 350);
    const rnto = await c.cmd('RNTO g.txt');
    seen.push(`RNTO: ${rnto.code} ${rnto.text}`);
    const all = seen.join('\n');
    assert.doesNotMatch(all, /\/srv|EACCES|uid|permission denied,|failed:/, `${kind}:\n${all}`);
    assert.ok(seen.every((line) => /: [45]\d\d /.test(line) || /: 1\d\d /.test(line)), `${kind}: every failure is a 4xx/5xx reply\n${all}`);
    c.close();
    await started.close(); // before the next server: it may reuse this one's passive ports
  }
});

test('the password never reaches events, the transcript or a logger, however it is sent', async (t) => {
  const transcript: string[] = [];
  const logged: unknown[] = [];
  const logger = {
    debug: (obj: object, msg?: string) => logged.push(obj, msg),
    info: (obj: object, msg?: string) => logged.push(obj, msg),
    warn: (obj: object, msg?: string) => logged.push(obj, msg),
    error: (obj: object, msg?: string) => logged.push(obj, msg),
  };
  const { port, server } = await startServer(t, {
    users: [{ username: 'test', password: PASSWORD }],
    transcript: (line) => transcript.push(line),
    logger,
    loginThrottle: { delay: 0, maxAttempts: 0 },
  });
  const events: string[] = [];
  for (const name of ['command', 'reply', 'login', 'loginFailed', 'error'] as const) {
    server.on(name, (payload: object) => {
      const { session: _session, ...rest } = payload as { session?: unknown };
      events.push(JSON.stringify(rest, (_k, v: unknown) => (v instanceof Error ? v.message : v)));
    });
  }
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  for (const line of passLines) {
    await c.cmd('USER test');
    const reply = await c.cmd(line);
    assert.ok([230, 202, 503, 500].includes(reply.code), `${JSON.stringify(line)} → ${reply.code}`);
    if (reply.code === 230) await c.cmd('REIN');
  }
  const haystack = [transcript.join('\n'), JSON.stringify(logged), events.join('\n')].join('\n');
  assert.ok(transcript.some((l) => l.includes('PASS ********')), 'the transcript shows the redacted command');
  assert.ok(events.some((e) => e.includes('"command":"PASS"') && e.includes('********')));
  assert.ok(logged.length > 0, 'the logger was used');
  assert.ok(!haystack.toUpperCase().includes(PASSWORD.toUpperCase()), 'the password (in any case) is nowhere');
});

test('DEBUG=ftpkit:* and --log output of the ftpkit command never show the password', async (t) => {
  const root = await tempDir(t);
  const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  const child = spawn(process.execPath, [cli, '--root', root, '--port', '0', '--user', `test:${PASSWORD}`, '--log', '--login-delay', '0'], {
    env: { ...process.env, DEBUG: 'ftpkit:*', DEBUG_COLORS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  while (!/ftp:\/\/127\.0\.0\.1:(\d+)/.test(out)) await once(child.stdout, 'data');
  const port = Number(/ftp:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
  const c = await RawClient.connect(port);
  for (const line of passLines) {
    await c.cmd('USER test');
    const reply = await c.cmd(line);
    if (reply.code === 230) await c.cmd('REIN');
    if (c.closed) break;
  }
  await c.quit();
  child.kill('SIGTERM');
  await once(child, 'exit');
  assert.match(out, /ftpkit:command/, 'debug output was on');
  assert.match(out, /PASS \*{8}/, 'the transcript and debug lines show PASS redacted');
  assert.ok(!out.toUpperCase().includes(PASSWORD.toUpperCase()), `the password (in any case) is nowhere:\n${out}`);
});
