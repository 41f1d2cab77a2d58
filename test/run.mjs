#!/usr/bin/env node
// Runs the whole suite: every *.test.ts under test/, through tsx, with node:test.
// Node 20 does not expand globs itself, so the files are listed here.
// Unhandled rejections and uncaught exceptions fail the file they happen in
// (--unhandled-rejections=strict), and each file runs in its own process.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filter = process.argv.slice(2);

function collect(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) return name === 'fixtures' ? [] : collect(full);
      return name.endsWith('.test.ts') ? [full] : [];
    });
}

const files = collect(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)));

const result = spawnSync(
  process.execPath,
  [
    '--unhandled-rejections=strict',
    '--import',
    'tsx',
    '--test',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 4}`,
    '--test-timeout=120000',
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } },
);
process.exit(result.status ?? 1);
