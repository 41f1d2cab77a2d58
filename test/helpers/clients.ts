import { execFile, spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';

/**
 * System clients (curl, lftp, python3) are real peers. Locally a missing one
 * skips its tests with a loud message; in CI (FTPKIT_REQUIRE_CLIENTS=1) it
 * fails them, so CI always runs everything.
 */
const available = new Map<string, boolean>();

export function hasTool(tool: string): boolean {
  if (!available.has(tool)) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
    available.set(tool, found);
  }
  return available.get(tool)!;
}

/** Returns false (and skips the test) when the tool is missing and CI does not require it. */
export function needTool(t: TestContext, tool: string): boolean {
  if (hasTool(tool)) return true;
  if (process.env.FTPKIT_REQUIRE_CLIENTS === '1') throw new Error(`${tool} is required (FTPKIT_REQUIRE_CLIENTS=1) but not installed`);
  const message = `!!! SKIPPED: ${tool} is not installed; install it to run this test !!!`;
  console.warn(message);
  t.skip(message);
  return false;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with a time limit; never throws on a non-zero exit. */
export function run(command: string, args: readonly string[], options: { input?: string; timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8', cwd: options.cwd, env: options.env ?? process.env },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    // A client that exits before reading all its input (a refused upload) must not fail the test with EPIPE.
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

export function curl(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return run('curl', ['--silent', '--show-error', '--max-time', '30', ...args], options);
}

/** Runs an lftp script (commands separated by newlines) against a URL-less `open`. */
export function lftp(script: string, options: { timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  const settings = [
    'set net:max-retries 1',
    'set net:timeout 10',
    'set net:reconnect-interval-base 1',
    'set cmd:fail-exit yes',
    'set xfer:clobber yes',
  ].join('; ');
  return run('lftp', ['-c', `${settings}; ${script}`], options);
}

/** Runs a Python 3 script (ftplib tests); the script gets PORT in its environment. */
export function python(script: string, env: Record<string, string> = {}, options: { timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return run('python3', ['-c', script], { ...options, env: { ...process.env, ...env } });
}
