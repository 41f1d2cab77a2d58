import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionInfo } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

const OBSOLETE = ['XSEN', 'XSEM', 'XRCP', 'XRSQ', 'MAIL', 'MLFL', 'MSND', 'MSOM', 'MSAM', 'MRSQ', 'MRCP'];

test('obsolete mail commands are 502 with a reason, before and after login, and stay out of HELP', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  for (const verb of OBSOLETE) {
    const reply = await c.cmd(`${verb} someone`);
    assert.equal(reply.code, 502, verb);
    assert.match(reply.text, new RegExp(`^${verb} is an obsolete .* \\(RFC 7(37|43|65)\\).*SMTP`), verb);
  }
  assert.equal((await c.cmd('USER test')).code, 331);
  assert.equal((await c.cmd('PASS test')).code, 230);
  assert.equal((await c.cmd('mail')).code, 502);
  const help = await c.cmd('HELP');
  assert.equal(help.code, 214);
  for (const verb of OBSOLETE) assert.ok(!help.text.split(/\s+/).includes(verb), `${verb} not in HELP`);
  const one = await c.cmd('HELP XSEN');
  assert.equal(one.code, 214);
  assert.match(one.text, /obsolete/);
});

test('CLNT is stored on the session, seen by events and logged; it needs an argument', async (t) => {
  const logged: unknown[] = [];
  const note = (fields: object, msg?: string) => void logged.push({ ...fields, msg });
  const { port, server } = await startServer(t, { logger: { debug: note, info: note, warn: note, error: note } });
  const seen: (string | undefined)[] = [];
  server.on('login', ({ session }: { session: SessionInfo }) => seen.push(session.clientName));
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('CLNT')).code, 501);
  assert.equal((await c.cmd('CLNT FileZilla 3.66.4\x01')).code, 200);
  assert.equal((await c.cmd('USER test')).code, 331);
  assert.equal((await c.cmd('PASS test')).code, 230);
  assert.deepEqual(seen, ['FileZilla 3.66.4']);
  assert.equal(server.sessions[0]?.clientName, 'FileZilla 3.66.4');
  assert.ok((await c.cmd('FEAT')).lines.includes(' CLNT'));
  assert.ok(logged.some((entry) => (entry as { client?: string }).client === 'FileZilla 3.66.4'), JSON.stringify(logged));
});

test('AVBL and ALLO follow the filesystem: absent without availableSpace, checked with it', async (t) => {
  // Memory storage knows no free space: AVBL is not offered, ALLO is superfluous.
  const memory = await startServer(t);
  const m = await RawClient.login(memory.port);
  t.after(() => m.close());
  assert.ok(!(await m.cmd('FEAT')).lines.includes(' AVBL'));
  assert.ok(!(await m.cmd('HELP')).text.includes('AVBL'));
  assert.equal((await m.cmd('AVBL')).code, 502);
  assert.equal((await m.cmd('ALLO 1000')).code, 202);
  assert.equal((await m.cmd('ALLO x')).code, 501);

  // Local disk knows: AVBL answers 213 <bytes>, ALLO compares.
  const local = await startServer(t, { local: true, users: [{ username: 'test', password: 'test', limits: { maxFileSize: 5000 } }] });
  const c = await RawClient.login(local.port);
  t.after(() => c.close());
  assert.ok((await c.cmd('FEAT')).lines.includes(' AVBL'));
  const avbl = await c.cmd('AVBL');
  assert.equal(avbl.code, 213);
  assert.match(avbl.text, /^\d+$/);
  assert.ok(Number(avbl.text) > 0);
  assert.equal((await c.cmd('AVBL /')).code, 213);
  assert.equal((await c.cmd('AVBL /missing')).code, 550);
  assert.equal((await c.cmd('ALLO 1000')).code, 200);
  assert.equal((await c.cmd('ALLO 1000 R 10')).code, 200);
  assert.equal((await c.cmd('ALLO 6000')).code, 552, 'beyond the user maximum file size');
});

test('ALLO beyond the free space is 452', async (t) => {
  const { LocalFileSystem } = await import('../../src/index.js');
  const { tempDir } = await import('../helpers/server.js');
  const root = await tempDir(t);
  const fs = new LocalFileSystem(root);
  const small = Object.assign(Object.create(fs) as typeof fs, { availableSpace: async () => 1234 });
  const { port } = await startServer(t, { filesystem: small });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('AVBL')).text, '1234');
  assert.equal((await c.cmd('ALLO 1234')).code, 200);
  const reply = await c.cmd('ALLO 1235');
  assert.equal(reply.code, 452);
  assert.match(reply.text, /1234 bytes available/);
});

test('ABOR outside a transfer is 225, with a prepared data connection 226', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('ABOR')).code, 225);
  assert.equal((await c.cmd('EPSV')).code, 229);
  assert.equal((await c.cmd('ABOR')).code, 226);
  assert.equal((await c.cmd('LIST')).code, 425, 'the prepared connection is gone');
});
