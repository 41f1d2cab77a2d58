#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, parseCli, usage } from './cli-options.js';
import { FtpServer } from './server.js';

/**
 * The `ftpkit` command. Unlike the library, it owns its process: it handles
 * SIGINT/SIGTERM (drain, then exit) and sets the exit code.
 */
async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`ftpkit: ${error.message}\n\n${usage()}\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  const { options } = parsed;
  options.root = resolve(options.root);
  mkdirSync(options.root, { recursive: true });
  let demo: { username: string; password: string } | undefined;
  if (options.users.length === 0 && !options.anonymous) {
    demo = { username: 'demo', password: randomBytes(6).toString('hex') };
    options.users.push(demo);
  }
  const server = new FtpServer(options);
  server.on('error', ({ error }) => process.stderr.write(`ftpkit: ${error instanceof Error ? error.message : String(error)}\n`));
  const address = await server.listen();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  process.stdout.write(`ftpkit serving ${options.root}\n  at ftp://${host}:${address.port}/\n`);
  if (demo) process.stdout.write(`  demo login: user "${demo.username}", password "${demo.password}"\n`);
  else if (options.users.length > 0) process.stdout.write(`  logins: ${options.users.map((u) => u.username).join(', ')}\n`);
  if (options.anonymous) process.stdout.write('  anonymous login allowed\n');
  process.stdout.write('Press Ctrl+C to stop.\n');

  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stdout.write('ftpkit: shutting down\n');
      server.close({ graceMs: 5000 }).then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`ftpkit: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
