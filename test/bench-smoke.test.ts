import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Results } from './bench/report.js';
import { passiveWindow } from './helpers/ports.js';
import { tempDir } from './helpers/server.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

// The benchmark at tiny scale, so it cannot rot: every case runs end to end
// against ftpkit, ftp-srv (a devDependency, always there) and raw Node (the
// raw pipe, and the bare Node FTP server for the session and listing cases).
// Nothing here is about speed: only that each case measured something.
test('npm run bench works end to end (tiny scale: ftpkit, ftp-srv, raw Node)', async (t) => {
  const work = await tempDir(t, 'ftpkit-bench-smoke-');
  const json = join(work, 'results.json');
  // Peers need a passive range, not port 0: a window from an OS-chosen port keeps
  // two suites on one machine from sharing the benchmark's default range.
  const { range: pasvRange } = await passiveWindow(300);
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'test/bench/run.ts', '--scale', 'tiny', '--peers', 'ftp-srv,raw', '--work-dir', work, '--json', json, '--pasv-range', pasvRange],
    { cwd: repo, timeout: 100_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const results = JSON.parse(readFileSync(json, 'utf8')) as Results;
  assert.deepEqual(Object.keys(results.meta.unavailable), [], 'every selected server started');
  assert.deepEqual(results.meta.notes, [], 'no case failed');

  const tlsRows = new Set(['retr-tls', 'retr-tls-cpu', 'stor-tls', 'stor-tls-cpu']);
  for (const row of results.rows) {
    const cell = results.cells[row.id]!.ftpkit;
    assert.ok(cell, `ftpkit has a cell for ${row.id}`);
    if ('note' in cell) {
      // TLS rows are "n/a" until ftpkit offers AUTH TLS; everything else is measured.
      assert.ok(tlsRows.has(row.id) && cell.note === 'n/a', `${row.id}: ${cell.note}`);
      continue;
    }
    assert.equal(cell.samples.length, 1, row.id);
    // Memory growth at this scale (a few sessions, a small listing) is within the
    // noise of the garbage collector and may come out below zero; the rest cannot.
    const growth = row.unit === 'KB' || row.id.endsWith('-rss');
    assert.ok(cell.samples.every((v) => Number.isFinite(v) && (growth || v >= 0)), `${row.id}: ${cell.samples.join(', ')}`);
  }
  assert.deepEqual(results.cells['concurrent-failures']!.ftpkit, { samples: [0] });
  for (const row of ['retr', 'stor', 'small-up', 'small-down', 'noop', 'list', 'list-huge-time']) {
    assert.ok('samples' in results.cells[row]!['ftp-srv']!, `ftp-srv measured ${row}`);
  }
  // Every raw cell is a measurement, and the cases that ask for raw Node have one.
  for (const row of results.rows) {
    const cell = results.cells[row.id]!.raw;
    if (cell && 'note' in cell) assert.ok(tlsRows.has(row.id) && cell.note === 'n/a', `raw ${row.id}: ${cell.note}`);
  }
  const rawRows = ['retr', 'stor', 'noop', 'session-kb', 'concurrent-time', 'list', 'mlsd', 'list-huge-rss', 'list-huge-time', 'mlsd-huge-rss', 'mlsd-huge-time'];
  for (const row of rawRows) {
    const cell = results.cells[row]!.raw;
    assert.ok(cell && 'samples' in cell, `raw Node measured ${row}`);
  }
  assert.deepEqual(results.cells['concurrent-failures']!.raw, { samples: [0] }, 'the bare Node FTP server served every client');
  assert.deepEqual(results.cells.mlsd!['ftp-srv'], { note: 'n/a' }, 'ftp-srv has no MLSD');

  assert.match(stdout, /^\s+ftpkit\s+ftp-srv\s+raw Node$/m, 'the table has the servers as columns');
  assert.match(stdout, /Targets \(issue 5\):/);
});
