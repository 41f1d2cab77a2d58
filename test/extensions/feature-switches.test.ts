import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

const helpVerbs = (text: string) => new Set(text.split('\n').slice(1, -1).join(' ').split(/\s+/).filter(Boolean));

test('FEAT and HELP come from the command table: a disabled command leaves both and answers 502', async (t) => {
  const on = await startServer(t);
  const a = await RawClient.login(on.port);
  t.after(() => a.close());
  const featOn = await a.cmd('FEAT');
  const helpOn = helpVerbs((await a.cmd('HELP')).text);
  for (const line of [' MFMT', ' SIZE', ' EPSV']) assert.ok(featOn.lines.includes(line), line);
  for (const verb of ['MFMT', 'SIZE', 'EPSV', 'MKD', 'XMKD', 'SITE']) assert.ok(helpOn.has(verb), verb);
  assert.match((await a.cmd('SITE HELP')).text, /CHMOD/);

  const off = await startServer(t, { disabledCommands: ['mfmt', 'SIZE', 'MKD', 'site  chmod'] });
  const b = await RawClient.login(off.port);
  t.after(() => b.close());
  const feat = await b.cmd('FEAT');
  const help = helpVerbs((await b.cmd('HELP')).text);
  for (const line of [' MFMT', ' SIZE']) assert.ok(!feat.lines.includes(line), line);
  assert.ok(feat.lines.includes(' EPSV'));
  for (const verb of ['MFMT', 'SIZE', 'MKD', 'XMKD']) assert.ok(!help.has(verb), verb);
  assert.ok(help.has('EPSV'));
  assert.equal((await b.cmd('MFMT 20200101000000 x')).code, 502);
  assert.equal((await b.cmd('XMKD d')).code, 502, 'the alias goes with its command');
  assert.equal((await b.cmd('HELP SIZE')).code, 502);
  assert.equal((await b.cmd('HELP EPSV')).code, 214);
  assert.ok(!/CHMOD/.test((await b.cmd('SITE HELP')).text));
  assert.equal((await b.cmd('SITE CHMOD 644 x')).code, 502);
  assert.match((await b.cmd('SITE HELP')).text, /UTIME/);
});

test('disabledCommands is validated', async () => {
  const { FtpServer, FtpOptionsError } = await import('../../src/index.js');
  assert.throws(
    () => new FtpServer({ users: [{ username: 'u', password: 'p' }], root: '/tmp', disabledCommands: ['NO PE X', ''] }),
    (error: unknown) => error instanceof FtpOptionsError && error.problems.length === 2,
  );
});
