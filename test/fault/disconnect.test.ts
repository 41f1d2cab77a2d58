import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandSpec } from '../../src/index.js';
import { faultScenario, sleep } from '../helpers/fault.js';
import type { RawClient } from '../helpers/raw-client.js';

/**
 * The client vanishes at every step of every command in the table: mid-line,
 * right after sending it, after the reply, with a FIN or a TCP reset, with and
 * without a data connection prepared. Commands added later to the table (TLS,
 * extensions) are covered without touching this file.
 */

const FILES = {
  '/file.txt': 'hello\n',
  '/dir/inner.txt': 'x',
  '/empty/': null,
  '/big.bin': Buffer.alloc(4 * 1024 * 1024, 7),
};

/** A plausible argument for each verb (a path for path commands, a value otherwise). */
function argumentFor(spec: CommandSpec): string {
  const known: Record<string, string> = {
    USER: 'test',
    PASS: 'test',
    ACCT: 'acct',
    CWD: 'dir',
    SMNT: 'dir',
    PORT: '127,0,0,1,4,1',
    EPRT: '|1|127.0.0.1|1025|',
    EPSV: '',
    TYPE: 'I',
    STRU: 'F',
    MODE: 'S',
    RETR: 'big.bin',
    STOR: 'upload.bin',
    STOU: '',
    APPE: 'file.txt',
    ALLO: '10',
    REST: '1',
    RNFR: 'file.txt',
    RNTO: 'renamed.txt',
    DELE: 'file.txt',
    RMD: 'empty',
    MKD: 'made',
    SITE: 'HELP',
    STAT: '/',
    HELP: 'RETR',
    OPTS: 'UTF8 ON',
    SIZE: 'file.txt',
    MDTM: 'file.txt',
    MLST: 'file.txt',
    MLSD: 'dir',
    AUTH: 'TLS',
    PBSZ: '0',
    PROT: 'P',
    LANG: 'en',
    HOST: 'localhost',
    CLNT: 'fault-test',
    MFMT: '20200101000000 file.txt',
    HASH: 'file.txt',
  };
  if (spec.name in known) return known[spec.name]!;
  if (spec.argument === 'none') return '';
  return spec.path ? 'file.txt' : 'x';
}

function line(spec: CommandSpec): string {
  const arg = argumentFor(spec);
  return arg === '' ? spec.name : `${spec.name} ${arg}`;
}

type Cut = (client: RawClient) => void;
const cuts: Record<string, Cut> = { fin: (c) => c.close(), reset: (c) => c.reset() };

for (const [how, cut] of Object.entries(cuts)) {
  test(`every command: the client vanishes (${how}) mid-line, right after sending it, and after its reply`, async (t) => {
    await faultScenario(t, { files: FILES }, async ({ server, login }) => {
      const specs = [...server.commands.all()];
      assert.ok(specs.length >= 40, 'the whole command table is exercised');
      for (const spec of specs) {
        // Mid-line: half a command, no line end.
        let c = await login();
        c.write(line(spec).slice(0, Math.max(1, line(spec).length - 2)));
        cut(c);
        // Right after sending: the reply (or the transfer) is still being produced.
        c = await login();
        c.send(line(spec));
        cut(c);
        // After the reply came back.
        c = await login();
        const reply = await c.cmd(line(spec));
        assert.ok(reply.code >= 100 && reply.code < 600, `${spec.name}: ${reply.lines.join(' | ')}`);
        cut(c);
      }
    });
  });

  test(`every command with a passive data connection open: the client vanishes (${how})`, async (t) => {
    await faultScenario(t, { files: FILES }, async ({ server, login }) => {
      for (const spec of server.commands.all()) {
        const c = await login();
        await c.cmd('TYPE I');
        const data = await c.epsv();
        c.send(line(spec));
        await sleep(1);
        cut(c);
        data.destroy();
      }
    });
  });
}

test('the client vanishes before the greeting, and during USER/PASS', async (t) => {
  await faultScenario(t, {}, async ({ port, connect }) => {
    const { connect: tcp } = await import('node:net');
    for (let i = 0; i < 20; i++) {
      const s = tcp({ port, host: '127.0.0.1' });
      s.on('error', () => undefined);
      if (i % 2 === 0) s.resetAndDestroy();
      else s.once('connect', () => s.destroy());
    }
    for (const step of ['USER test', 'USER test\r\nPASS test', 'USER test\r\nPASS tes']) {
      const c = await connect();
      c.write(step + (step.endsWith('tes') ? '' : '\r\n'));
      c.reset();
    }
  });
});

test('between RNFR and RNTO: the rename is forgotten with the session, the file stays', async (t) => {
  await faultScenario(t, { files: FILES }, async ({ login, memory }) => {
    let c = await login();
    assert.equal((await c.cmd('RNFR file.txt')).code, 350);
    c.reset();
    c = await login();
    // A new session has no pending rename of its own.
    assert.equal((await c.cmd('RNTO stolen.txt')).code, 503);
    assert.equal((await c.cmd('SIZE file.txt')).code, 213);
    assert.equal((await c.cmd('SIZE stolen.txt')).code, 550);
    assert.ok(memory);
  });
});
