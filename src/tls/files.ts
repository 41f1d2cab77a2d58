import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import type { TlsContextOptions, TlsContextSource } from './options.js';

export interface CertificateFiles {
  /** PEM certificate chain. */
  cert: string;
  /** PEM private key. */
  key: string;
  /** PEM trust anchors for client certificates. */
  ca?: string | undefined;
}

/**
 * Certificate and key read from files, and read again when a file changes
 * (size, time or inode), so a renewed certificate (certbot, cert-manager) is
 * used from the next session on without a restart. A renewal caught half
 * written, or a file missing for a moment, keeps the last good certificate
 * until the files make sense again.
 */
export function certificateFiles(files: CertificateFiles): TlsContextSource {
  const paths = [files.cert, files.key, ...(files.ca ? [files.ca] : [])];
  let current: { stamp: string; options: TlsContextOptions } | undefined;
  return async () => {
    let stamp: string;
    let options: TlsContextOptions;
    try {
      stamp = (await Promise.all(paths.map((path) => stat(path)))).map((s) => `${s.ino}:${s.size}:${s.mtimeMs}`).join('|');
      if (current?.stamp === stamp) return current.options;
      const [cert, key, ca] = await Promise.all(paths.map((path) => readFile(path)));
      options = { cert: cert!, key: key!, ...(ca ? { ca } : {}) };
      createSecureContext(options);
    } catch (error) {
      // A file missing for a moment (renamed into place) or half written.
      if (current) return current.options;
      throw error;
    }
    current = { stamp, options };
    return options;
  };
}

/** Checks the files at construction (a typo in a path fails at start, not at the first AUTH TLS). */
export function checkCertificateFiles(files: CertificateFiles, problems: string[]): void {
  const paths: [string, string | undefined][] = [
    ['certFile', files.cert],
    ['keyFile', files.key],
    ['caFile', files.ca],
  ];
  const contents: Record<string, Buffer> = {};
  for (const [name, path] of paths) {
    if (path === undefined) continue;
    try {
      statSync(path);
      contents[name] = readFileSync(path);
    } catch (error) {
      problems.push(`tls.${name} cannot be read: ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (!contents.certFile || !contents.keyFile) return;
  try {
    createSecureContext({ cert: contents.certFile, key: contents.keyFile, ...(contents.caFile ? { ca: contents.caFile } : {}) });
  } catch (error) {
    problems.push(`tls certificate or key files cannot be used: ${(error as Error).message}`);
  }
}
