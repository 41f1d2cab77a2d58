#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, parseCli, usage } from './cli-options.js';
import { FtpOptionsError } from './options.js';
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
  const { shutdownGraceMs = 5000, ...options } = parsed.options;
  options.root = resolve(options.root);
  mkdirSync(options.root, { recursive: true });
  let demo: { username: string; password: string } | undefined;
  if (options.users.length === 0 && !options.anonymous) {
    demo = { username: 'demo', password: randomBytes(6).toString('hex') };
    options.users.push(demo);
  }
  let server: FtpServer;
  try {
    server = new FtpServer(options);
  } catch (error) {
    if (!(error instanceof FtpOptionsError)) throw error;
    process.stderr.write(`ftpkit: ${error.message}\n`);
    return 2;
  }
  server.on('error', ({ error }) => process.stderr.write(`ftpkit: ${error instanceof Error ? error.message : String(error)}\n`));
  let address;
  let implicitAddress;
  const implicitPort = options.tls?.implicitPort;
  try {
    address = await server.listen();
    if (implicitPort !== undefined) implicitAddress = await server.listenImplicitTls(implicitPort);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'permission denied' : code === 'EADDRNOTAVAIL' ? 'no such local address' : String(code ?? error);
    process.stderr.write(`ftpkit: cannot listen on ${options.host}:${address ? implicitPort : options.port}: ${why}\n`);
    await server.close();
    return 1;
  }
  // Signal handlers go in before the URL is printed: whoever waits for that line may signal at once.
  const stopped = new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stdout.write('ftpkit: shutting down\n');
      server.close({ graceMs: shutdownGraceMs }).then(done, done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // The same first line as the examples print (scripts and tests wait for it); one write, so it arrives whole.
  const banner = [`ftpkit listening on ftp://${host}:${address.port}`, `  serving ${options.root}`];
  if (options.tls) banner.push(`  FTPS: AUTH TLS on ftp://${host}:${address.port} (TLS required: ${options.tls.require ?? 'all'})`);
  if (implicitAddress) banner.push(`  implicit FTPS on ftps://${host}:${implicitAddress.port}`);
  if (demo) banner.push(`  demo login: user "${demo.username}", password "${demo.password}"`);
  else if (options.users.length > 0) banner.push(`  logins: ${options.users.map((u) => u.username).join(', ')}`);
  if (options.anonymous) banner.push('  anonymous login allowed');
  banner.push('Press Ctrl+C to stop.');
  process.stdout.write(banner.join('\n') + '\n');

  await stopped;
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
