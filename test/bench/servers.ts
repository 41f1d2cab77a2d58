import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FtpClient } from './ftp-client.js';
import { processTree, treeUsage, type TreeUsage } from './proc.js';

/**
 * Every server the benchmark knows, in column order. `raw` is bare Node: a
 * plain stream pipe (no FTP) or a minimal FTP server, whichever the case asks for.
 */
export const FTP_SERVERS = ['ftpkit', 'vsftpd', 'proftpd', 'pure-ftpd', 'pyftpdlib', 'ftp-srv'] as const;
export const RAW = 'raw';
export type ServerName = (typeof FTP_SERVERS)[number] | typeof RAW;

export interface Environment {
  /** The repository (test/bench/ is inside it). */
  repo: string;
  /** The shared peer launchers (`<peer>/start`), if present. */
  peersDir: string | undefined;
  workDir: string;
  user: string;
  pass: string;
  pasv: { min: number; max: number };
}

interface Launch {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Speaks FTP (a 220 greeting means ready; PORT ROOT USER PASS PASVMIN PASVMAX) or is the raw pipe (a TCP accept means ready; PORT ROOT). */
  ftp: boolean;
}

/** How to start `name` (for `raw`, the bare Node server the case runs on), or why it cannot run here. */
export function launcherFor(name: ServerName, env: Environment, raw: 'pipe' | 'ftp' = 'pipe'): Launch | string {
  const node = process.execPath;
  if (name === 'ftpkit') {
    if (!existsSync(join(env.repo, 'dist/index.js'))) return 'dist/ missing: run npm run build';
    return { command: node, args: [join(env.repo, 'test/bench/ftpkit-server.mjs')], ftp: true };
  }
  if (name === RAW) {
    return raw === 'ftp'
      ? { command: node, args: [join(env.repo, 'test/bench/bare-ftp-server.mjs')], ftp: true }
      : { command: node, args: [join(env.repo, 'test/bench/raw-pipe-server.mjs')], ftp: false };
  }
  if (name === 'ftp-srv') {
    const modules = join(env.repo, 'node_modules');
    if (!existsSync(join(modules, 'ftp-srv'))) return 'ftp-srv devDependency missing: run npm ci';
    const shared = env.peersDir && join(env.peersDir, 'ftp-srv/start');
    if (shared && existsSync(shared)) {
      // The shared launcher (with its AUTH TLS fix), fed with our devDependency:
      // it loads ftp-srv from $PEERS_PREFIX/ftp-srv/node_modules.
      const prefix = join(env.workDir, 'peers-prefix');
      mkdirSync(join(prefix, 'ftp-srv'), { recursive: true });
      if (!existsSync(join(prefix, 'ftp-srv/node_modules'))) symlinkSync(modules, join(prefix, 'ftp-srv/node_modules'));
      return { command: shared, args: [], env: { PEERS_PREFIX: prefix, NODE: node }, ftp: true };
    }
    return { command: node, args: [join(env.repo, 'test/bench/peers/ftp-srv.cjs')], env: { NODE_PATH: modules }, ftp: true };
  }
  if (!env.peersDir) return 'no peer launchers (see --peers-dir)';
  const start = join(env.peersDir, name, 'start');
  if (!existsSync(start)) return `no launcher at ${start}`;
  return { command: start, args: [], ftp: true };
}

/** A free TCP port on loopback, chosen by the OS (outside the passive range). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export class ServerStartError extends Error {}

/** One server process (and, for forking servers, its session processes). */
export class RunningServer {
  private exited = false;

  private constructor(
    readonly name: ServerName,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.once('exit', () => (this.exited = true));
  }

  get pid(): number {
    return this.child.pid!;
  }

  static async start(name: ServerName, launch: Launch, env: Environment, root: string, tls?: { cert: string; key: string }): Promise<RunningServer> {
    const port = await freePort();
    const args = launch.ftp
      ? [...launch.args, String(port), root, env.user, env.pass, String(env.pasv.min), String(env.pasv.max)]
      : [...launch.args, String(port), root];
    if (tls) args.push(tls.cert, tls.key);
    const child = spawn(launch.command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...launch.env } });
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
    child.on('error', (error) => (stderr += error.message));
    const server = new RunningServer(name, port, child);
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (server.exited || child.exitCode !== null) {
        throw new ServerStartError(`${name} exited: ${stderr.trim().split('\n').slice(-3).join(' / ') || `code ${child.exitCode}`}`);
      }
      if (await ready(port, launch.ftp)) return server;
      if (Date.now() > deadline) {
        await server.stop();
        throw new ServerStartError(`${name} did not answer on port ${port} within 30 s`);
      }
      await sleep(50);
    }
  }

  usage(): TreeUsage {
    return treeUsage(this.pid);
  }

  /** SIGTERM to the server, then to every descendant still alive (by PID), SIGKILL what lingers. */
  async stop(): Promise<void> {
    if (this.exited) return;
    const tree = processTree(this.pid).reverse();
    const exited = new Promise<void>((resolve) => (this.exited ? resolve() : this.child.once('exit', () => resolve())));
    signal(this.pid, 'SIGTERM');
    await Promise.race([exited, sleep(3000)]);
    for (const pid of tree) if (pid !== this.pid) signal(pid, 'SIGTERM');
    await sleep(100);
    for (const pid of tree) if (pid !== this.pid && isAlive(pid)) signal(pid, 'SIGKILL');
    if (!this.exited) {
      signal(this.pid, 'SIGKILL');
      await exited;
    }
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function ready(port: number, ftp: boolean): Promise<boolean> {
  if (ftp) {
    try {
      const client = await FtpClient.connect(port, { timeoutMs: 5000 });
      await client.quit();
      return true;
    } catch {
      return false;
    }
  }
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
