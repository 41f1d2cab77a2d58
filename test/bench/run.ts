/**
 * `npm run bench`: ftpkit against the other FTP servers, side by side, on
 * loopback. Each server runs in its own process with a fresh root per case;
 * the clients are raw Node sockets. Prints one table (servers as columns,
 * medians ± half the min–max spread, ftpkit ÷ peer ratios) and the issue's
 * targets. See docs/performance.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CASES, CASE_GROUPS } from './cases/index.js';
import { CaseFailure, NotApplicable, loginClient, type CaseDef } from './cases/types.js';
import { FixtureStore } from './fixtures.js';
import { evaluateTargets, formatNumber, renderTable, renderTargets, type Results } from './report.js';
import { SCALES, type Scale } from './scale.js';
import { FTP_SERVERS, RAW, RunningServer, ServerStartError, launcherFor, type Environment, type ServerName } from './servers.js';

const USAGE = `Usage: npm run bench -- [options]

  --quick               smaller sizes (256 MiB, 100,000 entries...): a minute or two
  --scale NAME          full (default), quick or tiny (CI smoke: seconds)
  --cases LIST          comma-separated: ${CASES.map((c) => c.id).join(', ')}
                        or groups: ${Object.keys(CASE_GROUPS).join(', ')} (default: all)
  --peers LIST          servers to run: ${[...FTP_SERVERS, RAW].join(', ')} (default: all;
                        ftpkit always runs)
  --runs N              runs per case (default: 3; tiny: 1); the table shows medians
  --json FILE           also write every sample and the machine description as JSON
  --markdown            print the table as Markdown
  --work-dir DIR        fixtures and roots (default: $TMPDIR/ftpkit-bench; fixtures are kept)
  --peers-dir DIR       peer launchers <peer>/start (default: ../shared/peers or /work/shared/peers)
  --pasv-range MIN-MAX  passive ports for every server (default 21000-23999)
  --help`;

interface Settings {
  scale: Scale;
  cases: CaseDef[];
  servers: ServerName[];
  json: string | undefined;
  markdown: boolean;
  env: Environment;
}

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** A warm-up run longer than this ends the warm-up: that server is timing out, not warming up. */
const WARM_UP_GIVE_UP_MS = 5000;

function parse(argv: string[]): Settings | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      scale: { type: 'string' },
      cases: { type: 'string' },
      peers: { type: 'string' },
      runs: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'boolean' },
      'work-dir': { type: 'string' },
      'peers-dir': { type: 'string' },
      'pasv-range': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) return undefined;
  const scaleName = values.scale ?? (values.quick ? 'quick' : 'full');
  const base = SCALES[scaleName as Scale['name']];
  if (!base) throw new Error(`unknown scale "${scaleName}"`);
  const runs = values.runs === undefined ? base.runs : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a whole number ≥ 1');
  const scale = { ...base, runs };

  const wanted = (values.cases ?? '').split(',').map((s) => s.trim()).filter(Boolean).flatMap((name) => CASE_GROUPS[name] ?? [name]);
  for (const name of wanted) if (!CASES.some((c) => c.id === name)) throw new Error(`unknown case "${name}"`);
  const cases = wanted.length === 0 ? CASES : CASES.filter((c) => wanted.includes(c.id));

  const all: ServerName[] = [...FTP_SERVERS, RAW];
  const peers = (values.peers ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of peers) if (!all.includes(name as ServerName)) throw new Error(`unknown server "${name}"`);
  const servers = peers.length === 0 ? all : all.filter((s) => s === 'ftpkit' || peers.includes(s));

  const range = /^(\d+)-(\d+)$/.exec(values['pasv-range'] ?? '21000-23999');
  if (!range || Number(range[1]) < 1024 || Number(range[1]) > Number(range[2]) || Number(range[2]) > 65535) throw new Error('--pasv-range needs MIN-MAX');
  const peersDir = values['peers-dir'] ?? [join(repo, '../shared/peers'), '/work/shared/peers'].find((dir) => existsSync(dir));
  return {
    scale,
    cases,
    servers,
    json: values.json,
    markdown: values.markdown ?? false,
    env: {
      repo,
      peersDir,
      workDir: resolve(values['work-dir'] ?? join(tmpdir(), 'ftpkit-bench')),
      // The C servers' launchers create a system user of this name (see the peers' README).
      user: 'ftpkitbench',
      pass: 'bench-secret',
      pasv: { min: Number(range[1]), max: Number(range[2]) },
    },
  };
}

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

function machine(): Record<string, string> {
  const model = /model name\s*:\s*(.*)/.exec(existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '')?.[1] ?? cpus()[0]?.model ?? 'unknown';
  return {
    cpu: model.trim(),
    cores: String(cpus().length),
    kernel: release(),
    node: process.version,
    loadAverageAtStart: loadavg().map((n) => n.toFixed(2)).join(' '),
  };
}

/** A self-signed certificate for the TLS cases (undefined without openssl). */
function certificate(workDir: string): { cert: string; key: string } | undefined {
  const dir = join(workDir, 'tls');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  if (existsSync(cert) && existsSync(key)) return { cert, key };
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '3650', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    return { cert, key };
  } catch {
    return undefined;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<number> {
  let settings: Settings | undefined;
  try {
    settings = parse(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${describeError(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (!settings) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const { scale, cases, servers, env } = settings;
  mkdirSync(env.workDir, { recursive: true });
  const store = new FixtureStore(env.workDir);
  const tls = cases.some((c) => c.tls) ? certificate(env.workDir) : undefined;
  const results: Results = {
    meta: { scale: scale.name, runs: scale.runs, machine: machine(), startedAt: new Date().toISOString(), unavailable: {}, notes: [] },
    rows: [],
    servers,
    cells: {},
  };
  const { unavailable, notes } = results.meta;
  log(`scale ${scale.name}, ${scale.runs} run(s), servers: ${servers.join(', ')}; work dir ${env.workDir}`);

  for (const def of cases) {
    const rows = def.rows(scale);
    results.rows.push(...rows);
    for (const row of rows) results.cells[row.id] = {};
    const fixtures = def.fixtures(scale);
    for (const fixture of fixtures) store.ensure(fixture, log);
    const setAll = (server: ServerName, note: string) => rows.forEach((row) => (results.cells[row.id]![server] = { note }));

    for (const name of servers) {
      if (name === RAW && !def.raw) continue;
      const launch = launcherFor(name, env, def.raw);
      if (typeof launch === 'string') unavailable[name] ??= launch;
      if (unavailable[name] || typeof launch === 'string') {
        setAll(name, 'could not run');
        continue;
      }
      if (def.tls && !tls) {
        setAll(name, 'n/a');
        notes.push(`${def.id}: no certificate (openssl missing)`);
        continue;
      }
      const lent = store.lend(fixtures);
      let server: RunningServer | undefined;
      try {
        for (let run = 0; run < scale.runs; run++) {
          if (!server || (def.freshServerPerRun && run > 0)) {
            await server?.stop();
            server = undefined;
            server = await RunningServer.start(name, launch, env, lent.root, def.tls ? tls : undefined);
          }
          const ctx = { server, env, scale, login: () => loginClient({ server: server!, env, scale }, def.tls ?? false) };
          if (def.warmUp && run === 0) {
            const rounds = def.warmUp === true ? 1 : def.warmUp;
            let done = 0;
            while (done < rounds) {
              const started = performance.now();
              await def.run(ctx);
              done++;
              if (performance.now() - started > WARM_UP_GIVE_UP_MS) break;
            }
            log(`${def.id} ${name}: warmed up (${done} untimed run${done === 1 ? '' : 's'})`);
          }
          const values = await def.run(ctx);
          for (const [row, value] of Object.entries(values)) {
            const cells = results.cells[row]!;
            if (value instanceof NotApplicable) {
              cells[name] = { note: 'n/a' };
              continue;
            }
            const cell = cells[name];
            if (cell && 'samples' in cell) cell.samples.push(value);
            else cells[name] = { samples: [value] };
          }
          log(`${def.id} ${name} run ${run + 1}/${scale.runs}: ${Object.entries(values).map(([k, v]) => `${k} ${v instanceof NotApplicable ? 'n/a' : formatNumber(v)}`).join(', ')}`);
          if (Object.values(values).every((v) => v instanceof NotApplicable)) break; // no use repeating
        }
      } catch (error) {
        if (error instanceof NotApplicable) {
          setAll(name, 'n/a');
          log(`${def.id} ${name}: n/a (${error.message})`);
        } else if (error instanceof ServerStartError && !def.tls) {
          unavailable[name] = error.message;
          setAll(name, 'could not run');
          log(`${name} could not run: ${error.message}`);
        } else {
          const message = `${def.id} ${name}: ${describeError(error)}`;
          notes.push(message);
          log(message);
          for (const row of rows) {
            const cell = results.cells[row.id]![name];
            const note = error instanceof CaseFailure ? error.note : /timed out|idle for/.test(message) ? 'timeout' : 'failed';
            if (!cell || ('samples' in cell && cell.samples.length < scale.runs)) results.cells[row.id]![name] = { note };
          }
        }
      } finally {
        await server?.stop();
        lent.giveBack();
      }
    }
  }

  results.meta.finishedAt = new Date().toISOString();
  results.meta.machine.loadAverageAtEnd = loadavg().map((n) => n.toFixed(2)).join(' ');
  const m = results.meta.machine;
  const out: string[] = [
    `ftpkit benchmark: scale ${scale.name}, ${scale.runs} run(s) per case; ${m.cpu} (${m.cores} cores), Linux ${m.kernel}, Node ${m.node}`,
    'Cells: median ±half the min–max spread; on peers, "· r×" is ftpkit ÷ that peer (↑ rows: > 1× means ftpkit is ahead; ↓ rows: < 1×).',
    '',
    renderTable(results, settings.markdown),
    '',
  ];
  const missing = Object.entries(unavailable);
  if (missing.length > 0) out.push('Could not run:', ...missing.map(([name, why]) => `- ${name}: ${why}`), '');
  if (notes.length > 0) out.push('Failures:', ...notes.map((n) => `- ${n}`), '');
  out.push('Targets (issue 5):', renderTargets(evaluateTargets(results)), '');
  process.stdout.write(out.join('\n'));
  if (settings.json) writeFileSync(settings.json, JSON.stringify(results, null, 2) + '\n');
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
