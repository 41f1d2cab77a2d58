import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RawClient, readAll } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { startDownload } from '../helpers/transfers.js';

test('a command split across packets and two commands in one packet both work', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  c.write('US');
  await new Promise((r) => setTimeout(r, 20));
  c.write('ER test\r');
  await new Promise((r) => setTimeout(r, 20));
  c.write('\n');
  assert.equal((await c.read()).code, 331);
  c.write('PASS test\r\nPWD\r\nNOOP\n');
  assert.equal((await c.read()).code, 230);
  assert.equal((await c.read()).text, '"/" is the current directory.');
  assert.equal((await c.read()).code, 200);
});

test('FileZilla session replayed: opening sequence, browsing, upload, resumed download, delete, each reply as FileZilla expects', async (t) => {
  const { port, memory } = await startServer(t, { files: { '/f.txt': 'x', '/docs/guide.txt': '0123456789' } });
  const { connect } = await import('node:net');
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  const pasvData = async () => {
    const { host, port: dataPort } = await c.pasv();
    assert.equal(host, '127.0.0.1', 'PASV announces the address FileZilla connected to');
    return connect({ host, port: dataPort });
  };
  const transfer = async (command: string, upload?: string) => {
    const data = await pasvData();
    c.send(command);
    assert.equal((await c.read()).code, 150, command);
    if (upload !== undefined) data.end(upload);
    const body = (await readAll(data)).toString();
    assert.equal((await c.read()).code, 226, command);
    return body;
  };

  // Opening sequence.
  assert.equal((await c.cmd('USER test')).code, 331);
  assert.equal((await c.cmd('PASS test')).code, 230);
  const syst = await c.cmd('SYST');
  assert.equal(syst.code, 215);
  assert.match(syst.text, /^UNIX/, 'FileZilla picks its LIST parser from SYST');
  const feat = await c.cmd('FEAT');
  assert.equal(feat.code, 211);
  assert.match(feat.lines[0]!, /^211-/);
  assert.match(feat.lines.at(-1)!, /^211 /);
  for (const f of ['EPSV', 'EPRT', 'MDTM', 'SIZE', 'REST STREAM', 'UTF8', 'TVFS']) assert.ok(feat.lines.includes(` ${f}`), `FEAT lists ${f}`);
  assert.ok(feat.lines.some((l) => l.startsWith(' MLST type*;size*;modify*;')));
  assert.equal((await c.cmd('OPTS UTF8 ON')).code, 200, 'sent because FEAT listed UTF8');
  const pwd = await c.cmd('PWD');
  assert.equal(pwd.code, 257);
  assert.match(pwd.text, /^"\/"/, 'the path is the first quoted string');
  assert.equal((await c.cmd('TYPE I')).code, 200);
  const listing = await transfer('MLSD');
  assert.match(listing, /^type=dir;modify=\d{14}(\.\d{1,3})?;perm=[a-z]+;unique=[^;]+;UNIX\.mode=0755; docs\r\n/m);
  assert.match(listing, /^type=file;size=1;modify=\d{14}(\.\d{1,3})?;perm=[a-z]+;unique=[^;]+;UNIX\.mode=0644; f\.txt\r\n/m);

  // Browsing into a directory.
  assert.equal((await c.cmd('CWD /docs')).code, 250);
  assert.equal((await c.cmd('PWD')).text, '"/docs" is the current directory.');
  assert.match(await transfer('MLSD'), /; guide\.txt\r\n$/);

  // Upload, then a resumed download (REST + RETR), then delete.
  assert.equal((await c.cmd('TYPE I')).code, 200);
  await transfer('STOR upload.bin', 'uploaded bytes');
  assert.equal((await c.cmd('MDTM upload.bin')).code, 213);
  assert.equal((await c.cmd('SIZE upload.bin')).text, '14');
  assert.equal((await c.cmd('REST 4')).code, 350);
  assert.equal(await transfer('RETR guide.txt'), '456789');
  assert.equal((await c.cmd('DELE upload.bin')).code, 250);
  assert.equal((await c.cmd('CDUP')).code, 250);
  assert.deepEqual((await memory!.list('/docs')).map((f) => f.name), ['guide.txt']);
  assert.equal((await c.cmd('QUIT')).code, 221);
  await c.waitClosed();
});

test('unknown commands, missing arguments and commands before login', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.connect(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('BOGUS')).code, 500);
  assert.equal((await c.cmd('LIST')).code, 530);
  assert.equal((await c.cmd('USER')).code, 501);
  assert.equal((await c.cmd('PASS x')).code, 503);
  assert.equal((await c.cmd('USER test')).code, 331);
  assert.equal((await c.cmd('PASS wrong')).code, 530);
  assert.equal((await c.cmd('USER nobody')).code, 331);
  assert.equal((await c.cmd('PASS wrong')).code, 530);
  assert.equal((await c.cmd('USER test')).code, 331);
  assert.equal((await c.cmd('PASS test')).code, 230);
  assert.equal((await c.cmd('CWD')).code, 501);
  assert.equal((await c.cmd('PWD extra')).code, 501);
  assert.equal((await c.cmd('RETR nothing-here')).code, 550);
});

test('ABOR during a download: 426 for the transfer, then 226, and the session goes on', async (t) => {
  const { port } = await startServer(t, { files: { '/big.bin': Buffer.alloc(64 * 1024 * 1024, 1) } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const data = await c.epsv();
  data.pause(); // do not read: the server blocks on backpressure
  c.send('RETR big.bin');
  assert.equal((await c.read()).code, 150);
  await new Promise((r) => setTimeout(r, 100));
  c.send('STAT');
  assert.equal((await c.read()).code, 213);
  c.send('ABOR');
  assert.equal((await c.read()).code, 426);
  assert.equal((await c.read()).code, 226);
  data.destroy();
  assert.equal((await c.cmd('NOOP')).code, 200);
});

test('client closing the data socket mid-download gets 426 and a usable session', async (t) => {
  const { port } = await startServer(t, { files: { '/big.bin': Buffer.alloc(32 * 1024 * 1024, 1) } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const data = await c.epsv();
  c.send('RETR big.bin');
  assert.equal((await c.read()).code, 150);
  await new Promise<void>((resolve) => data.once('data', () => resolve()));
  data.destroy();
  assert.equal((await c.read()).code, 426);
  assert.equal((await c.cmd('NOOP')).code, 200);
  const again = await c.epsv();
  c.send('LIST');
  assert.equal((await c.read()).code, 150);
  assert.match((await readAll(again)).toString(), /big\.bin/);
  assert.equal((await c.read()).code, 226);
});

test('QUIT during a transfer waits for the transfer, then 221', async (t) => {
  const { port } = await startServer(t, { files: { '/f.bin': Buffer.alloc(4 * 1024 * 1024, 2) } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const data = await startDownload(c, 'f.bin');
  c.send('QUIT');
  await new Promise((r) => setTimeout(r, 50));
  const received = readAll(data);
  data.resume();
  assert.equal((await received).length, 4 * 1024 * 1024);
  assert.equal((await c.read()).code, 226);
  assert.equal((await c.read()).code, 221);
  await c.waitClosed();
});

test('REST + STOR keeps the prefix and writes from the offset; REST past EOF on RETR is 554', async (t) => {
  const { port, memory } = await startServer(t, { files: { '/r.txt': '0123456789' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  assert.equal((await c.cmd('REST 4')).code, 350);
  const data = await c.epsv();
  c.send('STOR r.txt');
  assert.equal((await c.read()).code, 150);
  data.end('ABC');
  assert.equal((await c.read()).code, 226);
  const content = await readAll(await (async () => {
    const d = await c.epsv();
    c.send('RETR r.txt');
    return d;
  })());
  assert.equal((await c.read()).code, 150);
  assert.equal((await c.read()).code, 226);
  assert.equal(content.toString(), '0123ABC');
  void memory;
  assert.equal((await c.cmd('REST 100')).code, 350);
  await c.epsv();
  assert.equal((await c.cmd('RETR r.txt')).code, 554);
});

test('TYPE A converts line endings both ways; TYPE I is byte-exact', async (t) => {
  const { port } = await startServer(t, { files: { '/unix.txt': 'a\nb\r\nc\n' } });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  // A session starts in TYPE A (RFC 959).
  let data = await c.epsv();
  c.send('RETR unix.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'a\r\nb\r\nc\r\n');
  assert.equal((await c.read()).code, 226);

  data = await c.epsv();
  c.send('STOR dos.txt');
  assert.equal((await c.read()).code, 150);
  data.end('x\r\ny\r\n');
  assert.equal((await c.read()).code, 226);

  await c.cmd('TYPE I');
  data = await c.epsv();
  c.send('RETR dos.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'x\ny\n');
  assert.equal((await c.read()).code, 226);
});

test('a stranger on the passive port is refused and the real client still connects', async (t) => {
  const { port } = await startServer(t, { files: { '/f.txt': 'secret' }, host: '127.0.0.1' });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  const { port: dataPort } = await c.pasv();
  const { connect } = await import('node:net');
  // 127.0.0.2 is loopback too, but not the control connection's address.
  const stranger = connect({ host: '127.0.0.1', port: dataPort, localAddress: '127.0.0.2' });
  stranger.on('error', () => undefined);
  const strangerData = readAll(stranger).catch(() => Buffer.alloc(0));
  await new Promise((r) => setTimeout(r, 50));
  const data = connect({ host: '127.0.0.1', port: dataPort });
  c.send('RETR f.txt');
  assert.equal((await c.read()).code, 150);
  assert.equal((await readAll(data)).toString(), 'secret');
  assert.equal((await c.read()).code, 226);
  assert.equal((await strangerData).length, 0);
});

test('PORT to another host or a privileged port is refused', async (t) => {
  const { port } = await startServer(t);
  const c = await RawClient.login(port);
  t.after(() => c.close());
  assert.equal((await c.cmd('PORT 10,0,0,1,200,10')).code, 501);
  assert.equal((await c.cmd('PORT 127,0,0,1,0,21')).code, 504);
  assert.equal((await c.cmd('EPRT |1|10.0.0.1|5000|')).code, 501);
  assert.equal((await c.cmd('EPRT |3|x|5000|')).code, 522);
  assert.equal((await c.cmd('PORT 127,0,0,1,200,10')).code, 200);
});
