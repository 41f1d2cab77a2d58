import { createHook } from 'node:async_hooks';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What the test process holds, read from the kernel rather than from the
 * server's own bookkeeping: every open file descriptor (/proc/self/fd) and, for
 * each socket among them, its TCP ports (/proc/self/net/tcp{,6}). Plus the
 * timers the library itself has armed (tracked with async_hooks, attributed to
 * src/ by the stack that created them).
 *
 * Each test file runs in its own process and its tests run one at a time, so a
 * snapshot taken at the start of a test and compared at its end sees only that
 * test's handles.
 */

export interface TcpSocket {
  inode: string;
  localPort: number;
  remotePort: number;
  /** Kernel TCP state: 0A is LISTEN, 01 ESTABLISHED, 06 TIME_WAIT... */
  state: string;
}

export interface Handles {
  /** "fd → target" for every open descriptor. */
  fds: Map<number, string>;
  sockets: TcpSocket[];
}

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every open descriptor of this process and the TCP sockets among them. */
export function handles(): Handles {
  const fds = new Map<number, string>();
  for (const name of readdirSync('/proc/self/fd')) {
    try {
      fds.set(Number(name), readlinkSync(`/proc/self/fd/${name}`));
    } catch {
      // closed while we looked (the readdir's own descriptor, for one)
    }
  }
  const inodes = new Set<string>();
  for (const target of fds.values()) {
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  const sockets: TcpSocket[] = [];
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!)) continue;
      sockets.push({ inode: f[9]!, localPort: port(f[1]!), remotePort: port(f[2]!), state: f[3]! });
    }
  }
  return { fds, sockets };
}

function port(hexAddress: string): number {
  return parseInt(hexAddress.slice(hexAddress.lastIndexOf(':') + 1), 16);
}

function describeSocket(s: TcpSocket): string {
  return `tcp ${s.localPort}->${s.remotePort} state ${s.state}`;
}

/** Polls `check` (which returns what is still wrong, or nothing) until it passes or time runs out. */
export async function eventually(check: () => string[], timeoutMs = 5000, what = 'leak check'): Promise<void> {
  const until = Date.now() + timeoutMs;
  let problems = check();
  while (problems.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    problems = check();
  }
  if (problems.length > 0) throw new Error(`${what}: ${problems.length} left after ${timeoutMs} ms:\n  ${problems.slice(0, 20).join('\n  ')}`);
}

/** Sockets of this process bound to one of `ports` (listeners and the connections they accepted). */
export function socketsOnPorts(ports: ReadonlySet<number>): string[] {
  return handles()
    .sockets.filter((s) => ports.has(s.localPort))
    .map(describeSocket);
}

/** Descriptors open on files under `dir` (a local filesystem root). */
export function filesUnder(dir: string): string[] {
  if (!dir) return [];
  const prefix = dir.endsWith('/') ? dir : dir + '/';
  return [...handles().fds].filter(([, target]) => target.startsWith(prefix)).map(([fd, target]) => `fd ${fd} → ${target}`);
}

/** Descriptors opened since `baseline` and still open. */
export function newDescriptors(baseline: Handles): string[] {
  const now = handles();
  const sockets = new Map(now.sockets.map((s) => [s.inode, s]));
  const leaked: string[] = [];
  for (const [fd, target] of now.fds) {
    if (baseline.fds.get(fd) === target) continue;
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    const socket = inode ? sockets.get(inode) : undefined;
    leaked.push(`fd ${fd} → ${socket ? describeSocket(socket) : target}`);
  }
  return leaked;
}

/**
 * Timers (setTimeout/setInterval, ref'd or not) created by library code under
 * src/ and neither fired nor cleared. `process.getActiveResourcesInfo()` cannot
 * see these: the library unrefs its timers so they never hold a host process.
 */
export class TimerTracker {
  private readonly live = new Map<number, string>();
  private readonly hook = createHook({
    init: (id, type) => {
      if (type !== 'Timeout') return;
      const stack = new Error().stack ?? '';
      const frame = stack.split('\n').find((line) => line.includes(SRC));
      if (frame) this.live.set(id, frame.trim());
    },
    destroy: (id) => {
      this.live.delete(id);
    },
  });

  start(): this {
    this.hook.enable();
    return this;
  }

  stop(): void {
    this.hook.disable();
    this.live.clear();
  }

  /** Where each live library timer was created. */
  pending(): string[] {
    return [...this.live.values()].map((frame) => `timer created ${frame}`);
  }
}

/**
 * Snapshot now, compare later: after a test closed its clients and its server,
 * every descriptor (files and sockets) it opened is closed again and no library
 * timer is left armed. Polls briefly, since closing a handle takes a tick.
 */
export class LeakCheck {
  readonly baseline = handles();
  private readonly timers = new TimerTracker().start();

  async assertClean(timeoutMs = 5000): Promise<void> {
    try {
      await eventually(() => [...newDescriptors(this.baseline), ...this.timers.pending()], timeoutMs, 'handles left open');
    } finally {
      this.timers.stop();
    }
  }

  /** Stop tracking without checking (the test failed already). */
  dispose(): void {
    this.timers.stop();
  }
}
