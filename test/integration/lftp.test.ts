import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { lftp, needTool } from '../helpers/clients.js';
import { assertWireUse, MODES, NAMES, NETWORKS, prepareScenario } from '../helpers/matrix.js';

const q = (s: string) => `"${s}"`;

for (const net of NETWORKS) {
  for (const mode of MODES) {
    test(`lftp: upload, list, download, reget, reput, mkdir, mv, rm, rmdir (${mode}, ${net.name}, UTF-8 names)`, async (t) => {
      if (!needTool(t, 'lftp')) return;
      const scenario = await prepareScenario(t, net);
      const { port, root, local, full } = scenario;

      const result = await lftp(
        [
          'set file:charset utf-8',
          `set ftp:passive-mode ${mode === 'passive' ? 'on' : 'off'}`,
          `open -u test,test ftp://${net.urlHost}:${port}`,
          `put ${join(local, 'full.bin')} -o ${q(NAMES.file)}`,
          'cls -1',
          `get ${q(NAMES.file)} -o ${join(local, 'down.bin')}`,
          `get -c ${q(NAMES.file)} -o ${join(local, 'partial.bin')}`,
          `put -c ${join(local, 'full.bin')} -o ${q(NAMES.resumed)}`,
          `mkdir ${q(NAMES.dir)}`,
          `mv ${q(NAMES.file)} ${q(`${NAMES.dir}/${NAMES.renamed}`)}`,
          `cls -1 ${q(NAMES.dir)}/`,
          `rm ${q(`${NAMES.dir}/${NAMES.renamed}`)}`,
          `rmdir ${q(NAMES.dir)}`,
          'cls -1',
        ].join('\n'),
      );
      assert.equal(result.code, 0, result.stderr);
      const listings = result.stdout.split('\n');
      assert.ok(listings.includes(NAMES.file), result.stdout);
      assert.ok(listings.includes(`${NAMES.dir}/${NAMES.renamed}`) || listings.includes(NAMES.renamed), result.stdout);

      assert.deepEqual(await readFile(join(local, 'down.bin')), full);
      assert.deepEqual(await readFile(join(local, 'partial.bin')), full, 'reget completes the partial file');
      assert.deepEqual(await readFile(join(root, NAMES.resumed)), full, 'reput completes the server file');
      assert.deepEqual(await readdir(root), [NAMES.resumed]);

      assertWireUse(scenario, mode, 'STOR');
      if (mode === 'active' && net.name === 'IPv6') {
        assert.ok(scenario.commands.some((c) => /^EPRT \|2\|::\|\d+\|$/.test(c)), `lftp's EPRT |2|::|port| ("my own address") was used: ${scenario.commands.join(', ')}`);
      }
    });
  }
}
