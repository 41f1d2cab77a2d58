import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { Client } from 'basic-ftp';
import { tempDir } from './helpers/server.js';
import { spawnServer, type Spawned } from './helpers/spawned.js';
import { testCertificates } from './helpers/tls.js';

/**
 * Every example in examples/ runs here as a user would run it (tsx,
 * importing 'ftpkit' from dist/) with PORT=0, driven by a real client once it prints its
 * `listening on` line, then stopped with SIGTERM (it must exit 0 by itself).
 * Add a row for each new example.
 */
interface ExampleCase {
  file: string;
  args?: (t: TestContext) => Promise<string[]>;
  drive(server: Spawned, t: TestContext): Promise<void>;
}

async function connect(t: TestContext, server: Spawned, user: string, password: string): Promise<Client> {
  const c = new Client(10_000);
  t.after(() => c.close());
  await c.access({ host: server.host, port: server.port, user, password });
  return c;
}

async function text(c: Client, path: string): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await c.downloadTo(sink, path);
  return Buffer.concat(chunks).toString();
}

async function refused(action: Promise<unknown>, code: number): Promise<void> {
  await assert.rejects(action, (error: { code?: number }) => error.code === code);
}

let servedFolder = '';

const EXAMPLES: ExampleCase[] = [
  {
    file: 'serve-folder.ts',
    args: async (t) => {
      servedFolder = await tempDir(t);
      await writeFile(join(servedFolder, 'hello.txt'), 'hello from disk');
      return [servedFolder];
    },
    async drive(server, t) {
      const alice = await connect(t, server, 'alice', 'wonderland');
      assert.equal(await text(alice, 'hello.txt'), 'hello from disk');
      await alice.uploadFrom(Readable.from(['uploaded']), 'up.txt');
      assert.equal(await readFile(join(servedFolder, 'up.txt'), 'utf8'), 'uploaded');
      const anonymous = await connect(t, server, 'anonymous', 'guest@example.com');
      assert.equal(await text(anonymous, 'up.txt'), 'uploaded');
      await refused(anonymous.uploadFrom(Readable.from(['x']), 'nope.txt'), 550);
    },
  },
  {
    file: 'custom-auth.ts',
    async drive(server, t) {
      await refused(connect(t, server, 'admin', 'wrong'), 530);
      await refused(connect(t, server, 'nobody', 'admin-pass'), 530);
      const admin = await connect(t, server, 'admin', 'admin-pass');
      await admin.uploadFrom(Readable.from(['q3']), 'reports/q3.txt');
      const viewer = await connect(t, server, 'viewer', 'viewer-pass');
      assert.equal(await text(viewer, 'reports/q3.txt'), 'q3');
      await refused(viewer.uploadFrom(Readable.from(['x']), 'reports/q4.txt'), 550);
      await refused(viewer.remove('welcome.txt'), 550);
      await server.waitFor(/login failed: admin \(bad-credentials\)/);
      await server.waitFor(/login: viewer \(viewer\)/);
    },
  },
  {
    file: 'memory-filesystem.ts',
    async drive(server, t) {
      const c = await connect(t, server, 'demo', 'demo');
      assert.match(await text(c, 'readme.txt'), /lives in memory/);
      await c.uploadFrom(Readable.from(['twelve bytes']), 'incoming/note.txt');
      assert.equal(await text(c, 'incoming/note.txt'), 'twelve bytes');
      await server.waitFor(/received \/incoming\/note\.txt \(12 bytes\)/);
    },
  },
  {
    file: 'ftps.ts',
    args: async () => {
      const { certPath, keyPath } = testCertificates();
      return [certPath, keyPath];
    },
    async drive(server, t) {
      await refused(connect(t, server, 'alice', 'wonderland'), 530); // no TLS, no login
      const implicitPort = Number((await server.waitFor(/implicit FTPS on ftps:\/\/127\.0\.0\.1:(\d+)/))[1]);
      for (const [port, secure] of [[server.port, true], [implicitPort, 'implicit']] as const) {
        const c = new Client(10_000);
        t.after(() => c.close());
        await c.access({ host: server.host, port, user: 'alice', password: 'wonderland', secure, secureOptions: { rejectUnauthorized: false } });
        assert.equal(await text(c, 'readme.txt'), 'This file travelled over TLS.\n');
        await c.uploadFrom(Readable.from(['over TLS']), 'up.txt');
        assert.equal(await text(c, 'up.txt'), 'over TLS');
      }
    },
  },
];

const ROOT = join(import.meta.dirname, '..');

for (const example of EXAMPLES) {
  test(`examples/${example.file} runs, serves real clients and stops on SIGTERM`, async (t) => {
    const args = example.args ? await example.args(t) : [];
    // `node --import tsx` is what `npx tsx` runs, minus tsx's signal-relaying parent
    // process (which SIGKILLs the example if it is slow to acknowledge a signal on a busy machine).
    const server = await spawnServer(t, process.execPath, ['--import', 'tsx', join('examples', example.file), ...args], { cwd: ROOT, env: { PORT: '0' } });
    assert.equal(server.url, `ftp://127.0.0.1:${server.port}`);
    await example.drive(server, t);
    assert.equal(await server.stop('SIGTERM'), 0, `exit code\nstderr: ${server.stderr()}`);
  });
}
