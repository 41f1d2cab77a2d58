import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from './helpers/clients.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const CANARY = 'test/types/canary.mts';

/**
 * The public types, checked against the built declarations (ESM .d.ts and
 * CommonJS .d.cts) as a host's compiler sees them: generic user type through
 * events and hooks, event names and payloads, hook verdicts, wrappers, options,
 * ftpkit/testing. A breaking change to any of them fails here. Both compiler
 * runs start at once (each takes seconds).
 */
const publicApi = run(process.execPath, [tsc, '-p', 'test/types/tsconfig.json'], { cwd: root, timeoutMs: 120_000 });
const canary = (async () => {
  await writeFile(
    `${root}${CANARY}`,
    `import type { AbortReason } from 'ftpkit';\nimport { expectTrue, type Equal } from './expect.js';\nexpectTrue<Equal<AbortReason, 'abor'>>();\n`,
  );
  try {
    const args = ['--noEmit', '--strict', '--skipLibCheck', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--types', 'node', CANARY];
    return await run(process.execPath, [tsc, ...args], { cwd: root, timeoutMs: 120_000 });
  } finally {
    await rm(`${root}${CANARY}`, { force: true });
  }
})();

test('the public API type-checks as a host uses it (test/types/*.mts, *.cts against dist)', async () => {
  const result = await publicApi;
  assert.equal(result.code, 0, result.stdout + result.stderr);
});

test('the type check can fail: a wrong expectation is a compile error', async () => {
  const result = await canary;
  assert.notEqual(result.code, 0);
  assert.match(result.stdout, /canary\.mts\(3,/);
});
