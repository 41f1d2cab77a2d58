import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { MemoryFileSystem, type FileSystem, type HashOptions } from '../../src/index.js';
import { ChaosFileSystem, GARBAGE, LEAKY_PATH, type Fault, type FsMethod } from '../helpers/chaos-fs.js';
import { faultScenario, isReplyCode } from '../helpers/fault.js';
import { readAll, type RawClient, type Reply } from '../helpers/raw-client.js';

/**
 * Storage that throws, rejects, hangs, returns the wrong shape, breaks a stream
 * midway or lies about an upload. Every command that touches the failing method
 * gets one well-formed final reply (no stray second reply: the NOOP after it is
 * answered by its own 200), the reply never shows the backend's error text or
 * paths, the host hears about unknown errors through 'error', the session goes
 * on, and the next client is served.
 */

/** Memory storage with the optional abilities too, so their commands run. */
class FullMemory extends MemoryFileSystem {
  async hash(path: string, options: HashOptions): Promise<string> {
    const data = await readAll((await this.read(path, { start: options.start })) as never);
    return createHash('sha256').update(data).digest('hex');
  }

  async availableSpace(): Promise<number> {
    return 1e9;
  }
}

const FILES = { '/file.txt': 'hello\n', '/dir/a.txt': 'a', '/empty/': null };

type Probe = string | { transfer: string; upload?: boolean };

/** The commands that reach each storage method. */
const probes: Record<FsMethod, Probe[]> = {
  stat: ['CWD dir', 'SIZE file.txt', 'MDTM file.txt', 'MLST file.txt', 'STAT file.txt', 'RNFR file.txt', { transfer: 'RETR file.txt' }, { transfer: 'LIST dir' }],
  list: [{ transfer: 'LIST dir' }, { transfer: 'NLST dir' }, { transfer: 'MLSD dir' }, 'STAT dir'],
  read: [{ transfer: 'RETR file.txt' }],
  write: [{ transfer: 'STOR new.txt', upload: true }, { transfer: 'APPE file.txt', upload: true }, { transfer: 'STOU', upload: true }],
  delete: ['DELE file.txt'],
  mkdir: ['MKD newdir'],
  rmdir: ['RMD empty'],
  rename: ['RNFR file.txt\r\nRNTO renamed.txt'],
  setModifiedTime: ['MFMT 20200101000000 file.txt', 'SITE UTIME 20200101000000 file.txt'],
  setCreatedTime: ['MFCT 20200101000000 file.txt'],
  chmod: ['SITE CHMOD 600 file.txt'],
  hash: ['HASH file.txt'],
  availableSpace: ['AVBL', 'AVBL dir'],
};

/** Runs one probe to its final reply (through 150 and the data connection for transfers). */
async function runProbe(c: RawClient, probe: Probe): Promise<Reply> {
  if (typeof probe === 'string') {
    const lines = probe.split('\r\n');
    for (const line of lines.slice(0, -1)) await c.cmd(line); // RNFR before RNTO
    return c.cmd(lines.at(-1)!);
  }
  const data = await c.epsv();
  c.send(probe.transfer);
  const first = await c.read();
  if (first.code !== 150) {
    data.destroy();
    return first;
  }
  if (probe.upload) data.end(Buffer.alloc(200_000, 0x62));
  else data.resume();
  const final = await c.read();
  data.destroy();
  return final;
}

function assertSafe(reply: Reply, what: string): void {
  assert.ok(isReplyCode(reply.code), `${what}: ${reply.lines.join(' | ')}`);
  const text = reply.lines.join('\n');
  assert.ok(!text.includes(LEAKY_PATH) && !/EIO|i\/o error/i.test(text), `${what} leaks the storage error: ${text}`);
}

/** After the probe, the next reply belongs to the next command: no stray reply, the session in step. */
async function inStep(c: RawClient, what: string): Promise<void> {
  const noop = await c.cmd('NOOP');
  assert.deepEqual([noop.code, noop.text], [200, 'NOOP ok.'], `${what}: out of step`);
}

const failures: Fault[] = ['throw', 'reject'];

for (const method of Object.keys(probes) as FsMethod[]) {
  test(`storage ${method}() throws, rejects or returns garbage: a clean reply each time, the session goes on`, async (t) => {
    const chaos = new ChaosFileSystem(new FullMemory(FILES));
    await faultScenario(t, { filesystem: chaos as FileSystem }, async ({ login, errors }) => {
      const c = await login();
      await c.cmd('TYPE I');
      const faults: Fault[] = [...failures, ...GARBAGE[method].map((garbage) => ({ garbage }))];
      for (const fault of faults) {
        for (const probe of probes[method]) {
          const what = `${method} ${typeof fault === 'object' ? `garbage ${String(fault.garbage).slice(0, 40)}` : fault} via ${JSON.stringify(probe)}`;
          chaos.fail(method, fault);
          const before = errors.length;
          const reply = await runProbe(c, probe);
          chaos.heal();
          assertSafe(reply, what);
          if (typeof fault === 'string') {
            assert.ok(reply.code >= 400, `${what}: a failing storage call must fail the command, got ${reply.lines.join(' | ')}`);
            if (reply.code === 451) assert.ok(errors.length > before, `${what}: the host hears about an unknown storage error`);
          }
          await inStep(c, what);
        }
      }
      assert.equal((await c.cmd('PWD')).code, 257);
    });
  });
}

test('streams that fail or stall midway, and a write() that resolves without reading: 451 or 426, never 226', async (t) => {
  const chaos = new ChaosFileSystem(new FullMemory(FILES));
  await faultScenario(t, { filesystem: chaos as FileSystem, timeouts: { stalledTransfer: 400 } }, async ({ login, errors }) => {
    const c = await login();
    await c.cmd('TYPE I');
    const cases: [FsMethod, Fault, Probe, number][] = [
      ['read', 'fail-midway', { transfer: 'RETR file.txt' }, 451],
      ['read', 'stall-midway', { transfer: 'RETR file.txt' }, 426],
      ['write', 'fail-midway', { transfer: 'STOR w1.txt', upload: true }, 451],
      ['write', 'stall-midway', { transfer: 'STOR w2.txt', upload: true }, 426],
      ['write', 'lazy-write', { transfer: 'STOR w3.txt', upload: true }, 451],
    ];
    for (const [method, fault, probe, code] of cases) {
      const what = `${method} ${String(fault)}`;
      chaos.fail(method, fault);
      const before = errors.length;
      const reply = await runProbe(c, probe);
      chaos.heal();
      assertSafe(reply, what);
      assert.equal(reply.code, code, `${what}: ${reply.lines.join(' | ')}`);
      if (code === 451) assert.ok(errors.length > before, `${what}: reported to the host`);
      await inStep(c, what);
    }
    // None of the failed uploads is visible.
    for (const name of ['w1.txt', 'w2.txt', 'w3.txt']) assert.equal((await c.cmd(`SIZE ${name}`)).code, 550, name);
  });
});

test('storage that hangs: the idle timeout or the stall timeout ends the wait, never a stuck server', async (t) => {
  const chaos = new ChaosFileSystem(new FullMemory(FILES));
  const timeouts = { idle: 200, stalledTransfer: 200 };
  await faultScenario(t, { filesystem: chaos as FileSystem, timeouts }, async ({ login, connect }) => {
    for (const fault of ['hang', 'hang-abortable'] as const) {
      for (const method of Object.keys(probes) as FsMethod[]) {
        const probe = probes[method][0]!;
        const what = `${method} ${fault} via ${JSON.stringify(probe)}`;
        const c = await login();
        await c.cmd('TYPE I');
        chaos.fail(method, fault);
        const reply = await runProbe(c, probe).catch((error: Error) => {
          throw new Error(`${what}: ${error.message}`);
        });
        chaos.heal();
        assertSafe(reply, what);
        if (reply.code === 421) {
          await c.waitClosed(); // idle timeout: the session ends cleanly
        } else {
          // A hung storage call inside a transfer is a stalled transfer.
          assert.equal(reply.code, 426, `${what}: ${reply.lines.join(' | ')}`);
          await inStep(c, what);
        }
        // Others are served meanwhile.
        const other = await connect();
        assert.equal((await other.cmd('NOOP')).code, 200);
        other.close();
      }
    }
  });
});
