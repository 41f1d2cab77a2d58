/**
 * `npm run soak -- --seconds 300 [--concurrency 32] [--interval 15] [--plain]`
 *
 * Mixed load against a real ftpkit server in its own process, for a set time:
 * logins good and bad, listings, uploads, downloads, round trips checked by
 * hash, directory work, aborts, and clients vanishing mid-transfer, in plain
 * FTP and (unless --plain) FTPS (the workload of test/helpers/mixed-load.ts). Every interval it prints the
 * session rate, errors, throughput and the server's heap (after a full GC),
 * RSS and open descriptors; at the end a summary and a verdict. It passes
 * (exit 0) when no session failed, the server reported no error, its heap in
 * the last quarter of the run is not above the first quarter's (plus a small
 * slack), and once the load stops its descriptors return to where they were
 * before it began. Not part of `npm test`: it runs for minutes.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { emptyStats, runMixedLoad } from '../helpers/mixed-load.js';
import { testCertificates } from '../helpers/tls.js';

interface Sample {
  type: 'sample';
  heapUsed: number;
  rss: number;
  fds: number;
  sessions: number;
  errors: string[];
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '32' },
    interval: { type: 'string', default: '15' },
    plain: { type: 'boolean', default: false },
  },
});
const tls = !values.plain;
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const interval = Number(values.interval);
if (!(seconds > 0) || !(concurrency > 0) || !(interval > 0)) {
  process.stderr.write('usage: npm run soak -- --seconds N [--concurrency N] [--interval N] [--plain]\n');
  process.exit(2);
}

const MB = 1024 * 1024;
const mb = (n: number) => (n / MB).toFixed(1);

const root = await mkdtemp(join(tmpdir(), 'ftpkit-soak-'));
const seed = { path: '/seed.bin', data: randomBytes(256 * 1024) };
await writeFile(join(root, 'seed.bin'), seed.data);

const certificates = tls ? testCertificates() : undefined;
const child = fork(new URL('./soak-server.mjs', import.meta.url), [root, ...(certificates ? [certificates.certPath, certificates.keyPath] : [])], { execArgv: ['--expose-gc'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
const ready = await new Promise<{ port: number; fds: number }>((resolve, reject) => {
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as { port: number; fds: number });
  });
  child.once('exit', (code) => reject(new Error(`soak server exited with ${code}`)));
});

function request<T>(message: { type: string }, reply: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (m: { type: string }) => {
      if (m.type !== reply) return;
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

const stats = emptyStats();
const serverErrors: string[] = [];
const samples: (Sample & { at: number; sessionsDone: number; up: number; down: number })[] = [];
const baseline = await request<Sample>({ type: 'sample' }, 'sample');
const started = Date.now();
const deadline = started + seconds * 1000;

process.stdout.write(`soak: ${seconds} s, ${concurrency} clients at once, ${tls ? 'plain FTP and FTPS' : 'plain FTP only'}, server pid ${child.pid}, baseline heap ${mb(baseline.heapUsed)} MB, ${baseline.fds} fds\n`);
process.stdout.write('time    sessions   rate/s  errors  up MB/s  down MB/s  heap MB  rss MB  fds  open\n');

let last = { at: started, sessions: 0, up: 0, down: 0 };
const reporter = setInterval(() => {
  void request<Sample>({ type: 'sample' }, 'sample').then((s) => {
    const at = Date.now();
    const dt = (at - last.at) / 1000;
    serverErrors.push(...s.errors);
    samples.push({ ...s, at, sessionsDone: stats.sessions, up: stats.bytesUp, down: stats.bytesDown });
    const line = [
      `${Math.round((at - started) / 1000)}s`.padEnd(7),
      String(stats.sessions).padStart(8),
      ((stats.sessions - last.sessions) / dt).toFixed(0).padStart(8),
      String(stats.errors.length + serverErrors.length).padStart(7),
      ((stats.bytesUp - last.up) / dt / MB).toFixed(1).padStart(8),
      ((stats.bytesDown - last.down) / dt / MB).toFixed(1).padStart(10),
      mb(s.heapUsed).padStart(8),
      mb(s.rss).padStart(7),
      String(s.fds).padStart(4),
      String(s.sessions).padStart(5),
    ].join(' ');
    process.stdout.write(line + '\n');
    last = { at, sessions: stats.sessions, up: stats.bytesUp, down: stats.bytesDown };
  });
}, interval * 1000);

await runMixedLoad({ port: ready.port, username: 'soak', password: 'soak', seed, tls }, { concurrency, until: () => Date.now() >= deadline }, stats);
clearInterval(reporter);

// The load stopped: every session ends, descriptors come back to the baseline.
let after = await request<Sample>({ type: 'sample' }, 'sample');
for (let i = 0; i < 50 && (after.sessions > 0 || after.fds > baseline.fds); i++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  after = await request<Sample>({ type: 'sample' }, 'sample');
}
serverErrors.push(...after.errors);
const closed = await request<{ fds: number }>({ type: 'close' }, 'closed');
await rm(root, { recursive: true, force: true });

const elapsed = (Date.now() - started) / 1000;
const quarter = Math.max(1, Math.floor(samples.length / 4));
const average = (list: typeof samples) => list.reduce((sum, s) => sum + s.heapUsed, 0) / Math.max(1, list.length);
const firstHeap = average(samples.slice(0, quarter));
const lastHeap = average(samples.slice(-quarter));
const maxHeap = Math.max(...samples.map((s) => s.heapUsed), after.heapUsed);
const SLACK = 4 * MB;
const verdicts = {
  'no session failed': stats.errors.length === 0,
  'no server error event': serverErrors.length === 0,
  'heap flat (last quarter <= first quarter + 4 MB)': samples.length < 2 || lastHeap <= firstHeap + SLACK,
  'descriptors back to baseline after the load': after.fds <= baseline.fds,
  'no session left open': after.sessions === 0,
};
const passed = Object.values(verdicts).every(Boolean);

process.stdout.write(`
summary: ${stats.sessions} sessions in ${elapsed.toFixed(0)} s (${(stats.sessions / elapsed).toFixed(0)}/s), ${mb(stats.bytesUp)} MB up, ${mb(stats.bytesDown)} MB down
  by scenario: ${Object.entries(stats.byScenario).map(([k, v]) => `${k} ${v}`).join(', ')}
  errors: ${stats.errors.length} client-side, ${serverErrors.length} server error events
  server heap after GC: baseline ${mb(baseline.heapUsed)} MB, first quarter ${mb(firstHeap)} MB, last quarter ${mb(lastHeap)} MB, max ${mb(maxHeap)} MB, after the load ${mb(after.heapUsed)} MB
  server descriptors: baseline ${baseline.fds}, after the load ${after.fds}, after close ${closed.fds}
${Object.entries(verdicts).map(([what, ok]) => `  ${ok ? 'ok  ' : 'FAIL'} ${what}`).join('\n')}
${passed ? 'PASS' : 'FAIL'}
`);
for (const error of [...stats.errors, ...serverErrors].slice(0, 20)) process.stdout.write(`  error: ${error}\n`);
process.exitCode = passed ? 0 : 1;
