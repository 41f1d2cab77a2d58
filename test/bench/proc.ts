import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * What a server costs, read from /proc for its whole process tree: forking
 * servers (vsftpd, ProFTPD, pure-ftpd) run each session in child processes,
 * so the master alone would hide most of their memory and CPU.
 */

function sysconf(name: string, fallback: number): number {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

const TICKS_PER_SECOND = sysconf('CLK_TCK', 100);
const PAGE_SIZE = sysconf('PAGESIZE', 4096);

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in seconds: the process and its reaped children. */
  cpu: number;
  rssBytes: number;
}

/** Parses /proc/<pid>/stat; undefined when the process is gone. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): field N is fields[N - 3].
  const num = (n: number) => Number(fields[n - 3]);
  return {
    pid,
    ppid: num(4),
    cpu: (num(14) + num(15) + num(16) + num(17)) / TICKS_PER_SECOND,
    rssBytes: num(24) * PAGE_SIZE,
  };
}

/** The root and every live descendant (scans /proc once). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (!stat) continue;
    const list = children.get(stat.ppid);
    if (list) list.push(pid);
    else children.set(stat.ppid, [pid]);
  }
  const tree: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export interface TreeUsage {
  /** CPU seconds: every live process plus what its reaped children used. */
  cpu: number;
  rssBytes: number;
  processes: number;
}

/**
 * CPU and RSS of a process tree. CPU is counted once per process: a child that
 * exits and is reaped moves its time into its parent's cutime/cstime, so the
 * sum stays right across session processes that come and go.
 */
export function treeUsage(root: number, pids: readonly number[] = processTree(root)): TreeUsage {
  let cpu = 0;
  let rssBytes = 0;
  let processes = 0;
  for (const pid of pids) {
    const stat = readStat(pid);
    if (!stat) continue;
    cpu += stat.cpu;
    rssBytes += stat.rssBytes;
    processes++;
  }
  return { cpu, rssBytes, processes };
}

/**
 * Samples the RSS of a tree while `work` runs and returns the peak. The tree is
 * rescanned now and then (new session processes), sampled often in between.
 */
export async function peakRss<T>(root: number, work: Promise<T>, intervalMs = 25): Promise<{ result: T; peakBytes: number }> {
  let pids = processTree(root);
  let peak = treeUsage(root, pids).rssBytes;
  let ticks = 0;
  const timer = setInterval(() => {
    if (++ticks % 40 === 0) pids = processTree(root);
    peak = Math.max(peak, treeUsage(root, pids).rssBytes);
  }, intervalMs);
  try {
    const result = await work;
    peak = Math.max(peak, treeUsage(root, pids).rssBytes);
    return { result, peakBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Proportional set size of a tree: shared pages divided among the processes
 * that map them. For forking servers this is the honest memory cost (summing
 * RSS counts libc and copy-on-write pages once per session process).
 */
export function treePss(root: number): number {
  let bytes = 0;
  for (const pid of processTree(root)) {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'));
      if (match) bytes += Number(match[1]) * 1024;
    } catch {
      // gone
    }
  }
  return bytes;
}
