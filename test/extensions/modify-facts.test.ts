import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { curl, needTool } from '../helpers/clients.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

test('MFMT sets the modification time; MDTM and MLST show it', async (t) => {
  const { port } = await startServer(t, { files: { '/a file.txt': 'x' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.ok((await c.cmd('FEAT')).lines.includes(' MFMT'));
  const reply = await c.cmd('MFMT 20200102030405 a file.txt');
  assert.equal(reply.code, 213);
  assert.equal(reply.text, 'Modify=20200102030405; a file.txt');
  assert.equal((await c.cmd('MDTM a file.txt')).text, '20200102030405');
  assert.match((await c.cmd('MLST a file.txt')).text, /modify=20200102030405;/);
  assert.equal((await c.cmd('MFMT 20200102030405.123 a file.txt')).text, 'Modify=20200102030405.123; a file.txt');
  assert.equal((await c.cmd('MFMT 20201302030405 a file.txt')).code, 501, 'month 13');
  assert.equal((await c.cmd('MFMT 2020 a file.txt')).code, 501);
  assert.equal((await c.cmd('MFMT 20200102030405')).code, 501, 'no path');
  assert.equal((await c.cmd('MFMT 20200102030405 missing')).code, 550);
});

test('MFCT and MFF set what the filesystem can; FEAT lists the settable facts', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'x' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const feat = await c.cmd('FEAT');
  assert.ok(feat.lines.includes(' MFCT'));
  assert.ok(feat.lines.includes(' MFF Modify;Create;UNIX.mode;'));
  assert.equal((await c.cmd('MFCT 20010203040506 f.txt')).text, 'Create=20010203040506; f.txt');
  await c.cmd('OPTS MLST type;create;modify;UNIX.mode;');
  assert.match((await c.cmd('MLST f.txt')).text, /create=20010203040506;/);
  const mff = await c.cmd('MFF modify=20111213141516;UNIX.mode=0600; f.txt');
  assert.equal(mff.code, 213);
  assert.equal(mff.text, 'Modify=20111213141516;UNIX.mode=0600; f.txt');
  const facts = (await c.cmd('MLST f.txt')).text;
  assert.match(facts, /modify=20111213141516;/);
  assert.match(facts, /UNIX\.mode=0600;/);
  // One bad fact and nothing is changed.
  assert.equal((await c.cmd('MFF Modify=20300101000000;UNIX.owner=root; f.txt')).code, 504);
  assert.equal((await c.cmd('MFF Modify=20300101000000;UNIX.mode=999; f.txt')).code, 501);
  assert.match((await c.cmd('MLST f.txt')).text, /modify=20111213141516;/);
  assert.equal((await c.cmd('MFF f.txt')).code, 501);
  assert.equal((await c.cmd('MFF Modify; f.txt')).code, 501);
});

test('MFMT and MFF need the set-time / chmod permission', async (t) => {
  const { port } = await startServer(t, {
    files: { '/f.txt': 'x' },
    users: [{ username: 'test', password: 'test', permissions: ['list', 'read', 'chmod'] }],
  });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('MFMT 20200102030405 f.txt')).code, 550);
  assert.equal((await c.cmd('MFF Modify=20200102030405; f.txt')).code, 550);
  assert.equal((await c.cmd('MFF UNIX.mode=0640; f.txt')).code, 213);
  assert.equal((await c.cmd('SITE UTIME 20200102030405 f.txt')).code, 550);
});

test('on local disk MFMT changes the file time; MFCT (no birth-time setter) is not offered', async (t) => {
  const { port, root } = await startServer(t, { local: true });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const data = await c.epsv();
  c.send('STOR f.txt');
  assert.equal((await c.read()).code, 150);
  data.end('x');
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.cmd('MFMT 19990807060504 f.txt')).code, 213);
  assert.equal((await stat(join(root, 'f.txt'))).mtime.toISOString(), '1999-08-07T06:05:04.000Z');
  const feat = await c.cmd('FEAT');
  assert.ok(!feat.lines.includes(' MFCT'));
  assert.ok(feat.lines.includes(' MFF Modify;UNIX.mode;'));
  assert.equal((await c.cmd('MFCT 19990807060504 f.txt')).code, 502);
  assert.equal((await c.cmd('MFF Create=19990807060504; f.txt')).code, 504);
});

test('MDTM with a time argument is 501 unless mdtmSetsTime is on; a real file of that name still wins', async (t) => {
  const files = { '/f.txt': 'x', '/20240101000000 odd.txt': 'y' };
  const plain = await startServer(t, { files });
  const c = await RawClient.login(plain.port);
  t.after(() => c.close());
  const refused = await c.cmd('MDTM 20200102030405 f.txt');
  assert.equal(refused.code, 501);
  assert.match(refused.text, /MFMT/);
  assert.equal((await c.cmd('MDTM 20240101000000 odd.txt')).code, 213);
  assert.equal((await c.cmd('MDTM missing.txt')).code, 550);

  const setting = await startServer(t, { files, mdtmSetsTime: true });
  const s = await RawClient.login(setting.port);
  t.after(() => s.close());
  const set = await s.cmd('MDTM 20200102030405 f.txt');
  assert.equal(set.code, 213);
  assert.equal((await s.cmd('MDTM f.txt')).text, '20200102030405');
  assert.equal((await s.cmd('MDTM 20200102030405 missing.txt')).code, 550);
});

test('SITE CHMOD and both SITE UTIME forms; SITE HELP lists them', async (t) => {
  const { port } = await startServer(t, { files: { '/dir/my file.txt': 'x' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const help = await c.cmd('SITE HELP');
  assert.equal(help.code, 214);
  assert.match(help.text, /CHMOD/);
  assert.match(help.text, /UTIME/);
  assert.match((await c.cmd('SITE HELP CHMOD')).text, /SITE CHMOD/);
  assert.equal((await c.cmd('SITE CHMOD 600 dir/my file.txt')).code, 200);
  assert.match((await c.cmd('MLST dir/my file.txt')).text, /UNIX\.mode=0600;/);
  assert.equal((await c.cmd('SITE CHMOD 9x9 dir/my file.txt')).code, 501);
  assert.equal((await c.cmd('SITE CHMOD 644 dir/none')).code, 550);
  assert.equal((await c.cmd('SITE UTIME 20050607080910 dir/my file.txt')).code, 200);
  assert.equal((await c.cmd('MDTM dir/my file.txt')).text, '20050607080910');
  assert.equal((await c.cmd('SITE UTIME dir/my file.txt 20060101000000 20070203040506 20060101000000 UTC')).code, 200);
  assert.equal((await c.cmd('MDTM dir/my file.txt')).text, '20070203040506');
  assert.equal((await c.cmd('SITE UTIME 200701010000 dir/my file.txt')).code, 200, 'minutes precision');
  assert.equal((await c.cmd('MDTM dir/my file.txt')).text, '20070101000000');
  assert.equal((await c.cmd('SITE UTIME tomorrow dir/my file.txt')).code, 501);
  assert.equal((await c.cmd('SITE UTIME 20070101000000 dir/none')).code, 550);
  assert.equal((await c.cmd('SITE NOPE')).code, 502);
});

test('host-registered SITE commands get the same checks as built-ins', async (t) => {
  const { port, server } = await startServer(t, { users: [{ username: 'test', password: 'test', permissions: 'read-only' }] });
  const seen: string[] = [];
  server.addSiteCommand({
    name: 'WHO',
    argument: 'none',
    help: 'SITE WHO (who am I)',
    handler: ({ session }) => session.reply(200, `You are ${session.user!.username}.`),
  });
  server.addSiteCommand({
    name: 'TOUCH',
    argument: 'required',
    path: true,
    permission: 'write',
    help: 'SITE TOUCH <sp> path',
    handler: ({ session, path }) => {
      seen.push(path);
      session.reply(200, 'touched');
    },
  });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('SITE WHO')).text, 'You are test.');
  assert.equal((await c.cmd('site who extra')).code, 501);
  assert.equal((await c.cmd('SITE TOUCH ../../etc/passwd')).code, 550, 'the read-only user may not write');
  assert.deepEqual(seen, []);
  const help = await c.cmd('SITE HELP');
  assert.match(help.text, /WHO/);
  assert.match(help.text, /TOUCH/);
});

test('curl reads SIZE and MDTM (Last-Modified) of a file', async (t) => {
  if (!needTool(t, 'curl')) return;
  const { port } = await startServer(t, { files: { '/data.bin': Buffer.alloc(1234, 7) } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('MFMT 20210304050607 data.bin')).code, 213);
  const head = await curl(['-I', `ftp://test:test@127.0.0.1:${port}/data.bin`]);
  assert.equal(head.code, 0, head.stderr);
  assert.match(head.stdout, /Content-Length: 1234/);
  assert.match(head.stdout, /Last-Modified: Thu, 04 Mar 2021 05:06:07 GMT/);
});
