import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { curl, needTool } from '../helpers/clients.js';
import { assertWireUse, MODES, NAMES, NETWORKS, prepareScenario } from '../helpers/matrix.js';
import { startServer } from '../helpers/server.js';

const enc = (name: string) => name.split('/').map(encodeURIComponent).join('/');

for (const net of NETWORKS) {
  for (const mode of MODES) {
    test(`curl: upload, list, download, resume both ways (-C -), rename, delete, mkdir, rmdir (${mode}, ${net.name}, UTF-8 names)`, async (t) => {
      if (!needTool(t, 'curl')) return;
      const scenario = await prepareScenario(t, net);
      const { port, root, local, full } = scenario;

      const base = `ftp://test:test@${net.urlHost}:${port}/`;
      const modeArgs = mode === 'active' ? ['-P', '-'] : [];
      const run = async (...args: string[]) => {
        const result = await curl(['-g', ...modeArgs, ...args]);
        assert.equal(result.code, 0, `curl ${args.join(' ')}: ${result.stderr}`);
        return result.stdout;
      };

      await run('-T', join(local, 'full.bin'), base + enc(NAMES.file));
      assert.ok((await run('--list-only', base)).split(/\r?\n/).includes(NAMES.file));
      assert.match(await run(base), new RegExp(`^-rw-r--r-- .* 300000 \\w{3} [ \\d]\\d \\d\\d:\\d\\d ${NAMES.file}\\r?$`, 'm'));
      await run('-o', join(local, 'down.bin'), base + enc(NAMES.file));
      assert.deepEqual(await readFile(join(local, 'down.bin')), full);

      await run('-C', '-', '-o', join(local, 'partial.bin'), base + enc(NAMES.file));
      assert.deepEqual(await readFile(join(local, 'partial.bin')), full, 'download resumed');
      await run('-C', '-', '-T', join(local, 'full.bin'), base + enc(NAMES.resumed));
      assert.deepEqual(await readFile(join(root, NAMES.resumed)), full, 'upload resumed');

      await run('-o', '/dev/null', '-Q', `MKD ${NAMES.dir}`, '-Q', `RNFR ${NAMES.file}`, '-Q', `RNTO ${NAMES.dir}/${NAMES.renamed}`, base);
      assert.deepEqual(await readdir(join(root, NAMES.dir)), [NAMES.renamed]);
      assert.ok((await run('--list-only', base + enc(NAMES.dir) + '/')).split(/\r?\n/).includes(NAMES.renamed));
      await run('-o', '/dev/null', '-Q', `DELE ${NAMES.dir}/${NAMES.renamed}`, '-Q', `RMD ${NAMES.dir}`, base);
      assert.deepEqual(await readdir(root), [NAMES.resumed]);

      // --ftp-create-dirs: CWD fails with 550, then MKD, then STOR.
      await run('--ftp-create-dirs', '-T', join(local, 'full.bin'), base + enc(`${NAMES.dir}/deep/${NAMES.file}`));
      assert.deepEqual(await readFile(join(root, NAMES.dir, 'deep', NAMES.file)), full);

      assertWireUse(scenario, mode, 'APPE'); // curl resumes uploads with APPE
    });
  }
}

test('curl: a missing file is an error the client reports, and the session stays clean', async (t) => {
  if (!needTool(t, 'curl')) return;
  const { port } = await startServer(t);
  const result = await curl(['-o', '/dev/null', `ftp://test:test@127.0.0.1:${port}/missing.txt`]);
  assert.equal(result.code, 78, result.stderr); // CURLE_REMOTE_FILE_NOT_FOUND: the server said 550
});
