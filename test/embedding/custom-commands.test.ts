import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReplyCode, type CommandSpec } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';

/** XTOUCH <path>: creates an empty file, or sets an existing one's time to now. */
const XTOUCH: CommandSpec = {
  name: 'XTOUCH',
  aliases: ['TOUCH'],
  argument: 'required',
  path: true,
  permission: 'write',
  feat: 'XTOUCH',
  help: 'XTOUCH <sp> pathname',
  async handler({ session, path }) {
    const fs = session.fs!;
    const exists = await fs.stat(path, session.fsContext()).then(() => true, () => false);
    if (exists && fs.setModifiedTime) await fs.setModifiedTime(path, new Date(), session.fsContext());
    else if (!exists) {
      const { Readable } = await import('node:stream');
      await fs.write(path, Readable.from([]), { start: 0, append: false }, session.fsContext());
    }
    session.reply(ReplyCode.FileActionOkay, `Touched ${path}.`);
  },
};

test('a host command gets every check a built-in gets: login, argument, jail, permission, hooks, HELP, FEAT', async (t) => {
  const vetoed: string[] = [];
  const { port, server, memory } = await startServer(t, {
    users: [
      { username: 'test', password: 'test' },
      { username: 'reader', password: 'r', permissions: 'read-only' },
    ],
    hooks: { preCommand: ({ command, path }) => (command === 'XTOUCH' && path === '/forbidden' ? (vetoed.push(path), { code: 550, message: 'Not there.' }) : undefined) },
  });
  server.addCommand(XTOUCH);
  const anonymous = await RawClient.connect(port);
  t.after(() => anonymous.close());
  assert.equal((await anonymous.cmd('XTOUCH a')).code, 530, 'login required by default');
  const feat = await anonymous.cmd('FEAT');
  assert.ok(feat.lines.includes(' XTOUCH'), 'FEAT announces it');

  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('XTOUCH')).code, 501, 'argument required');
  const touched = await c.cmd('TOUCH ../../new.txt');
  assert.deepEqual([touched.code, touched.text], [250, 'Touched /new.txt.'], 'alias, and the path is jailed');
  assert.equal((await memory!.stat('/new.txt')).size, 0);
  assert.equal((await c.cmd('XTOUCH forbidden')).code, 550);
  assert.deepEqual(vetoed, ['/forbidden'], 'preCommand hooks see it under its canonical name');
  const help = await c.cmd('HELP XTOUCH');
  assert.match(help.text, /XTOUCH <sp> pathname/);
  assert.match((await c.cmd('HELP')).text, /TOUCH/);

  const reader = await RawClient.login(port, 'reader', 'r');
  t.after(() => reader.close());
  assert.equal((await reader.cmd('XTOUCH other.txt')).code, 550, 'the permission is checked');
  await assert.rejects(memory!.stat('/other.txt'));
});

test('a host command may run before login, and may replace a built-in', async (t) => {
  const { port, server } = await startServer(t);
  server.addCommand({ name: 'XVERSION', beforeLogin: true, argument: 'none', help: 'XVERSION', handler: ({ session }) => session.reply(211, 'acme-ftp 3.1') });
  server.addCommand({ name: 'SYST', beforeLogin: true, argument: 'none', help: 'SYST', handler: ({ session }) => session.reply(215, 'UNIX Type: L8 (Acme)') });
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.deepEqual(Object.values(await c.cmd('XVERSION')).slice(0, 2), [211, 'acme-ftp 3.1']);
  assert.equal((await c.cmd('XVERSION now')).code, 501, 'no argument allowed');
  assert.equal((await c.cmd('SYST')).text, 'UNIX Type: L8 (Acme)');
});

test('a host SITE subcommand: argument, path, permission, SITE HELP, and a throwing handler is 451', async (t) => {
  const { port, server } = await startServer(t, {
    users: [
      { username: 'test', password: 'test' },
      { username: 'reader', password: 'r', permissions: 'read-only' },
    ],
  });
  server.on('error', () => undefined);
  server.addSiteCommand({
    name: 'WHO',
    argument: 'none',
    help: 'SITE WHO (who is logged in)',
    handler: ({ session }) => {
      const users = server.sessions.map((s) => s.user?.username ?? '-');
      session.reply(200, `Logged in: ${users.sort().join(', ')}`);
    },
  });
  server.addSiteCommand({
    name: 'EMPTY',
    argument: 'required',
    path: true,
    permission: 'delete',
    help: 'SITE EMPTY <sp> folder',
    handler: ({ session, path }) => session.reply(200, `Would empty ${path}.`),
  });
  server.addSiteCommand({
    name: 'BROKEN',
    argument: 'none',
    help: 'SITE BROKEN',
    handler: () => {
      throw new Error('/srv/internal/path exploded');
    },
  });
  const c = await RawClient.login(port);
  const reader = await RawClient.login(port, 'reader', 'r');
  t.after(() => [c, reader].forEach((x) => x.close()));
  assert.equal((await c.cmd('SITE WHO')).text, 'Logged in: reader, test');
  assert.equal((await c.cmd('SITE WHO please')).code, 501);
  assert.equal((await c.cmd('SITE EMPTY')).code, 501);
  assert.equal((await c.cmd('SITE EMPTY ../../tmp')).text, 'Would empty /tmp.');
  assert.equal((await reader.cmd('SITE EMPTY /tmp')).code, 550);
  const help = await c.cmd('SITE HELP');
  assert.match(help.text, /WHO/);
  assert.match(help.text, /EMPTY/);
  const broken = await c.cmd('SITE BROKEN');
  assert.equal(broken.code, 451);
  assert.doesNotMatch(broken.text, /srv/, 'no internal text leaks');
  assert.equal((await c.cmd('NOOP')).code, 200);
});

test('reply texts: override by message name, by reply code, and storage error texts too', async (t) => {
  const { port, server } = await startServer(t, {
    files: { '/a.txt': 'a' },
    messages: {
      greeting: 'Bienvenue sur ACME FTP.',
      loginOk: 'Bonjour {user} !',
      errorNotFound: 'Fichier introuvable.',
      goodbye: 'Au revoir.',
      [ReplyCode.CommandOkay]: 'OK (code-level text)',
    },
  });
  // A reply without text takes the code's stock text, which hosts override by code.
  server.addCommand({ name: 'XPING', argument: 'none', help: 'XPING', handler: ({ session }) => session.reply(ReplyCode.CommandOkay) });
  const c = await RawClient.connect(port, '127.0.0.1', { greeting: false });
  t.after(() => c.close());
  assert.equal((await c.read()).text, 'Bienvenue sur ACME FTP.');
  await c.cmd('USER test');
  assert.equal((await c.cmd('PASS test')).text, 'Bonjour test !');
  const missing = await c.cmd('SIZE nope.txt');
  assert.deepEqual([missing.code, missing.text], [550, 'Fichier introuvable.']);
  assert.equal((await c.cmd('XPING')).text, 'OK (code-level text)');
  assert.equal((await c.cmd('QUIT')).text, 'Au revoir.');
});
