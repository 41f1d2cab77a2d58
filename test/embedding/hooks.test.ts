import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CommandHookContext } from '../../src/index.js';
import { needTool, curl } from '../helpers/clients.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { rawUpload, waitFor } from '../helpers/transfers.js';

test('preCommand hooks run in registration order; the first verdict answers instead of the command', async (t) => {
  const calls: string[] = [];
  const { port, server, memory } = await startServer(t, {
    files: { '/keep/': null },
    hooks: {
      preCommand: [
        (ctx) => void calls.push(`a:${ctx.command}`),
        ({ command, path }) => (command === 'RMD' && path === '/keep' ? { code: 553, message: 'That folder stays.' } : undefined),
      ],
    },
  });
  server.addHook('preCommand', (ctx) => void calls.push(`c:${ctx.command}`));
  const c = await RawClient.login(port);
  t.after(() => c.close());
  calls.length = 0;
  // The alias reaches the hook under the canonical name, so the veto cannot be bypassed.
  const refused = await c.cmd('XRMD keep');
  assert.equal(refused.code, 553);
  assert.equal(refused.text, 'That folder stays.');
  assert.deepEqual(calls, ['a:RMD'], 'hooks after the verdict do not run');
  assert.equal((await memory!.stat('/keep')).type, 'directory');
  calls.length = 0;
  assert.equal((await c.cmd('MKD other')).code, 257);
  assert.deepEqual(calls, ['a:MKD', 'c:MKD']);
});

test('addHook returns a remover; hooks never see the password', async (t) => {
  const seen: CommandHookContext[] = [];
  const { port, server } = await startServer(t);
  const remove = server.addHook('preCommand', (ctx) => void seen.push(ctx));
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const pass = seen.find((ctx) => ctx.command === 'PASS');
  assert.equal(pass?.argument, '********');
  assert.equal(seen.find((ctx) => ctx.command === 'USER')?.argument, 'test');
  remove();
  const before = seen.length;
  await c.cmd('NOOP');
  assert.equal(seen.length, before);
});

test('preCommand can disconnect, with or without a last reply', async (t) => {
  const { port } = await startServer(t, {
    hooks: {
      preCommand: ({ command }) => {
        if (command === 'SYST') return { code: 421, message: 'Not for you.', close: true };
        if (command === 'HELP') return { close: true };
        return undefined;
      },
    },
  });
  const a = await RawClient.login(port);
  t.after(() => a.close());
  const reply = await a.cmd('SYST');
  assert.deepEqual([reply.code, reply.text], [421, 'Not for you.']);
  await a.waitClosed();

  const b = await RawClient.login(port);
  t.after(() => b.close());
  b.send('HELP');
  await b.waitClosed();
  assert.doesNotMatch(b.received, /^214/m, 'no reply before the silent close');
});

test('a throwing, hanging or nonsensical preCommand hook becomes 451 and the session goes on', async (t) => {
  const { port, server } = await startServer(t, {
    timeouts: { hook: 150 },
    hooks: {
      preCommand: ({ command }) => {
        if (command === 'SYST') throw new Error('boom');
        if (command === 'HELP') return new Promise(() => undefined);
        if (command === 'STAT') return { code: 1234, message: 'nonsense' };
        return undefined;
      },
    },
  });
  const errors: unknown[] = [];
  server.on('error', ({ error }) => errors.push(error));
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('SYST')).code, 451);
  const started = Date.now();
  assert.equal((await c.cmd('HELP')).code, 451);
  assert.ok(Date.now() - started >= 140, 'waited for the hook time limit');
  assert.equal((await c.cmd('STAT')).code, 451);
  assert.equal((await c.cmd('NOOP')).code, 200);
  assert.equal(errors.length, 3, 'each failure reported as an error event');
  assert.doesNotMatch(c.received, /boom/, 'the hook error text never reaches the client');
});

test('postCommand sees the reply code; every one runs even if one throws', async (t) => {
  const codes: (number | undefined)[] = [];
  const { port, server } = await startServer(t, {
    hooks: {
      postCommand: [
        () => {
          throw new Error('observer failed');
        },
        ({ command, code }) => void (command === 'CWD' && codes.push(code)),
      ],
    },
  });
  let errors = 0;
  server.on('error', () => void errors++);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('CWD /nope')).code, 550);
  assert.equal((await c.cmd('CWD /')).code, 250);
  await waitFor(() => codes.length === 2);
  assert.deepEqual(codes, [550, 250]);
  assert.ok(errors >= 2);
});

test('onConnect can refuse with a reply, drop silently, and a failing one closes with 421', async (t) => {
  let mode = 'refuse';
  const { port } = await startServer(t, {
    hooks: {
      onConnect: ({ session }) => {
        assert.equal(session.remoteAddress.endsWith('127.0.0.1'), true);
        if (mode === 'refuse') return { code: 421, message: 'Maintenance until noon.' };
        if (mode === 'drop') return { close: true };
        if (mode === 'throw') throw new Error('db down');
        return undefined;
      },
    },
  });
  const a = await RawClient.connect(port, '127.0.0.1', { greeting: false });
  const refused = await a.read();
  assert.deepEqual([refused.code, refused.text], [421, 'Maintenance until noon.']);
  await a.waitClosed();

  mode = 'drop';
  const b = await RawClient.connect(port, '127.0.0.1', { greeting: false });
  await b.waitClosed();
  assert.equal(b.received, '');

  mode = 'throw';
  const c = await RawClient.connect(port, '127.0.0.1', { greeting: false });
  assert.equal((await c.read()).code, 421);
  await c.waitClosed();

  mode = 'welcome';
  const d = await RawClient.login(port);
  assert.equal((await d.cmd('NOOP')).code, 200);
  d.close();
});

test('onDisconnect runs once per session with the session', async (t) => {
  const ids: string[] = [];
  const { port, server } = await startServer(t, { hooks: { onDisconnect: ({ session }) => void ids.push(session.id) } });
  const c = await RawClient.login(port);
  const id = server.sessions[0]!.id;
  await c.quit();
  await waitFor(() => ids.length === 1);
  assert.deepEqual(ids, [id]);
});

test('beforeUploadCommit turns 226 into the host reply and removes the file (curl)', async (t) => {
  if (!needTool(t, 'curl')) return;
  const { port, memory } = await startServer(t, {
    hooks: {
      beforeUploadCommit: async ({ path, bytes, session, user }) => {
        assert.equal(session.user, user);
        if (path.endsWith('.exe')) return { code: 553, message: 'Executables are not accepted.' };
        if (bytes === 0) return { message: 'Empty files are not accepted.' };
        return undefined;
      },
    },
  });
  const refused = await curl(['-T', '-', `ftp://test:test@127.0.0.1:${port}/tool.exe`], { input: 'MZ...' });
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /553/);
  await assert.rejects(memory!.stat('/tool.exe'), /not-found/);

  const ok = await curl(['-T', '-', `ftp://test:test@127.0.0.1:${port}/notes.txt`], { input: 'hello' });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((await memory!.stat('/notes.txt')).size, 5);

  const c = await RawClient.login(port);
  t.after(() => c.close());
  const empty = await rawUpload(c, 'empty.txt', '');
  assert.deepEqual([empty.final.code, empty.final.text], [550, 'Empty files are not accepted.']);
});

test('beforeUploadCommit: keep leaves the file; a throwing or hanging hook is 451 and removes it', async (t) => {
  const { port, memory, server } = await startServer(t, {
    timeouts: { hook: 150 },
    hooks: {
      beforeUploadCommit: ({ path }) => {
        if (path === '/quarantine.txt') return { code: 550, message: 'Held for review.', keep: true };
        if (path === '/throws.txt') throw new Error('scanner offline');
        if (path === '/hangs.txt') return new Promise(() => undefined);
        if (path === '/weird.txt') return { code: 250, message: 'not a refusal code' };
        return undefined;
      },
    },
  });
  server.on('error', () => undefined);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const kept = await rawUpload(c, 'quarantine.txt', 'x');
  assert.deepEqual([kept.final.code, kept.final.text], [550, 'Held for review.']);
  assert.equal((await memory!.stat('/quarantine.txt')).size, 1);
  for (const name of ['throws.txt', 'hangs.txt']) {
    const { final } = await rawUpload(c, name, 'x');
    assert.equal(final.code, 451, name);
    await assert.rejects(memory!.stat(`/${name}`), /not-found/);
  }
  const weird = await rawUpload(c, 'weird.txt', 'x');
  assert.equal(weird.final.code, 550, 'a success code cannot accept a refused upload');
  assert.equal((await c.cmd('NOOP')).code, 200);
});

test('beforeUploadCommit gets offset and append for resumed and appended uploads', async (t) => {
  const seen: { command: string; offset: number; append: boolean; bytes: number }[] = [];
  const { port } = await startServer(t, {
    files: { '/log.txt': '12345' },
    hooks: { beforeUploadCommit: ({ command, offset, append, bytes }) => void seen.push({ command, offset, append, bytes }) },
  });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  assert.equal((await rawUpload(c, 'log.txt', 'abc', 'APPE')).final.code, 226);
  assert.equal((await c.cmd('REST 2')).code, 350);
  assert.equal((await rawUpload(c, 'log.txt', 'zz')).final.code, 226);
  assert.deepEqual(seen, [
    { command: 'APPE', offset: 0, append: true, bytes: 3 },
    { command: 'STOR', offset: 2, append: false, bytes: 2 },
  ]);
});

test('a veto on APPE or REST+STOR takes back only the new bytes; the earlier content survives (disk and memory)', async (t) => {
  for (const local of [false, true]) {
    const where = local ? 'disk' : 'memory';
    const { port, memory, root } = await startServer(t, {
      local,
      files: { '/log.txt': '12345' },
      hooks: { beforeUploadCommit: ({ bytes }) => (bytes > 0 ? { code: 553, message: 'Not this time.' } : undefined) },
    });
    if (local) await writeFile(join(root, 'log.txt'), '12345');
    const read = async () =>
      local ? readFile(join(root, 'log.txt'), 'utf8') : Buffer.concat(await (await memory!.read('/log.txt', { start: 0 })).toArray()).toString();
    const c = await RawClient.login(port);
    t.after(() => c.close());
    await c.cmd('TYPE I');
    const appended = await rawUpload(c, 'log.txt', 'abc', 'APPE');
    assert.deepEqual([appended.final.code, appended.final.text], [553, 'Not this time.']);
    assert.equal(await read(), '12345', `an APPE veto keeps the old content (${where})`);
    assert.equal((await c.cmd('REST 2')).code, 350);
    assert.equal((await rawUpload(c, 'log.txt', 'zz')).final.code, 553);
    assert.equal(await read(), '12', `a vetoed resume is cut back to its restart offset (${where})`);
    assert.equal((await rawUpload(c, 'new.txt', 'data')).final.code, 553);
    assert.equal((await c.cmd('SIZE new.txt')).code, 550, `a vetoed new file is removed (${where})`);
  }
});
