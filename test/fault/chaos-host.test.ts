import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FtpOptionsError, FtpServer, MemoryFileSystem, type AuthRequest, type FtpUser, type HookName } from '../../src/index.js';
import { faultScenario, isReplyCode, sleep } from '../helpers/fault.js';
import { RawClient, type Reply } from '../helpers/raw-client.js';
import { rawDownload, rawUpload } from '../helpers/transfers.js';

/**
 * Host code that misbehaves: an authenticate hook and every decision hook
 * that throws, rejects, hangs or returns garbage; event listeners, a logger
 * and a transcript sink that throw. The server answers every command once,
 * with a well-formed final reply, stays in step, and keeps serving.
 */

/** Throws on any property read: the nastiest "object" a hook can return. */
const explosive = new Proxy({}, {
  get() {
    throw new Error('boom from a proxy');
  },
  has() {
    throw new Error('boom from a proxy');
  },
});

const garbageUsers: unknown[] = [
  42,
  'yes',
  true,
  {},
  [],
  { username: 5 },
  { username: '' },
  { username: 'chaos', permissions: 42 },
  { username: 'chaos', permissions: ['fly'] },
  { username: 'chaos', home: 42 },
  { username: 'chaos', home: 'a\0b' },
  { username: 'chaos', home: '/does/not/exist' },
  { username: 'chaos', filesystem: {} },
  { username: 'chaos', filesystem: null },
  { username: 'chaos', rules: 'bogus' },
  { username: 'chaos', rules: [{ path: '/', deny: 'all' }] },
  { username: 'chaos', limits: { maxFileSize: 'big' } },
  { username: 'chaos', loginMessage: 42 },
  { username: 'chaos', loginMessage: 'welcome\r\n230 forged' },
  { username: 'chaos', allowedAddresses: 'everywhere' },
  explosive,
  Object.defineProperty({}, 'username', {
    get() {
      throw new Error('getter boom');
    },
  }),
];

type Behaviour = { kind: 'throw' | 'reject' | 'hang' | 'hang-abortable' } | { kind: 'return'; value: unknown };
const behaviours: Behaviour[] = [{ kind: 'throw' }, { kind: 'reject' }, { kind: 'hang' }, { kind: 'hang-abortable' }, ...garbageUsers.map((value) => ({ kind: 'return' as const, value }))];

function behave(b: Behaviour, signal?: AbortSignal): unknown {
  switch (b.kind) {
    case 'throw':
      throw new Error('host code threw');
    case 'reject':
      return Promise.reject(new Error('host code rejected'));
    case 'hang':
      return new Promise(() => undefined);
    case 'hang-abortable':
      return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
    case 'return':
      return Promise.resolve(b.value);
  }
}

function wellFormed(reply: Reply, what: string): void {
  assert.ok(isReplyCode(reply.code) && reply.code >= 200, `${what}: ${reply.lines.join(' | ')}`);
}

async function inStep(c: RawClient, what: string): Promise<void> {
  const noop = await c.cmd('NOOP');
  assert.deepEqual([noop.code, noop.text], [200, 'NOOP ok.'], `${what}: out of step`);
}

test('an authenticate hook that throws, rejects, hangs or returns garbage: 530 or a usable login, never a hung PASS', async (t) => {
  const memory = new MemoryFileSystem({ '/f.txt': 'x' });
  let current: Behaviour = { kind: 'throw' };
  const authenticate = ({ username, password, signal }: AuthRequest) => {
    if (username === 'test') return password === 'test' ? { username: 'test' } : null;
    return behave(current, signal) as FtpUser;
  };
  await faultScenario(t, { filesystem: memory, authenticate, timeouts: { auth: 300 }, loginThrottle: false }, async ({ server, connect, errors }) => {
    for (const b of behaviours) {
      current = b;
      const what = verdictName(b);
      const c = await connect();
      assert.equal((await c.cmd('USER chaos')).code, 331);
      const pass = await c.cmd('PASS whatever');
      wellFormed(pass, what);
      if (pass.code === 230) {
        // A user that was usable after all: every command answers cleanly.
        for (const line of ['PWD', 'CWD /', 'SIZE f.txt', 'MKD d', 'DELE f.txt']) wellFormed(await c.cmd(line), `${what}: ${line}`);
        const data = await c.epsv();
        c.send('LIST');
        const first = await c.read();
        wellFormed(first.code === 150 ? await c.read() : first, `${what}: LIST`);
        data.destroy();
      } else {
        assert.equal(pass.code, 530, `${what}: ${pass.lines.join(' | ')}`);
        // Nothing of the failed login stuck to the session.
        assert.equal((await c.cmd('PWD')).code, 530, `${what}: not logged in`);
        assert.equal(server.sessionsOf('chaos'), 0);
      }
      await inStep(c, what);
      assert.equal((await c.cmd('QUIT')).code, 221);
      c.close();
    }
  });
});

const garbageVerdicts: unknown[] = [
  'a string',
  42,
  [],
  { code: 'abc' },
  { code: 150 },
  { code: 99_999 },
  { code: 2.5 },
  { code: Number.NaN },
  { message: 42 },
  { message: ['fine', 5] },
  { message: [] },
  { close: 'yes' },
  { code: 550, message: 'no\r\n226 forged' },
  explosive,
];
const hookBehaviours: Behaviour[] = [{ kind: 'throw' }, { kind: 'reject' }, { kind: 'hang' }, ...garbageVerdicts.map((value) => ({ kind: 'return' as const, value }))];

function verdictName(b: Behaviour): string {
  if (b.kind !== 'return') return b.kind;
  try {
    return `returns ${JSON.stringify(b.value)}`;
  } catch {
    return 'returns a proxy';
  }
}

test('decision hooks that throw, reject, hang or return garbage: one well-formed final reply, never a 1xx, never out of step', async (t) => {
  let active: { hook: HookName; behaviour: Behaviour } | undefined;
  const hook = (name: HookName) => () => (active?.hook === name ? behave(active.behaviour) : undefined);
  const hooks = {
    onConnect: hook('onConnect'),
    preCommand: hook('preCommand'),
    postCommand: hook('postCommand'),
    beforeUploadCommit: hook('beforeUploadCommit'),
    onDisconnect: hook('onDisconnect'),
  } as never;
  await faultScenario(t, { files: { '/f.txt': 'x' }, hooks, timeouts: { hook: 300 } }, async ({ port, login, errors }) => {
    for (const behaviour of hookBehaviours) {
      const what = verdictName(behaviour);

      active = { hook: 'onConnect', behaviour };
      const greeted = await RawClient.connect(port, '127.0.0.1', { greeting: false });
      const greeting = await greeted.read();
      wellFormed(greeting, `onConnect ${what}`);
      if (greeting.code === 220) await inStep(greeted, `onConnect ${what}`);
      else await greeted.waitClosed(); // refused (421...): the connection is closed, nothing else arrives
      greeted.close();

      active = undefined;
      const c = await login();
      for (const name of ['preCommand', 'postCommand'] as const) {
        active = { hook: name, behaviour };
        const reply = await c.cmd('PWD');
        active = undefined;
        wellFormed(reply, `${name} ${what}`);
        if (c.closed) break; // a verdict with close: true
        await inStep(c, `${name} ${what}`);
      }
      if (!c.closed) {
        active = { hook: 'beforeUploadCommit', behaviour };
        const data = await c.epsv();
        c.send('STOR up.txt');
        assert.equal((await c.read()).code, 150);
        data.end('payload');
        const stored = await c.read();
        active = undefined;
        wellFormed(stored, `beforeUploadCommit ${what}`);
        // Vetoed or failed: not stored. Accepted: stored whole.
        const size = await c.cmd('SIZE up.txt');
        if (stored.code === 226) assert.equal(size.text, '7', what);
        else assert.equal(size.code, 550, `beforeUploadCommit ${what}: a refused upload is removed`);
        await inStep(c, `beforeUploadCommit ${what}`);
        active = { hook: 'onDisconnect', behaviour };
        assert.equal((await c.cmd('QUIT')).code, 221);
        await c.waitClosed();
        await sleep(behaviour.kind === 'hang' ? 350 : 0); // let the hung hook time out while still active
        active = undefined;
      }
    }
    assert.ok(errors.length > 0, 'hook failures reach the host as error events');
  });
});

test('listeners that throw or reject on every event, a throwing logger and transcript sink: sessions work as usual', async (t) => {
  const angryLogger = {
    debug: () => {
      throw new Error('logger');
    },
    info: () => {
      throw new Error('logger');
    },
    warn: () => {
      throw new Error('logger');
    },
    error: () => {
      throw new Error('logger');
    },
    child() {
      return this;
    },
  };
  const transcript = () => {
    throw new Error('transcript');
  };
  await faultScenario(t, { files: { '/f.txt': 'data' }, logger: angryLogger, transcript }, async ({ server, login }) => {
    const events = ['listening', 'connection', 'login', 'loginFailed', 'logout', 'command', 'reply', 'transferStart', 'transferProgress', 'transferEnd', 'transferAborted', 'fileDeleted', 'directoryCreated', 'directoryRemoved', 'renamed', 'disconnect', 'error', 'close'] as const;
    let calls = 0;
    for (const event of events) {
      server.on(event, () => {
        calls++;
        throw new Error(`listener of ${event} threw`);
      });
      server.on(event, async () => {
        calls++;
        throw new Error(`listener of ${event} rejected`);
      });
    }
    const c = await login();
    await c.cmd('TYPE I');
    assert.equal((await c.cmd('MKD d')).code, 257);
    assert.equal((await c.cmd('RMD d')).code, 250);
    const download = await rawDownload(c, 'f.txt');
    assert.equal(download.final.code, 226, download.final.lines.join(' | '));
    assert.equal(download.data.toString(), 'data');
    const upload = await rawUpload(c, 'g.txt', 'more');
    assert.equal(upload.final.code, 226, upload.final.lines.join(' | '));
    assert.equal((await c.cmd('RNFR g.txt')).code, 350);
    assert.equal((await c.cmd('RNTO h.txt')).code, 250);
    assert.equal((await c.cmd('DELE h.txt')).code, 250);
    assert.equal((await c.cmd('BOGUS')).code, 500);
    assert.equal((await c.cmd('QUIT')).code, 221);
    assert.ok(calls > 30, `listeners ran (${calls} calls)`);
  });
});

test('options that would put garbage on the wire are refused up front', () => {
  const base = { filesystem: new MemoryFileSystem(), users: [{ username: 'a', password: 'b' }] };
  for (const bad of [{ messages: { greeting: 42 } }, { languages: { de: { goodbye: ['x'] } } }, { greeting: 42 }, { greeting: ['ok', 7] }]) {
    assert.throws(() => new FtpServer({ ...base, ...(bad as object) }), FtpOptionsError, JSON.stringify(bad));
  }
});
