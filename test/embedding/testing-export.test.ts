import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Client } from 'basic-ftp';
import { startTestServer } from '../../src/testing.js';
import { run } from '../helpers/clients.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Each script imports the BUILT package by its own name (package self-reference
// through the exports map), as a host's tests would.
const esm = `
import { startTestServer } from 'ftpkit/testing';
import { FtpServer } from 'ftpkit';
import { Client } from 'basic-ftp';
const ftp = await startTestServer({ files: { '/hello.txt': 'hi' } });
const client = new Client();
await client.access({ host: ftp.host, port: ftp.port, user: ftp.username, password: ftp.password });
const names = (await client.list()).map((f) => f.name);
client.close();
await ftp[Symbol.asyncDispose]();
console.log(JSON.stringify({ names, same: ftp.server instanceof FtpServer, url: ftp.url.startsWith('ftp://test:test@127.0.0.1:') }));
`;
const cjs = `
const { startTestServer } = require('ftpkit/testing');
const { FtpServer } = require('ftpkit');
const { Client } = require('basic-ftp');
(async () => {
  const ftp = await startTestServer({ files: { '/hello.txt': 'hi' } });
  const client = new Client();
  await client.access({ host: ftp.host, port: ftp.port, user: ftp.username, password: ftp.password });
  const names = (await client.list()).map((f) => f.name);
  client.close();
  await ftp.close();
  console.log(JSON.stringify({ names, same: ftp.server instanceof FtpServer, url: ftp.url.startsWith('ftp://test:test@127.0.0.1:') }));
})();
`;

for (const [kind, args] of [
  ['ESM', ['--input-type=module', '-e', esm]],
  ['CJS', ['--input-type=commonjs', '-e', cjs]],
] as const) {
  test(`ftpkit/testing works from the built package (${kind})`, async () => {
    const result = await run(process.execPath, args, { cwd: root });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { names: ['hello.txt'], same: true, url: true });
  });
}

test('startTestServer: one call, await using, own users and options', async () => {
  let port = 0;
  {
    await using ftp = await startTestServer({ files: { '/a.txt': 'abc' }, users: [{ username: 'bob', password: 'pw' }], greeting: 'Test server' });
    port = ftp.port;
    assert.deepEqual([ftp.username, ftp.password], ['bob', 'pw']);
    const client = new Client();
    await client.access({ host: ftp.host, port: ftp.port, user: 'bob', password: 'pw' });
    assert.equal(await client.size('a.txt'), 3);
    client.close();
    assert.equal((await ftp.filesystem.stat('/a.txt')).size, 3);
  }
  const client = new Client();
  await assert.rejects(client.access({ host: '127.0.0.1', port, user: 'bob', password: 'pw' }));
  client.close();
});
