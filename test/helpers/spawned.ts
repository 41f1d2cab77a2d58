import { spawn, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';

export interface Spawned {
  child: ChildProcess;
  /** The URL from the `listening on ftp://…` line. */
  url: string;
  host: string;
  port: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout matches `pattern` (output arrives in pieces). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const LISTENING = /listening on (ftp:\/\/(\[[^\]]+\]|[^:/\s]+):(\d+))/;

/**
 * Starts a server process (the CLI or an example) and waits for its
 * `listening on ftp://host:port` line. Killed at the end of the test if still alive.
 */
export function spawnServer(t: TestContext, command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<Spawned> {
  const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within ${options.timeoutMs ?? 20_000} ms\nstdout: ${out}\nstderr: ${err}`)), options.timeoutMs ?? 20_000);
    const check = () => {
      const match = LISTENING.exec(out);
      if (!match) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      resolve({
        child,
        url: match[1]!,
        host: match[2]!.replace(/^\[|\]$/g, ''),
        port: Number(match[3]),
        stdout: () => out,
        stderr: () => err,
        waitFor: async (pattern, timeoutMs = 10_000) => {
          const until = Date.now() + timeoutMs;
          for (;;) {
            const found = pattern.exec(out);
            if (found) return found;
            if (Date.now() > until) throw new Error(`stdout never matched ${pattern}: ${out}`);
            await new Promise((r) => setTimeout(r, 20));
          }
        },
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening\nstdout: ${out}\nstderr: ${err}`));
    });
  });
}
