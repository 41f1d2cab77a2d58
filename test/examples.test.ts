import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { Client } from 'basic-ftp';
import { RawClient, readAll } from './helpers/raw-client.js';
import { passiveWindow, type PortWindow } from './helpers/ports.js';
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
  /** Extra environment (PORT=0 is always set); a function runs when the test starts. */
  env?: Record<string, string> | (() => Promise<Record<string, string>>);
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
  {
    file: 'virtual-homes.ts',
    async drive(server, t) {
      const alice = await connect(t, server, 'alice', 'alice-pass');
      const bob = await connect(t, server, 'bob', 'bob-pass');
      await alice.uploadFrom(Readable.from(['notes']), 'notes.txt');
      assert.deepEqual((await alice.list()).map((f) => f.name).sort(), ['notes.txt', 'welcome.txt']);
      assert.deepEqual((await bob.list()).map((f) => f.name), ['welcome.txt'], 'homes are private');
      assert.match(await text(bob, 'welcome.txt'), /Hello bob/);
      await refused(alice.uploadFrom(Readable.from(['MZ']), 'tool.exe'), 553);
      await refused(alice.uploadFrom(Readable.from([]), 'empty.txt'), 550);
      await assert.rejects(alice.uploadFrom(Readable.from([Buffer.alloc(1100 * 1024)]), 'big.bin'));
      await server.waitFor(/alice upload of \/big\.bin refused: limit \(552\)/);
      await server.waitFor(/alice upload of \/tool\.exe refused: rejected \(553\)/);
      const again = await connect(t, server, 'alice', 'alice-pass');
      assert.deepEqual((await again.list()).map((f) => f.name).sort(), ['notes.txt', 'welcome.txt'], 'the home outlives the session; refused files are gone');
    },
  },
  {
    file: 'object-store.ts',
    async drive(server, t) {
      const c = await connect(t, server, 'demo', 'demo');
      assert.deepEqual((await c.list()).map((f) => `${f.name}:${f.isDirectory ? 'dir' : 'file'}`).sort(), ['photos:dir', 'readme.txt:file']);
      await c.uploadFrom(Readable.from(['0123456789']), 'photos/a.txt');
      assert.equal(await text(c, 'photos/a.txt'), '0123456789');
      const chunks: Buffer[] = [];
      const sink = new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk));
      await c.downloadTo(sink, 'photos/a.txt', 4);
      assert.equal(Buffer.concat(chunks).toString(), '456789', 'a resumed download skips bytes');
      await refused(c.appendFrom(Readable.from(['more']), 'photos/a.txt'), 502);
      await c.ensureDir('/docs/2024');
      await c.cd('/');
      await c.rename('photos/a.txt', 'docs/2024/a.txt');
      await refused(c.rename('docs', 'papers'), 553);
      await refused(c.removeEmptyDir('docs'), 550);
      await c.remove('docs/2024/a.txt');
      await c.removeEmptyDir('docs/2024');
      await server.waitFor(/upload \/photos\/a\.txt \(10 bytes\)/);
    },
  },
  {
    file: 'upload-pipeline.ts',
    args: async (t) => {
      pipelineFolder = await tempDir(t);
      return [pipelineFolder];
    },
    async drive(server, t) {
      const c = await connect(t, server, 'uploader', 'uploader-pass');
      await c.uploadFrom(Readable.from(['a,b\n1,2\n']), 'incoming/report.csv');
      await server.waitFor(/processed \/incoming\/report\.csv -> \/processed\/report\.csv/);
      assert.equal(await readFile(join(pipelineFolder, 'processed', 'report.csv'), 'utf8'), 'a,b\n1,2\n');
      assert.match(await readFile(join(pipelineFolder, 'processed', 'report.csv.sha256'), 'utf8'), /^[0-9a-f]{64} {2}report\.csv\n$/);
      await refused(c.uploadFrom(Readable.from(['MZ']), 'incoming/setup.exe'), 553);
      await refused(c.uploadFrom(Readable.from(['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*']), 'incoming/eicar.txt'), 550);
      await server.waitFor(/refused \/incoming\/eicar\.txt: rejected \(550\)/);
      assert.deepEqual(await readdir(join(pipelineFolder, 'incoming')), [], 'refused files are removed, accepted ones moved on');
      await refused(c.uploadFrom(Readable.from(['x']), 'processed/sneaky.txt'), 550);
    },
  },
  {
    file: 'behind-nat.ts',
    env: async () => {
      natWindow = await passiveWindow(50);
      return { PUBLIC_ADDRESS: '203.0.113.7', INTERNAL_NETWORKS: '', PASV_PORTS: natWindow.range };
    },
    async drive(server, t) {
      const c = await RawClient.login(server.port, 'demo', 'demo');
      t.after(() => c.close());
      const { host, port } = await c.pasv();
      assert.equal(host, '203.0.113.7', 'PASV announces the public address');
      assert.ok(port >= natWindow!.first && port <= natWindow!.last, `a port from the published range ${natWindow!.range}: ${port}`);
      await c.cmd('TYPE I');
      const data = await c.epsv(); // EPSV carries only the port: the client keeps its own route
      assert.equal((await c.cmd('RETR hello.txt')).code, 150);
      assert.equal((await readAll(data)).toString(), 'Reached through NAT.\n');
      assert.equal((await c.read()).code, 226);
      await server.waitFor(/PASV from/);
    },
  },
  {
    file: 'graceful-shutdown.ts',
    async drive(server, t) {
      const c = await connect(t, server, 'demo', 'demo');
      const chunks: Buffer[] = [];
      const download = c.downloadTo(new PassThrough().on('data', (chunk: Buffer) => chunks.push(chunk)), 'big.bin');
      await server.waitFor(/transfer started: \/big\.bin/);
      server.child.kill('SIGTERM');
      await server.waitFor(/SIGTERM: draining 1 transfer\(s\)/);
      await download; // the download in flight completes during the drain
      assert.equal(Buffer.concat(chunks).length, 1024 * 1024);
      await server.waitFor(/closed: 1 transfer\(s\) completed, 0 cut/);
      // It ends by itself after the drain (a second signal could race its exit).
      if (server.child.exitCode === null) await new Promise((resolve) => server.child.once('exit', resolve));
      assert.equal(server.child.exitCode, 0);
    },
  },
  {
    file: 'metrics.ts',
    env: { METRICS_PORT: '0' },
    async drive(server, t) {
      const [, metricsUrl] = await server.waitFor(/metrics on (http:\/\/\S+)/);
      const c = await connect(t, server, 'demo', 'demo');
      await c.uploadFrom(Readable.from(['12345']), 'up.txt');
      assert.equal(await text(c, 'readme.txt'), 'measured\n');
      await refused(connect(t, server, 'demo', 'wrong'), 530);
      const body = await (await fetch(metricsUrl!)).text();
      for (const line of ['ftp_logins_total 1', 'ftp_sessions_logged_in 1', 'ftp_transfers_total{direction="upload"} 1', 'ftp_transfer_bytes_total{direction="upload"} 5', 'ftp_login_failures_total{reason="bad-credentials"} 1', 'ftp_command_duration_seconds_count{command="STOR"} 1']) {
        assert.ok(body.split('\n').includes(line), `metrics has "${line}":\n${body}`);
      }
    },
  },
];

let pipelineFolder = '';
/** behind-nat.ts's passive window, chosen when its test starts. */
let natWindow: PortWindow | undefined;

const ROOT = join(import.meta.dirname, '..');

for (const example of EXAMPLES) {
  test(`examples/${example.file} runs, serves real clients and stops on SIGTERM`, async (t) => {
    const args = example.args ? await example.args(t) : [];
    const env = typeof example.env === 'function' ? await example.env() : example.env;
    // `node --import tsx` is what `npx tsx` runs, minus tsx's signal-relaying parent
    // process (which SIGKILLs the example if it is slow to acknowledge a signal on a busy machine).
    const server = await spawnServer(t, process.execPath, ['--import', 'tsx', join('examples', example.file), ...args], { cwd: ROOT, env: { ...env, PORT: '0' } });
    assert.equal(server.url, `ftp://127.0.0.1:${server.port}`);
    await example.drive(server, t);
    assert.equal(await server.stop('SIGTERM'), 0, `exit code\nstderr: ${server.stderr()}`);
  });
}
