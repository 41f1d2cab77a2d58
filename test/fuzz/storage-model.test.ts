import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LocalFileSystem, MemoryFileSystem, type FileSystem, type FsContext } from '../../src/index.js';
import { faultScenario } from '../helpers/fault.js';
import { checkProperty } from '../helpers/fuzz.js';
import { readAll, type RawClient } from '../helpers/raw-client.js';
import { fileBytes, tempDir } from '../helpers/server.js';

/**
 * Random sequences of file operations against a model of the tree: every
 * reply says success exactly when the model says the operation is possible,
 * downloads return what was uploaded, and the storage ends up holding exactly
 * the model's tree. Acknowledged means stored; refused means untouched.
 */

type Tree = Map<string, Buffer | 'dir'>; // absolute path → content, or a directory

const name = fc.constantFrom('a', 'b', 'c');
// Mostly top-level names, so operations keep meeting each other's results.
const path = fc.oneof({ weight: 3, arbitrary: name.map((n) => `/${n}`) }, { weight: 2, arbitrary: fc.tuple(name, name).map(([a, b]) => `/${a}/${b}`) }, fc.tuple(name, name, name).map(([a, b, c]) => `/${a}/${b}/${c}`));
const op = fc.oneof(
  fc.record({ kind: fc.constant('MKD' as const), path }),
  fc.record({ kind: fc.constant('RMD' as const), path }),
  fc.record({ kind: fc.constant('DELE' as const), path }),
  fc.record({ kind: fc.constant('SIZE' as const), path }),
  fc.record({ kind: fc.constant('CWD' as const), path }),
  fc.record({ kind: fc.constant('RETR' as const), path }),
  fc.record({ kind: fc.constant('STOR' as const), path, data: fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)) }),
  fc.record({ kind: fc.constant('APPE' as const), path, data: fc.uint8Array({ maxLength: 500 }).map((b) => Buffer.from(b)) }),
  fc.record({ kind: fc.constant('RENAME' as const), path, to: path }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const parent = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
const isDir = (tree: Tree, p: string) => p === '/' || tree.get(p) === 'dir';
const children = (tree: Tree, p: string) => [...tree.keys()].filter((k) => k.startsWith(p + '/'));

/** Applies `o` to the model; returns whether it should succeed. */
function apply(tree: Tree, o: Op): boolean {
  const entry = tree.get(o.path);
  switch (o.kind) {
    case 'MKD':
      if (entry !== undefined || !isDir(tree, parent(o.path))) return false;
      tree.set(o.path, 'dir');
      return true;
    case 'RMD':
      if (entry !== 'dir' || children(tree, o.path).length > 0) return false;
      tree.delete(o.path);
      return true;
    case 'DELE':
      if (!Buffer.isBuffer(entry)) return false;
      tree.delete(o.path);
      return true;
    case 'SIZE':
    case 'RETR':
      return Buffer.isBuffer(entry);
    case 'CWD':
      return entry === 'dir';
    case 'STOR':
    case 'APPE':
      if (entry === 'dir' || !isDir(tree, parent(o.path))) return false;
      tree.set(o.path, o.kind === 'APPE' && Buffer.isBuffer(entry) ? Buffer.concat([entry, o.data]) : o.data);
      return true;
    case 'RENAME': {
      // POSIX rename: a file may replace a file, a directory an empty directory; never into itself.
      const target = tree.get(o.to);
      if (entry === undefined || !isDir(tree, parent(o.to)) || o.to.startsWith(o.path + '/')) return false;
      if (o.to === o.path) return true;
      if (target !== undefined && (Buffer.isBuffer(target) !== Buffer.isBuffer(entry) || (target === 'dir' && children(tree, o.to).length > 0))) return false;
      tree.delete(o.to);
      for (const key of [o.path, ...children(tree, o.path)]) {
        const value = tree.get(key)!;
        tree.delete(key);
        tree.set(o.to + key.slice(o.path.length), value);
      }
      return true;
    }
  }
}

/** Runs `o` on the server; returns whether the server said it succeeded (and RETR's bytes). */
async function run(c: RawClient, o: Op): Promise<{ ok: boolean; bytes?: Buffer }> {
  switch (o.kind) {
    case 'MKD':
    case 'RMD':
    case 'DELE':
    case 'SIZE':
    case 'CWD': {
      const reply = await c.cmd(`${o.kind} ${o.path}`);
      return { ok: reply.code < 400 };
    }
    case 'RENAME': {
      const from = await c.cmd(`RNFR ${o.path}`);
      if (from.code !== 350) return { ok: false };
      return { ok: (await c.cmd(`RNTO ${o.to}`)).code < 400 };
    }
    case 'RETR': {
      const data = await c.epsv();
      const first = await c.cmd(`RETR ${o.path}`);
      if (first.code !== 150) {
        data.destroy();
        return { ok: false };
      }
      const bytes = await readAll(data);
      return { ok: (await c.read()).code === 226, bytes };
    }
    case 'STOR':
    case 'APPE': {
      const data = await c.epsv();
      const first = await c.cmd(`${o.kind} ${o.path}`);
      if (first.code !== 150) {
        data.destroy();
        return { ok: false };
      }
      data.end(o.data);
      return { ok: (await c.read()).code === 226 };
    }
  }
}

const ctx = { session: undefined, user: { username: 'test' }, signal: new AbortController().signal } as unknown as FsContext;

/** The storage's whole tree, read directly (no FTP involved). */
async function actualTree(fs: FileSystem, dir = '/', out: Tree = new Map()): Promise<Tree> {
  for await (const entry of await fs.list(dir, ctx)) {
    const full = (dir === '/' ? '' : dir) + '/' + entry.name;
    if (entry.type === 'directory') {
      out.set(full, 'dir');
      await actualTree(fs, full, out);
    } else {
      out.set(full, await fileBytes(fs, full));
    }
  }
  return out;
}

for (const backend of ['memory', 'local disk'] as const) {
  test(`random file operations against a model (${backend}): replies, downloads and the stored tree all agree`, async (t) => {
    const fs: FileSystem = backend === 'memory' ? new MemoryFileSystem() : new LocalFileSystem(await tempDir(t));
    await faultScenario(t, { filesystem: fs, loginThrottle: false, antiFlood: false }, async ({ login }) => {
      await checkProperty(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 20 }), async (ops) => {
          // Each run starts from an empty tree.
          await removeTree(fs, '/');
          const model: Tree = new Map();
          const c = await login();
          try {
            await c.cmd('TYPE I');
            for (const o of ops) {
              const expected = apply(model, o);
              const got = await run(c, o);
              assert.equal(got.ok, expected, `${JSON.stringify({ ...o, data: undefined })}: server ${got.ok ? 'succeeded' : 'refused'}`);
              if (o.kind === 'RETR' && got.bytes) assert.deepEqual(got.bytes, model.get(o.path), `${o.path}: downloaded bytes`);
            }
            assert.deepEqual(await actualTree(fs), model);
          } finally {
            c.close();
          }
        }),
        backend === 'memory' ? 40 : 25,
      );
    });
  });
}

/** Empties `dir` (and removes it, unless it is the root). */
async function removeTree(fs: FileSystem, dir: string): Promise<void> {
  for await (const entry of await fs.list(dir, ctx)) {
    const full = `${dir === '/' ? '' : dir}/${entry.name}`;
    if (entry.type === 'directory') await removeTree(fs, full);
    else await fs.delete(full, ctx);
  }
  if (dir !== '/') await fs.rmdir(dir, ctx);
}
