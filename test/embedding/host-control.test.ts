import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { FtpServer, MemoryFileSystem } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { startServer } from '../helpers/server.js';
import { rawDownload, rawUpload, slowSource, startDownload, waitFor } from '../helpers/transfers.js';

test('server.sessions lists open sessions; session.close() says goodbye with the host text', async (t) => {
  const { port, server } = await startServer(t);
  const a = await RawClient.login(port);
  const b = await RawClient.connect(port);
  t.after(() => b.close());
  assert.equal(server.sessions.length, 2);
  const alice = server.sessions.find((s) => s.user?.username === 'test')!;
  assert.ok(alice);
  assert.equal(alice.closed, false);
  alice.close('Your account was disabled.');
  const reply = await a.read();
  assert.deepEqual([reply.code, reply.text], [421, 'Your account was disabled.']);
  await a.waitClosed();
  assert.equal(alice.closed, true);
  await waitFor(() => server.sessions.length === 1);
  assert.equal((await b.cmd('NOOP')).code, 200, 'the other session is untouched');
});

test('session.activeTransfer shows the running transfer; abortTransfer() stops it with 426', async (t) => {
  class Slow extends MemoryFileSystem {
    override async read(): Promise<Readable> {
      return slowSource(400, 16 * 1024, 10);
    }
  }
  const { port, server } = await startServer(t, { filesystem: new Slow({ '/movie.mkv': 'x' }) });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  const session = server.sessions[0]!;
  assert.equal(session.activeTransfer, undefined);
  assert.equal(session.abortTransfer(), false, 'nothing to abort');
  const data = await startDownload(c, 'movie.mkv');
  data.resume();
  await waitFor(() => (session.activeTransfer?.bytes ?? 0) > 0);
  const running = session.activeTransfer!;
  assert.deepEqual([running.direction, running.command, running.path, running.offset], ['download', 'RETR', '/movie.mkv', 0]);
  assert.equal(server.stats().activeTransfers, 1);
  assert.equal(session.abortTransfer(), true);
  assert.equal((await c.read()).code, 426);
  assert.equal(session.activeTransfer, undefined);
  assert.equal((await c.cmd('NOOP')).code, 200, 'the session goes on');
  data.destroy();
});

test('server.stats() counts connections, logins, failures, transfers and bytes', async (t) => {
  const { port, server } = await startServer(t, { files: { '/a.txt': '0123456789' } });
  const fresh = server.stats();
  assert.equal(fresh.connections, 0);
  assert.equal(fresh.totalConnections, 0);
  server.removeAllListeners(); // the numbers do not depend on listeners
  const bad = await RawClient.connect(port);
  await bad.cmd('USER test');
  await bad.cmd('PASS wrong');
  bad.close();
  const c = await RawClient.login(port);
  t.after(() => c.close());
  await c.cmd('TYPE I');
  await rawUpload(c, 'b.txt', 'hello');
  await rawDownload(c, 'a.txt');
  await rawDownload(c, 'missing.txt');
  const data = await c.epsv();
  c.send('LIST');
  await c.read();
  data.resume();
  await c.read();
  await waitFor(() => server.stats().connections === 1);
  const stats = server.stats();
  assert.deepEqual(
    { ...stats },
    {
      connections: 1,
      loggedIn: 1,
      activeTransfers: 0,
      totalConnections: 2,
      logins: 1,
      failedLogins: 1,
      transfers: 2,
      failedTransfers: 0,
      listings: 1,
      bytesDownloaded: 10,
      bytesUploaded: 5,
      errors: 0,
    },
  );
});

test('await using closes the server at the end of the block', async () => {
  let server: FtpServer | undefined;
  let port = 0;
  {
    await using owned = new FtpServer({ filesystem: new MemoryFileSystem(), users: [{ username: 'u', password: 'p' }] });
    server = owned;
    ({ port } = await owned.listen(0, '127.0.0.1'));
    const c = await RawClient.login(port, 'u', 'p');
    assert.equal((await c.cmd('NOOP')).code, 200);
    c.close();
  }
  assert.equal(server.sessions.length, 0);
  await assert.rejects(RawClient.connect(port), /ECONNREFUSED|closed/);
});

test('close({ graceMs }) lets a running transfer finish, refuses new logins, then closes with 421', async (t) => {
  class Paced extends MemoryFileSystem {
    override async read(): Promise<Readable> {
      return slowSource(10, 1024, 20);
    }
  }
  const { port, server } = await startServer(t, { filesystem: new Paced({ '/f': 'x' }) });
  const c = await RawClient.login(port);
  const idle = await RawClient.login(port);
  t.after(() => c.close());
  t.after(() => idle.close());
  const data = await startDownload(c, 'f');
  data.resume();
  const closing = server.close({ graceMs: 5000 });
  assert.equal((await c.read()).code, 226, 'the transfer in flight completes');
  const bye = await idle.read();
  assert.equal(bye.code, 421);
  await closing;
  assert.equal(server.sessions.length, 0);
});
