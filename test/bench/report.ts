import type { RowDef } from './cases/types.js';
import { RAW, type ServerName } from './servers.js';

/** Samples of one row for one server, or why there are none ("n/a", "failed", "could not run"). */
export type Cell = { samples: number[] } | { note: string };

export interface Results {
  meta: {
    scale: string;
    runs: number;
    machine: Record<string, string>;
    startedAt: string;
    finishedAt?: string;
    /** Servers that could not run, and why. */
    unavailable: Record<string, string>;
    /** Failures met during runs. */
    notes: string[];
  };
  rows: RowDef[];
  servers: ServerName[];
  cells: Record<string, Partial<Record<ServerName, Cell>>>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function valueOf(results: Results, row: string, server: ServerName): number | undefined {
  const cell = results.cells[row]?.[server];
  return cell && 'samples' in cell && cell.samples.length > 0 ? median(cell.samples) : undefined;
}

/** Three significant digits, thousands separated, no exponent. */
export function formatNumber(n: number): string {
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 100) return Math.round(n).toLocaleString('en-US');
  if (abs >= 10) return n.toFixed(1);
  if (abs >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

function cellText(results: Results, row: RowDef, server: ServerName): string {
  const cell = results.cells[row.id]?.[server];
  if (!cell) return '';
  if ('note' in cell) return cell.note;
  const mid = median(cell.samples);
  let text = formatNumber(mid);
  if (cell.samples.length > 1 && mid !== 0) {
    const spread = (Math.max(...cell.samples) - Math.min(...cell.samples)) / 2 / Math.abs(mid);
    text += ` ±${Math.round(spread * 100)}%`;
  }
  if (server !== 'ftpkit' && row.unit !== '') {
    const ours = valueOf(results, row.id, 'ftpkit');
    if (ours !== undefined && mid !== 0) text += ` · ${formatRatio(ours / mid)}`;
  }
  return text;
}

export function formatRatio(ratio: number): string {
  return `${ratio >= 10 ? ratio.toFixed(0) : ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`;
}

function rowLabel(row: RowDef): string {
  const arrow = row.better === 'higher' ? '↑' : '↓';
  return `${row.label} (${row.unit ? `${row.unit} ` : ''}${arrow})`;
}

/**
 * The table: servers as columns, a row per measurement. Each cell is the
 * median with ± half the min–max spread across runs; a peer's cell also shows
 * ftpkit's value divided by the peer's (↑ rows: above 1× is ftpkit ahead; ↓ rows: below 1×).
 */
export function renderTable(results: Results, markdown = false): string {
  const servers = results.servers.filter((s) => results.rows.some((r) => results.cells[r.id]?.[s]));
  const header = ['', ...servers.map((s) => (s === RAW ? 'raw Node' : s))];
  const body = results.rows.map((row) => [rowLabel(row), ...servers.map((s) => cellText(results, row, s))]);
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
    return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...body.map(line)].join('\n');
  }
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => [...r[i]!].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}

export interface TargetOutcome {
  target: string;
  status: 'met' | 'not met' | 'not measured';
  detail: string;
}

const PEER_ORDER = (results: Results) => results.servers.filter((s) => s !== 'ftpkit' && s !== RAW);

/**
 * The issue's targets, checked against this run's medians (ratios within one
 * run are what count on a noisy machine).
 */
export function evaluateTargets(results: Results): TargetOutcome[] {
  const rowById = new Map(results.rows.map((r) => [r.id, r]));
  const out: TargetOutcome[] = [];
  const ours = (row: string) => valueOf(results, row, 'ftpkit');
  const fmt = (row: string, server: ServerName) => `${server} ${formatNumber(valueOf(results, row, server)!)}`;
  const add = (target: string, ok: boolean | undefined, detail: string) =>
    out.push({ target, status: ok === undefined ? 'not measured' : ok ? 'met' : 'not met', detail });

  /** Best peer on a row, optionally only among peers for which `eligible` holds. */
  const best = (row: string, eligible: (s: ServerName) => boolean = () => true): ServerName | undefined => {
    const def = rowById.get(row);
    let winner: ServerName | undefined;
    for (const s of PEER_ORDER(results)) {
      const v = valueOf(results, row, s);
      if (v === undefined || !eligible(s)) continue;
      const w = winner && valueOf(results, row, winner)!;
      if (w === undefined || (def?.better === 'higher' ? v > w : v < w)) winner = s;
    }
    return winner;
  };
  /** ftpkit against the best peer: ratio = ftpkit ÷ peer, `limit` the allowed ratio. */
  const vsBest = (target: string, row: string, limit: number, eligible?: (s: ServerName) => boolean) => {
    if (!rowById.has(row)) return;
    const peer = best(row, eligible);
    const mine = ours(row);
    if (peer === undefined || mine === undefined) return add(target, undefined, 'no data');
    const ratio = mine / valueOf(results, row, peer)!;
    const higher = rowById.get(row)!.better === 'higher';
    add(target, higher ? ratio >= limit : ratio <= limit, `ftpkit ${formatNumber(mine)} vs best peer ${fmt(row, peer)}: ${formatRatio(ratio)}`);
  };
  const vsServer = (target: string, row: string, server: ServerName, ok: (ratio: number) => boolean) => {
    if (!rowById.has(row)) return;
    const mine = ours(row);
    const theirs = valueOf(results, row, server);
    if (mine === undefined || theirs === undefined) return add(target, undefined, `no data for ${mine === undefined ? 'ftpkit' : server}`);
    add(target, ok(mine / theirs), `ftpkit ${formatNumber(mine)} vs ${fmt(row, server)}: ${formatRatio(mine / theirs)}`);
  };
  const absolute = (target: string, row: string, ok: (v: number) => boolean) => {
    if (!rowById.has(row)) return;
    const mine = ours(row);
    add(target, mine === undefined ? undefined : ok(mine), mine === undefined ? 'no data' : `ftpkit ${formatNumber(mine)} ${rowById.get(row)!.unit}`);
  };

  for (const row of ['retr', 'stor', 'retr-tls', 'stor-tls']) {
    const label = rowById.get(row)?.label ?? row;
    vsBest(`${label}: ≥ 1.0× the best peer`, row, 1.0);
    vsServer(`${label}: ≥ 90 % of the raw Node pipe`, row, RAW, (r) => r >= 0.9);
  }
  for (const row of ['retr-cpu', 'stor-cpu']) {
    vsServer(`${rowById.get(row)?.label ?? row}: ≤ vsftpd`, row, 'vsftpd', (r) => r <= 1);
  }
  for (const row of ['small-up', 'small-down']) {
    const label = rowById.get(row)?.label ?? row;
    vsServer(`${label}: ≥ 20× faster than ftp-srv`, row, 'ftp-srv', (r) => r <= 1 / 20);
    vsServer(`${label}: within 1.5× of vsftpd`, row, 'vsftpd', (r) => r <= 1.5);
  }
  vsBest('NOOP round trip: ≤ 1.1× the best peer', 'noop', 1.1);
  if (rowById.has('concurrent-failures')) {
    const failures = ours('concurrent-failures');
    add('concurrent sessions: 0 failures', failures === undefined ? undefined : failures === 0, failures === undefined ? 'no data' : `ftpkit ${failures} failures`);
    // Only peers that served every client are comparable on time.
    vsBest('concurrent sessions: total time ≤ the best peer (among peers with 0 failures)', 'concurrent-time', 1.0, (s) => valueOf(results, 'concurrent-failures', s) === 0);
  }
  vsBest('LIST of the big directory: ≤ the best peer', 'list', 1.0);
  vsBest('MLSD of the big directory: ≤ the best peer', 'mlsd', 1.0);
  absolute('LIST of the huge directory: RSS growth < 32 MB', 'list-huge-rss', (v) => v < 32);
  absolute('MLSD of the huge directory: RSS growth < 32 MB', 'mlsd-huge-rss', (v) => v < 32);
  absolute('memory per idle session ≤ 8 KB', 'session-kb', (v) => v <= 8);
  return out;
}

export function renderTargets(outcomes: readonly TargetOutcome[]): string {
  const mark = { met: '✔', 'not met': '✘', 'not measured': '·' } as const;
  return outcomes.map((o) => `${mark[o.status]} ${o.target} — ${o.detail}`).join('\n');
}
