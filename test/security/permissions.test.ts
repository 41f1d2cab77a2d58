import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALL_PERMISSIONS, MemoryFileSystem, type FtpServer, type FtpUser, type MemoryFiles, type Permission } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

const files = (): MemoryFiles => ({ '/dir/f.txt': 'content', '/dir/g.txt': 'other', '/dir/empty/': null, '/other/': null }) as never;

/**
 * Every permission and the commands that need it, written as the client sends
 * them. Aliases are added from the command table, so XMKD is tested wherever
 * MKD is, and a command added later with a `permission` must be listed here.
 */
const needs: Record<Permission, string[]> = {
  list: ['LIST /dir', 'NLST /dir', 'MLSD /dir', 'MLST /dir/f.txt', 'SIZE /dir/f.txt', 'MDTM /dir/f.txt', 'STAT /dir', 'AVBL /dir'],
  read: ['RETR /dir/f.txt', 'HASH /dir/f.txt', 'XCRC /dir/f.txt', 'XMD5 /dir/f.txt', 'XSHA1 /dir/f.txt', 'XSHA256 /dir/f.txt', 'XSHA512 /dir/f.txt'],
  write: ['STOR /dir/new.txt', 'STOU /dir/hint', 'STOU'],
  append: ['APPE /dir/f.txt'],
  delete: ['DELE /dir/f.txt'],
  rename: ['RNFR /dir/f.txt'],
  mkdir: ['MKD /dir/new'],
  rmdir: ['RMD /dir/empty'],
  chmod: ['SITE CHMOD 600 /dir/f.txt', 'MFF UNIX.mode=600; /dir/f.txt'],
  'set-time': ['MFMT 20200101000000 /dir/f.txt', 'MFCT 20200101000000 /dir/f.txt', 'MFF Modify=20200101000000; /dir/f.txt', 'SITE UTIME 20200101000000 /dir/f.txt', 'MDTM 20200101000000 /dir/f.txt'],
};

/** The command with each spelling of its verb ("MKD x" → "MKD x", "XMKD x"). */
function spellings(server: FtpServer, line: string): string[] {
  const site = line.startsWith('SITE ');
  const rest = site ? line.slice(5) : line;
  const verb = rest.split(' ')[0]!;
  const spec = (site ? server.siteCommands : server.commands).lookup(verb);
  assert.ok(spec, `${verb} exists`);
  return [spec.name, ...(spec.aliases ?? [])].map((v) => (site ? 'SITE ' : '') + v + rest.slice(verb.length));
}

/** Sends a command with a data connection ready; the first reply, and the final one after 150. */
async function run(c: RawClient, line: string): Promise<{ code: number; text: string; final?: number }> {
  const data = await c.epsv();
  const body = readAll(data).catch(() => Buffer.alloc(0));
  const first = await c.cmd(line);
  if (first.code !== 150) {
    data.destroy();
    return { code: first.code, text: first.text };
  }
  data.end();
  await body;
  return { code: first.code, text: first.text, final: (await c.read()).code };
}

/** Memory storage that also reports free space (so AVBL exists). */
function storage(initial: MemoryFiles = files()): MemoryFileSystem {
  return Object.assign(new MemoryFileSystem(initial), { availableSpace: async () => 1e9 });
}

async function serverFor(t: Parameters<typeof startServer>[0], user: Partial<FtpUser>, extra: Record<string, unknown> = {}) {
  const { files: initial, ...rest } = extra as { files?: MemoryFiles };
  const memory = storage(initial);
  const started = await startServer(t, {
    filesystem: memory,
    users: [{ username: 'u', password: 'p', ...user }],
    mdtmSetsTime: true,
    ...rest,
  });
  const c = await RawClient.login(started.port, 'u', 'p');
  t.after(() => c.close());
  // Tests that start many servers close each when done: a passive port one of
  // them used may be reused by the next, and the leak check would see it.
  const done = async () => {
    c.close();
    await started.close();
  };
  return { ...started, c, memory, done };
}

test('each permission, each command and each alias that needs it: refused without it, allowed with it', async (t) => {
  const probe = await startServer(t);
  // Completeness: every command that declares a permission is in the table above.
  const listed = new Set(Object.values(needs).flat().map((line) => (line.startsWith('SITE ') ? line.split(' ').slice(0, 2).join(' ') : line.split(' ')[0]!)));
  listed.add('RNTO'); // needs an RNFR first: its own test below
  for (const spec of probe.server.commands.all()) if (spec.permission) assert.ok(listed.has(spec.name), `${spec.name} (needs ${spec.permission}) is tested`);
  for (const spec of probe.server.siteCommands.all()) if (spec.permission) assert.ok(listed.has(`SITE ${spec.name}`), `SITE ${spec.name} is tested`);
  await probe.close();

  for (const permission of ALL_PERMISSIONS) {
    const without = await serverFor(t, { permissions: ALL_PERMISSIONS.filter((p) => p !== permission) });
    const snapshot = JSON.stringify(await without.memory.list('/dir'));
    for (const line of needs[permission]) {
      for (const spelled of spellings(without.server, line)) {
        const reply = await run(without.c, spelled);
        assert.deepEqual([reply.code, reply.text], [550, 'Permission denied.'], `without ${permission}: ${spelled}`);
      }
    }
    assert.equal(JSON.stringify(await without.memory.list('/dir')), snapshot, `without ${permission}: storage unchanged`);
    await without.done();

    for (const line of needs[permission]) {
      for (const spelled of spellings(without.server, line)) {
        const withIt = await serverFor(t, { permissions: 'all' });
        const reply = await run(withIt.c, spelled);
        assert.ok(reply.code < 400 && (reply.final === undefined || reply.final < 400), `with ${permission}: ${spelled} → ${reply.code} ${reply.text} ${reply.final ?? ''}`);
        await withIt.done();
      }
    }
  }
});

test('RNTO needs rename at the target, and write there when it would replace an entry', async (t) => {
  const { c, memory } = await serverFor(t, {
    permissions: ['list', 'read', 'rename'],
    rules: [{ path: '/other', deny: ['rename'] }],
  });
  assert.equal((await c.cmd('RNFR /dir/f.txt')).code, 350);
  assert.deepEqual([(await c.cmd('RNTO /other/f.txt')).code], [550], 'moving into a folder without rename');
  assert.equal((await c.cmd('RNFR /dir/f.txt')).code, 350);
  assert.equal((await c.cmd('RNTO /dir/g.txt')).code, 550, 'replacing g.txt would destroy it: needs write');
  assert.equal((await c.cmd('RNFR /dir/f.txt')).code, 350);
  assert.equal((await c.cmd('RNTO /dir/h.txt')).code, 250, 'a new name is a plain rename');
  assert.deepEqual((await memory.list('/dir')).map((e) => e.name).sort(), ['empty', 'g.txt', 'h.txt']);
});

test('append-only users cannot cut a file with REST + APPE', async (t) => {
  const { c, memory } = await serverFor(t, { permissions: ['list', 'append'] });
  assert.equal((await c.cmd('REST 2')).code, 350);
  assert.deepEqual(await run(c, 'APPE /dir/f.txt'), { code: 550, text: 'Permission denied.' });
  const appended = await run(c, 'APPE /dir/f.txt');
  assert.equal(appended.final, 226);
  assert.equal((await memory.stat('/dir/f.txt')).size, 'content'.length, 'plain APPE still works (empty append)');
});

test('path rules: allow and deny, recursive and not, deeper wins, rule paths normalized', async (t) => {
  const { c } = await serverFor(t, {
    permissions: 'read-only',
    rules: [
      { path: '/incoming', allow: ['write', 'mkdir'] },
      { path: '/incoming/locked', deny: ['write'] },
      { path: 'drop/', allow: ['write', 'mkdir'], recursive: false },
      { path: '/public/../private', deny: ['list', 'read'] },
    ],
  }, { files: { '/incoming/locked/': null, '/drop/deep/': null, '/private/s.txt': 'secret', '/pub.txt': 'pub' } as never });
  const store = async (path: string) => (await run(c, `STOR ${path}`)).final ?? (await Promise.resolve(550));
  assert.equal(await store('/incoming/a.txt'), 226);
  assert.equal((await c.cmd('MKD /incoming/sub')).code, 257);
  assert.equal(await store('/incoming/sub/b.txt'), 226, 'recursive: applies below');
  assert.equal(await store('/incoming/locked/c.txt'), 550, 'the deeper deny wins');
  assert.equal(await store('/elsewhere.txt'), 550, 'read-only elsewhere');
  assert.equal(await store('/drop/a.txt'), 226, 'non-recursive: the folder\'s own entries');
  assert.equal((await c.cmd('MKD /drop/new')).code, 257);
  assert.equal(await store('/drop/deep/b.txt'), 550, 'non-recursive: not deeper');
  assert.equal((await run(c, 'LIST /private')).code, 550);
  assert.equal((await run(c, 'RETR /private/s.txt')).code, 550);
  assert.equal((await c.cmd('SIZE /private/s.txt')).code, 550);
  assert.equal((await run(c, 'RETR /pub.txt')).final, 226);
  // MLSD tells the client what it may do, entry by entry.
  const data = await c.epsv();
  c.send('MLSD /');
  assert.equal((await c.read()).code, 150);
  const facts = (await readAll(data)).toString();
  assert.equal((await c.read()).code, 226);
  const perm = (name: string) => new RegExp(`perm=([a-z]*);[^\\r]* ${name}\\r`).exec(facts)?.[1];
  assert.equal(perm('incoming'), 'elcm');
  assert.equal(perm('pub.txt'), 'r');
});

test('read-only shorthand and the server-wide readOnly option refuse every change', async (t) => {
  for (const setup of [{ user: { permissions: 'read-only' as const }, extra: {} }, { user: { permissions: 'all' as const }, extra: { readOnly: true } }]) {
    const { c, server, memory, done } = await serverFor(t, setup.user, setup.extra);
    const before = JSON.stringify(await memory.list('/dir'));
    for (const permission of ALL_PERMISSIONS.filter((p) => p !== 'list' && p !== 'read')) {
      for (const line of needs[permission]) {
        for (const spelled of spellings(server, line)) assert.equal((await run(c, spelled)).code, 550, spelled);
      }
    }
    assert.equal(JSON.stringify(await memory.list('/dir')), before);
    assert.equal((await run(c, 'RETR /dir/f.txt')).final, 226);
    await done();
  }
});

test('aliases cannot bypass a preCommand veto either', async (t) => {
  const vetoed = new Set(['CWD', 'CDUP', 'PWD', 'MKD', 'RMD']);
  const seen: string[] = [];
  const { c, server } = await serverFor(t, {}, {
    hooks: {
      preCommand: ({ command, verb }: { command: string; verb: string }) => {
        seen.push(`${verb}→${command}`);
        return vetoed.has(command) ? { code: 550, message: 'Vetoed by host.' } : undefined;
      },
    },
  });
  for (const line of ['CWD /dir', 'CDUP', 'PWD', 'MKD /dir/x', 'RMD /dir/empty']) {
    for (const spelled of spellings(server, line)) {
      assert.deepEqual((await c.cmd(spelled)).text, 'Vetoed by host.', spelled);
    }
  }
  assert.ok(seen.includes('XMKD→MKD') && seen.includes('XCUP→CDUP') && seen.includes('XCWD→CWD') && seen.includes('XPWD→PWD') && seen.includes('XRMD→RMD'));
});

test('anonymous: off unless configured, read-only by default, writable only when asked', async (t) => {
  const off = await startServer(t, { files: files(), loginThrottle: { delay: 0, maxAttempts: 0 } });
  const nobody = await RawClient.connect(off.port);
  t.after(() => nobody.close());
  for (const name of ['anonymous', 'ftp', 'ANONYMOUS']) {
    assert.equal((await nobody.cmd(`USER ${name}`)).code, 331);
    assert.equal((await nobody.cmd('PASS guest@example.com')).code, 530, `${name} is refused`);
  }
  nobody.close();
  await off.close();

  const readOnly = await startServer(t, { filesystem: storage(), anonymous: true, mdtmSetsTime: true });
  const anon = await RawClient.login(readOnly.port, 'anonymous', 'guest@example.com');
  t.after(() => anon.close());
  for (const permission of ALL_PERMISSIONS.filter((p) => p !== 'list' && p !== 'read')) {
    for (const line of needs[permission]) {
      for (const spelled of spellings(readOnly.server, line)) assert.equal((await run(anon, spelled)).code, 550, `anonymous: ${spelled}`);
    }
  }
  assert.equal((await run(anon, 'RETR /dir/f.txt')).final, 226);
  assert.equal((await run(anon, 'LIST /dir')).final, 226);
  anon.close();
  await readOnly.close();

  const writable = await startServer(t, { files: files(), anonymous: { writable: true } });
  const writer = await RawClient.login(writable.port, 'ftp', 'x');
  t.after(() => writer.close());
  assert.equal((await run(writer, 'STOR /dir/up.txt')).final, 226);
  assert.equal((await writer.cmd('MKD /dir/made')).code, 257);
});
