import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import { Client } from 'basic-ftp';
import { LocalFileSystem, MemoryFileSystem, MountFileSystem, readOnly, rooted, type FileStat, type FileSystem, type FtpUser } from '../../src/index.js';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer, tempDir } from '../helpers/server.js';
import { rawDownload, rawUpload } from '../helpers/transfers.js';

async function login(port: number, user = 'test', password = 'test'): Promise<Client> {
  const client = new Client(10_000);
  await client.access({ host: '127.0.0.1', port, user, password });
  return client;
}

async function text(client: Client, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  await client.downloadTo(new Writable({ write: (c, _e, done) => void (chunks.push(c as Buffer), done()) }), path);
  return Buffer.concat(chunks).toString();
}

async function names(c: RawClient, path = ''): Promise<string[]> {
  const data = await c.epsv();
  c.send(path ? `NLST ${path}` : 'NLST');
  const opening = await c.read();
  if (opening.code !== 150) throw new Error(opening.lines.join(' | '));
  const body = (await readAll(data)).toString();
  await c.read();
  return body.split('\r\n').filter(Boolean).sort();
}

/** Only what the contract requires: no optional method at all. */
class BareFileSystem implements FileSystem {
  private readonly inner = new MemoryFileSystem({ '/f.txt': 'bare' });
  stat = this.inner.stat.bind(this.inner);
  list = this.inner.list.bind(this.inner);
  read = this.inner.read.bind(this.inner);
  write = this.inner.write.bind(this.inner);
  delete = this.inner.delete.bind(this.inner);
  mkdir = this.inner.mkdir.bind(this.inner);
  rmdir = this.inner.rmdir.bind(this.inner);
  rename = this.inner.rename.bind(this.inner);
}

test('a filesystem per user (factory): each user sees their own tree', async (t) => {
  const homes = new Map([
    ['alice', new MemoryFileSystem({ '/alice.txt': 'a' })],
    ['bob', new MemoryFileSystem({ '/bob.txt': 'b' })],
  ]);
  const seen: string[] = [];
  const { port } = await startServer(t, {
    users: [
      { username: 'alice', password: 'a' },
      { username: 'bob', password: 'b' },
    ],
    filesystem: (user, session) => {
      seen.push(`${user.username}@${session.id}`);
      return homes.get(user.username)!;
    },
  });
  const alice = await login(port, 'alice', 'a');
  const bob = await login(port, 'bob', 'b');
  t.after(() => [alice, bob].forEach((c) => c.close()));
  assert.deepEqual((await alice.list()).map((f) => f.name), ['alice.txt']);
  assert.deepEqual((await bob.list()).map((f) => f.name), ['bob.txt']);
  await alice.uploadFrom(Readable.from(['new']), 'mine.txt');
  assert.equal((await homes.get('alice')!.stat('/mine.txt')).size, 3);
  await assert.rejects(homes.get('bob')!.stat('/mine.txt'));
  assert.equal(seen.length, 2);
});

test('readOnly(): reads pass, every change is 550, and FEAT stops offering what would change things', async (t) => {
  const memory = new MemoryFileSystem({ '/doc.txt': 'read me', '/dir/': null });
  const { port } = await startServer(t, { filesystem: readOnly(memory) });
  const client = await login(port);
  t.after(() => client.close());
  assert.equal(await text(client, 'doc.txt'), 'read me');
  await assert.rejects(client.uploadFrom(Readable.from(['x']), 'new.txt'), /550/);
  await assert.rejects(client.remove('doc.txt'), /550/);
  await assert.rejects(client.send('MKD other'), /550/);
  await assert.rejects(client.rename('doc.txt', 'moved.txt'), /550/);
  const feat = (await client.send('FEAT')).message;
  assert.doesNotMatch(feat, /MFMT/);
  await assert.rejects(client.send('SITE CHMOD 600 doc.txt'), /50[02]/);
  assert.equal((await memory.stat('/doc.txt')).size, 7);
});

test('rooted(): a sub-folder as the whole tree, nothing above it reachable, optional methods forwarded', async (t) => {
  const shared = new MemoryFileSystem({ '/home/alice/notes.txt': 'alice', '/home/bob/secret.txt': 'bob', '/top.txt': 'top' });
  const { port } = await startServer(t, {
    users: [{ username: 'alice', password: 'a', filesystem: rooted(shared, '/home/alice') }],
  });
  const c = await RawClient.login(port, 'alice', 'a');
  t.after(() => c.close());
  assert.deepEqual(await names(c), ['notes.txt']);
  assert.equal((await c.cmd('CWD ../bob')).code, 550, '.. stops at the folder');
  assert.equal((await c.cmd('CWD /')).code, 250);
  assert.equal((await c.cmd('SIZE ../../top.txt')).code, 550);
  assert.equal((await rawUpload(c, 'up.txt', 'hello')).final.code, 226);
  assert.equal((await shared.stat('/home/alice/up.txt')).size, 5);
  const feat = await c.cmd('FEAT');
  assert.match(feat.text, /MFMT/, 'the memory filesystem can set times, so the rooted view can too');
  assert.equal((await c.cmd('MFMT 20200102030405 up.txt')).code, 213);
  assert.equal((await shared.stat('/home/alice/up.txt')).mtime.toISOString(), '2020-01-02T03:04:05.000Z');
  const mlst = await c.cmd('MLST /');
  assert.equal(mlst.code, 250);
});

test('rooted(): a folder built from a user name cannot climb out of /home (a user named ".." gets 530, not the parent tree)', async (t) => {
  const shared = new MemoryFileSystem({ '/home/alice/notes.txt': 'alice', '/home/bob/secret.txt': 'bob' });
  assert.throws(() => rooted(shared, '/home/..'), TypeError);
  assert.throws(() => rooted(shared, '/home/../bob'), TypeError);
  assert.throws(() => rooted(shared, '\\home\\..'), TypeError);
  const { port } = await startServer(t, {
    // The documented pattern: anyone who knows the password gets /home/<their name>.
    authenticate: ({ username, password }) => (password === 'pw' ? { username, filesystem: rooted(shared, `/home/${username}`) } : null),
  });
  const honest = await RawClient.login(port, 'alice', 'pw');
  t.after(() => honest.close());
  assert.deepEqual(await names(honest), ['notes.txt']);
  const climber = await RawClient.connect(port);
  t.after(() => climber.close());
  assert.equal((await climber.cmd('USER ..')).code, 331);
  assert.equal((await climber.cmd('PASS pw')).code, 530);
  assert.equal((await climber.cmd('NLST')).code, 530, 'still not logged in');
});

test('MountFileSystem: several filesystems in one tree; mount points listed; cross-mount rename refused cleanly', async (t) => {
  const disk = await tempDir(t);
  await writeFile(join(disk, 'on-disk.txt'), 'disk');
  const home = new MemoryFileSystem({ '/a.txt': 'home', '/shared': 'a file the mount hides' });
  const team = new MemoryFileSystem({ '/handbook.txt': 'team' });
  const archive = new MemoryFileSystem({ '/2023.zip': 'old' });
  const tree = new MountFileSystem({ '/': home, '/shared': readOnly(team), '/disk': new LocalFileSystem(disk), '/archive/2023': archive });
  const { port } = await startServer(t, { filesystem: tree });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.deepEqual(await names(c), ['a.txt', 'archive', 'disk', 'shared']);
  assert.deepEqual(await names(c, '/archive'), ['2023'], 'a folder leading to a mount exists');
  assert.deepEqual(await names(c, '/archive/2023'), ['2023.zip']);
  assert.equal((await c.cmd('CWD /archive')).code, 250);
  assert.equal((await c.cmd('CWD /')).code, 250);
  assert.equal((await rawDownload(c, 'shared/handbook.txt')).data.toString(), 'team');
  assert.equal((await rawUpload(c, 'shared/x.txt', 'x')).final.code, 550, 'a read-only mount stays read-only');
  assert.equal((await rawUpload(c, 'disk/up.txt', 'to disk')).final.code, 226);
  assert.equal(await readFile(join(disk, 'up.txt'), 'utf8'), 'to disk');
  assert.equal((await c.cmd('RNFR a.txt')).code, 350);
  const across = await c.cmd('RNTO disk/a.txt');
  assert.deepEqual([across.code, across.text], [553, 'Cannot rename across mount points.']);
  assert.equal((await c.cmd('RNFR disk/up.txt')).code, 350);
  assert.equal((await c.cmd('RNTO disk/renamed.txt')).code, 250, 'inside one mount, rename works');
  assert.equal((await c.cmd('RMD disk')).code, 550, 'a mount point cannot be removed');
  assert.equal((await c.cmd('RMD archive')).code, 550);
  assert.equal((await c.cmd('MKD shared')).code, 550);
  assert.equal((await c.cmd('DELE shared')).code, 550);
  const mlsd = await c.epsv();
  c.send('MLSD /');
  await c.read();
  const facts = (await readAll(mlsd)).toString();
  await c.read();
  assert.match(facts, /type=dir;.* shared\r\n/);
});

test('optional methods switch commands on by presence, through every wrapper', async (t) => {
  const bare = new BareFileSystem();
  const withTimes = new MemoryFileSystem({ '/t.txt': 't' });
  for (const [label, filesystem, expected] of [
    ['bare', bare, false],
    ['rooted(bare)', rooted(bare, '/'), false],
    ['readOnly(memory)', readOnly(withTimes), false],
    ['rooted(memory)', rooted(withTimes, '/'), true],
    ['mounts(bare, memory)', new MountFileSystem({ '/': bare, '/m': withTimes }), true],
  ] as const) {
    assert.equal(typeof (filesystem as FileSystem).setModifiedTime === 'function', expected, `${label}: setModifiedTime present`);
    assert.equal(typeof (filesystem as FileSystem).chmod === 'function', expected, `${label}: chmod present`);
    const { port, close } = await startServer(t, { filesystem });
    const c = await RawClient.login(port);
    const feat = await c.cmd('FEAT');
    assert.equal(/\bMFMT\b/.test(feat.text), expected, `${label}: FEAT MFMT`);
    const help = await c.cmd('SITE HELP');
    assert.equal(/CHMOD/.test(help.text), expected, `${label}: SITE HELP CHMOD`);
    if (!expected) assert.equal((await c.cmd('MFMT 20200101000000 f.txt')).code >= 500, true);
    c.close();
    await close();
  }
  // In a mount table, a path on a mount without the method is 502.
  const { port } = await startServer(t, { filesystem: new MountFileSystem({ '/': bare, '/m': withTimes }) });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('MFMT 20200101000000 /m/t.txt')).code, 213);
  assert.equal((await c.cmd('MFMT 20200101000000 /f.txt')).code, 502);
});

test('usedSpace: memory has it, rooted views and mount tables measure their own part', async () => {
  const memory = new MemoryFileSystem({ '/a/1.bin': Buffer.alloc(100), '/b/2.bin': Buffer.alloc(50) });
  assert.equal(await memory.usedSpace(), 150);
  assert.equal(rooted(memory, '/a').usedSpace, undefined, 'a sub-folder is measured by a walk');
  assert.equal(typeof rooted(memory, '/').usedSpace, 'function');
  const mounts = new MountFileSystem({ '/': memory, '/x': new MemoryFileSystem({ '/y': 'yy' }) });
  assert.equal(await mounts.usedSpace!({} as never), 152);
  void ({} as FileStat);
  void ({} as FtpUser);
});

test('a mount table rejects bad mount paths at construction', () => {
  assert.throws(() => new MountFileSystem({}), /at least one mount/);
  assert.throws(() => new MountFileSystem({ relative: new MemoryFileSystem() }), /absolute/);
  assert.throws(() => new MountFileSystem([{ path: '/a', filesystem: new MemoryFileSystem() }, { path: '/a/', filesystem: new MemoryFileSystem() }]), /twice/);
});

test('LocalFileSystem atomicUploads: nobody sees a partial file; a failed upload leaves the old content', async (t) => {
  const root = await tempDir(t);
  await mkdir(join(root, 'in'));
  await writeFile(join(root, 'in', 'report.csv'), 'OLD');
  const { port } = await startServer(t, { filesystem: new LocalFileSystem(root, { atomicUploads: true }) });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const full = Buffer.alloc(512 * 1024, 7);

  // While the upload streams, the target always holds the old content, and no
  // listing (FTP or disk, as a watcher would see it) shows anything half-written.
  const data = await c.epsv();
  c.send('STOR in/report.csv');
  assert.equal((await c.read()).code, 150);
  for (let i = 0; i < 8; i++) {
    data.write(full.subarray(i * 64 * 1024, (i + 1) * 64 * 1024));
    await new Promise((r) => setTimeout(r, 15));
    assert.equal(await readFile(join(root, 'in', 'report.csv'), 'utf8'), 'OLD', `after chunk ${i}`);
  }
  const other = await RawClient.login(port);
  t.after(() => other.close());
  assert.deepEqual(await names(other, 'in'), ['report.csv'], 'the temporary file is not listed');
  data.end();
  assert.equal((await c.read()).code, 226);
  assert.deepEqual(await readFile(join(root, 'in', 'report.csv')), full);

  // A broken upload: the old (now new) content stays, no temporary file is left.
  const broken = await c.epsv();
  c.send('STOR in/report.csv');
  assert.equal((await c.read()).code, 150);
  broken.write(Buffer.alloc(100_000, 1));
  await new Promise((r) => setTimeout(r, 30));
  c.send('ABOR');
  assert.equal((await c.read()).code, 426);
  assert.equal((await c.read()).code, 226);
  broken.destroy();
  assert.deepEqual(await readFile(join(root, 'in', 'report.csv')), full);
  const { readdir } = await import('node:fs/promises');
  for (let i = 0; i < 50 && (await readdir(join(root, 'in'))).length > 1; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(await readdir(join(root, 'in')), ['report.csv']);
});

test('a backend class with #private fields and methods of its own works through the session (custom command)', async (t) => {
  class Audited implements FileSystem {
    readonly #inner = new MemoryFileSystem({ '/a.txt': 'a' });
    #reads = 0;
    stat = (path: string) => this.#inner.stat(path);
    list = (path: string) => this.#inner.list(path);
    async read(path: string, options: { start: number }) {
      this.#reads++;
      return this.#inner.read(path, options);
    }
    write = this.#inner.write.bind(this.#inner);
    delete = this.#inner.delete.bind(this.#inner);
    mkdir = this.#inner.mkdir.bind(this.#inner);
    rmdir = this.#inner.rmdir.bind(this.#inner);
    rename = this.#inner.rename.bind(this.#inner);
    /** Not part of the contract: the host's own. */
    readCount(): number {
      return this.#reads;
    }
    get reads(): number {
      return this.#reads;
    }
  }
  const { port, server } = await startServer(t, { filesystem: new Audited() });
  server.addSiteCommand({
    name: 'READS',
    argument: 'none',
    help: 'SITE READS',
    handler: ({ session }) => {
      const fs = session.fs as unknown as Audited;
      session.reply(200, `${fs.readCount()} reads (${fs.reads})`);
    },
  });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  assert.equal((await rawDownload(c, 'a.txt')).data.toString(), 'a');
  assert.equal((await c.cmd('SITE READS')).text, '1 reads (1)');
});
