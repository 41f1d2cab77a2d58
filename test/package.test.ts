import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run } from './helpers/clients.js';

/**
 * The package as users get it: 'ftpkit' and 'ftpkit/testing' resolve through
 * the exports map to dist/, from ESM and from CommonJS, and an error thrown by
 * one build is recognized by the other (the brand, not instanceof).
 */
const ESM = `
const ftpkit = await import('ftpkit');
const { startTestServer } = await import('ftpkit/testing');
const cjs = (await import('node:module')).createRequire(import.meta.url)('ftpkit');
const ftp = await startTestServer({ files: { '/a.txt': 'x' } });
const checks = {
  server: typeof ftpkit.FtpServer === 'function',
  memory: typeof ftpkit.MemoryFileSystem === 'function',
  local: typeof ftpkit.LocalFileSystem === 'function',
  replyCodes: ftpkit.ReplyCode.ClosingDataConnection === 226,
  testing: ftp.port > 0 && ftp.url.startsWith('ftp://test:test@127.0.0.1:'),
  crossBuild: cjs.isFtpError(new ftpkit.FtpError('not-found')) && ftpkit.isFtpError(new cjs.FtpError('exists')),
  twoCopies: cjs.FtpError !== ftpkit.FtpError,
};
await ftp.close();
console.log(JSON.stringify(checks));
`;

const CJS = `
const ftpkit = require('ftpkit');
const testing = require('ftpkit/testing');
console.log(JSON.stringify({ server: typeof ftpkit.FtpServer === 'function', testing: typeof testing.startTestServer === 'function' }));
`;

test("'ftpkit' and 'ftpkit/testing' load from ESM and CommonJS; FtpError is recognized across the two builds", async () => {
  const esm = await run(process.execPath, ['--input-type=module', '-e', ESM]);
  assert.equal(esm.code, 0, esm.stderr);
  assert.deepEqual(JSON.parse(esm.stdout), { server: true, memory: true, local: true, replyCodes: true, testing: true, crossBuild: true, twoCopies: true });
  const cjs = await run(process.execPath, ['-e', CJS]);
  assert.equal(cjs.code, 0, cjs.stderr);
  assert.deepEqual(JSON.parse(cjs.stdout), { server: true, testing: true });
});
