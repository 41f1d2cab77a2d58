import assert from 'node:assert/strict';
import { lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { LocalFileSystem, type CommandSpec, type FileSystem } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer, tempDir } from '../helpers/server.js';

/**
 * The attacker's side of the jail: every command that takes a path (SITE
 * subcommands and extensions included, found from the command tables so a new
 * command is attacked too) gets every trick, against a LocalFileSystem whose
 * root holds links leading outside. Afterwards the outside is untouched, no
 * reply or data connection carried a secret or a server path, and every path
 * that reached storage was normalized.
 */

const SECRET = 'TOP-SECRET-CONTENT';

/** Everything about a directory tree that an attack could change. */
async function snapshot(dir: string): Promise<string> {
  const lines: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const full = join(dir, name);
    const s = await lstat(full);
    lines.push(`${name} ${s.mode} ${s.size} ${s.mtimeMs} ${s.isFile() ? await readFile(full, 'utf8') : ''}`);
    if (s.isDirectory()) lines.push(...(await snapshot(full)).split('\n').map((l) => `${name}/${l}`));
  }
  return lines.join('\n');
}

/** Records every string argument that reaches storage. */
function spy(fs: FileSystem, seen: string[]): FileSystem {
  return new Proxy(fs, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        for (const arg of args) if (typeof arg === 'string') seen.push(arg);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

async function setup(t: TestContext) {
  const base = await tempDir(t, 'ftpkit-attack-');
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), SECRET);
  await mkdir(join(outside, 'dir'));
  await writeFile(join(root, 'inside.txt'), 'inside');
  await mkdir(join(root, 'sub'));
  await symlink(outside, join(root, 'escape'));
  await symlink(join(outside, 'secret.txt'), join(root, 'secret-link'));
  await symlink(join(outside, 'planted.txt'), join(root, 'dangling'));
  const seen: string[] = [];
  const started = await startServer(t, { filesystem: spy(new LocalFileSystem(root), seen), mdtmSetsTime: true });
  return { ...started, root, outside, base, seen };
}

/** Paths that try to reach `outside/secret.txt` (or `outside/` for directory commands). */
function attackPaths(outside: string, name: string): string[] {
  return [
    `../outside/${name}`,
    `/../outside/${name}`,
    `..\\outside\\${name}`,
    `\\..\\..\\outside\\${name}`,
    `sub/../../outside/${name}`,
    `//..//outside//${name}`,
    `./.././../outside/${name}`,
    `escape/${name}`,
    `/escape/../escape/${name}`,
    `escape\\${name}`,
    `${outside}/${name}`,
    `sub/\0/../../outside/${name}`,
    `${'a/'.repeat(3000)}../outside/${name}`,
    `${'x'.repeat(300)}/${name}`,
  ];
}

/** How each command wants its path argument written (commands not listed take just the path). */
const shapes: Record<string, (path: string) => string> = {
  MFMT: (p) => `20000101000000 ${p}`,
  MFCT: (p) => `20000101000000 ${p}`,
  MFF: (p) => `Modify=20000101000000;UNIX.mode=777; ${p}`,
  'SITE CHMOD': (p) => `777 ${p}`,
  'SITE UTIME': (p) => `20000101000000 ${p}`,
  LIST: (p) => `-la ${p}`,
};

/** Commands whose argument is not a path even though `path` is set on the spec. */
const notPathArgument = new Set<string>();

function pathCommands(commands: Iterable<CommandSpec>, prefix = ''): string[] {
  const verbs: string[] = [];
  for (const spec of commands) {
    if (!spec.path || notPathArgument.has(prefix + spec.name)) continue;
    for (const verb of [spec.name, ...(spec.aliases ?? [])]) verbs.push(prefix + verb);
  }
  return verbs;
}

interface Outcome {
  replies: string[];
  data: string;
}

/** Sends one command with a data connection ready; collects every reply and any data. */
async function attack(c: RawClient, line: string, upload?: string): Promise<Outcome> {
  const data = await c.epsv();
  const collected = readAll(data).catch(() => Buffer.alloc(0));
  const first = await c.cmd(line);
  const replies = [first.lines.join('\n')];
  if (first.code === 150) {
    if (upload !== undefined) data.end(upload);
    replies.push((await c.read()).lines.join('\n'));
  } else {
    data.destroy();
  }
  return { replies, data: (await collected).toString() };
}

test('every path command, every traversal trick: nothing outside the root is read, written, listed or renamed', async (t) => {
  const { port, server, root, outside, base, seen } = await setup(t);
  const before = await snapshot(outside);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const verbs = [...pathCommands(server.commands.all()), ...pathCommands(server.siteCommands.all(), 'SITE ')];
  // The ones this test must cover, at least (new ones are picked up from the tables).
  for (const expected of ['RETR', 'STOR', 'STOU', 'APPE', 'LIST', 'NLST', 'MLSD', 'MLST', 'SIZE', 'MDTM', 'DELE', 'MKD', 'XMKD', 'RMD', 'XRMD', 'CWD', 'XCWD', 'RNFR', 'RNTO', 'MFMT', 'MFF', 'AVBL', 'SITE CHMOD', 'SITE UTIME']) {
    assert.ok(verbs.includes(expected), `${expected} is attacked`);
  }
  let attempts = 0;
  for (const verb of verbs) {
    const shape = shapes[verb] ?? ((p: string) => p);
    for (const name of ['secret.txt', 'dir', 'new-file.txt']) {
      for (const path of attackPaths(outside, name)) {
        const outcome = await attack(c, `${verb} ${shape(path)}`, 'PLANTED');
        attempts++;
        const everything = outcome.replies.join('\n') + outcome.data;
        assert.ok(!everything.includes(SECRET), `${verb} ${path}: the secret leaked`);
        assert.ok(!everything.includes(base) && !everything.includes(root), `${verb} ${path}: a server path leaked: ${everything}`);
        assert.doesNotMatch(everything, /ENOENT|EACCES|EPERM|ELOOP|errno|syscall/, `${verb} ${path}: an OS error leaked`);
        if (verb === 'CWD' || verb === 'XCWD') {
          const pwd = await c.cmd('PWD');
          if (pwd.text !== '"/" is the current directory.') {
            // Wherever CWD landed, it is inside the root: listing there never shows the secret.
            const listing = await attack(c, 'NLST');
            assert.ok(!listing.data.includes('secret.txt') || !(await attack(c, 'RETR secret.txt')).data.includes(SECRET));
            await c.cmd('CWD /');
          }
        }
        if (verb === 'RNFR') await c.cmd('RNTO /stolen.txt');
        if (verb === 'RNTO') {
          await c.cmd('RNFR /inside.txt');
          await c.cmd(`RNTO ${path}`);
          await c.cmd('RNFR /stolen.txt').then(() => c.cmd('RNTO /inside.txt'));
        }
        if (c.closed) assert.fail(`${verb} ${path} closed the session`);
      }
    }
  }
  assert.ok(attempts > 500, `${attempts} attacks`);
  assert.equal(await snapshot(outside), before, 'the outside directory is exactly as it was');
  assert.equal(await readFile(join(outside, 'secret.txt'), 'utf8'), SECRET);
  await assert.rejects(stat(join(outside, 'planted.txt')), 'nothing was created through the dangling link');
  // Every path that reached storage was normalized by the server first.
  assert.ok(seen.length > 100);
  for (const path of seen) {
    assert.ok(path.startsWith('/'), `absolute: ${JSON.stringify(path)}`);
    assert.doesNotMatch(path, /\/\/|\/\.\.?(\/|$)|\\|\0/, `normalized: ${JSON.stringify(path.slice(0, 80))}`);
    assert.ok(path.split('/').every((segment) => segment.length <= 255), 'no over-long name reaches storage');
  }
  // And the session still serves the honest request next to all this.
  assert.equal((await attack(c, 'RETR inside.txt')).data, 'inside');
});

test('CR and LF cannot be smuggled into a path: they end the command line, and the rest is another command', async (t) => {
  const { port, outside } = await setup(t);
  const before = await snapshot(outside);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  // "DELE x\rRMD ../outside/dir": two commands, the second jailed like any other.
  c.write('DELE nothing\rRMD ../outside/dir\r\n');
  assert.equal((await c.read()).code, 550);
  assert.equal((await c.read()).code, 550);
  c.write('MKD a\nb\r\n');
  assert.equal((await c.read()).code, 257, '"MKD a" made a directory named a, inside the root');
  assert.equal((await c.read()).code, 500, '"b" is an unknown command');
  assert.equal(await snapshot(outside), before);
  // Telnet IAC bytes inside a name are stripped, never turned into a separator.
  c.write(Buffer.concat([Buffer.from('SIZE ..'), Buffer.from([0xff, 0xf4]), Buffer.from('/outside/secret.txt\r\n')]));
  assert.equal((await c.read()).code, 550);
});
