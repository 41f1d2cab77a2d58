import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { RawClient } from './raw-client.js';

export interface TestCertificates {
  dir: string;
  /** Server certificate and key (self-signed, CN=localhost, SAN localhost and 127.0.0.1), PEM. */
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
  /** A second server certificate, to see a reload take effect. */
  otherCert: string;
  otherKey: string;
  /** A CA and a client certificate it signed (CN=alice), for client-certificate login. */
  ca: string;
  clientCert: string;
  clientKey: string;
}

let certificates: TestCertificates | undefined;

/**
 * Test-only certificates, made with openssl once per test process (EC P-256:
 * fast). Nothing is committed; the directory is removed when the process exits.
 */
export function testCertificates(): TestCertificates {
  if (certificates) return certificates;
  const dir = mkdtempSync(join(tmpdir(), 'ftpkit-tls-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const selfSigned = (name: string) =>
    openssl('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  selfSigned('server');
  selfSigned('other');
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=ftpkit test CA');
  openssl('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=alice');
  openssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '2');
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  certificates = {
    dir,
    cert: read('server.pem'),
    key: read('server.key'),
    certPath: join(dir, 'server.pem'),
    keyPath: join(dir, 'server.key'),
    otherCert: read('other.pem'),
    otherKey: read('other.key'),
    ca: read('ca.pem'),
    clientCert: read('client.pem'),
    clientKey: read('client.key'),
  };
  return certificates;
}

/** The server options for FTPS with the test certificate. */
export function tlsOptions(extra: Record<string, unknown> = {}): { cert: string; key: string } & Record<string, unknown> {
  const { cert, key } = testCertificates();
  return { cert, key, ...extra };
}

/**
 * A raw control connection upgraded with AUTH TLS (or implicit TLS). Keeps the
 * latest TLS session the server handed out, so data connections can resume it.
 */
export class TlsControl {
  session: Buffer | undefined;

  private constructor(
    readonly client: RawClient,
    readonly socket: TLSSocket,
    /** The TCP socket under an explicit (AUTH TLS) connection: reset it to vanish the rude way. */
    readonly raw?: Socket,
  ) {
    socket.on('session', (session: Buffer) => (this.session = session));
  }

  static async explicit(port: number, options: ConnectionOptions = {}): Promise<TlsControl> {
    const plain = await RawClient.connect(port);
    const auth = await plain.cmd('AUTH TLS');
    if (auth.code !== 234) throw new Error(`AUTH TLS: ${auth.lines.join(' | ')}`);
    plain.socket.removeAllListeners('data');
    const socket = tlsConnect({ socket: plain.socket, rejectUnauthorized: false, ...options });
    await once(socket, 'secureConnect');
    return new TlsControl(RawClient.over(socket), socket, plain.socket);
  }

  static async implicit(port: number, options: ConnectionOptions = {}): Promise<TlsControl> {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...options });
    await once(socket, 'secureConnect');
    const control = new TlsControl(RawClient.over(socket), socket);
    const greeting = await control.client.read();
    if (greeting.code !== 220) throw new Error(`greeting: ${greeting.lines.join(' | ')}`);
    return control;
  }

  /** USER, PASS, PBSZ 0, PROT P. */
  async login(user = 'test', pass = 'test'): Promise<void> {
    for (const [line, code] of [[`USER ${user}`, 331], [`PASS ${pass}`, 230], ['PBSZ 0', 200], ['PROT P', 200]] as const) {
      const reply = await this.client.cmd(line);
      if (reply.code !== code) throw new Error(`${line.split(' ')[0]}: ${reply.lines.join(' | ')}`);
    }
  }

  /** EPSV and a TCP connection to the announced port (not yet TLS). */
  async epsv(): Promise<Socket> {
    return this.client.epsv();
  }

  /** A TLS client on a data socket; by default it resumes this control connection's session. */
  static dataTls(socket: Socket, session: Buffer | undefined, options: ConnectionOptions = {}): TLSSocket {
    const secure = tlsConnect({ socket, rejectUnauthorized: false, ...(session ? { session } : {}), ...options });
    secure.on('error', () => undefined);
    return secure;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A plain TCP connection to a port (for strangers). */
export async function tcp(port: number): Promise<Socket> {
  const socket = netConnect({ port, host: '127.0.0.1' });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/**
 * Files of awkward sizes (empty, one byte, around TLS record and socket buffer
 * sizes, over a megabyte), random content, written to `dir`. Returns their names.
 */
export async function writeSampleFiles(dir: string, count = 12): Promise<string[]> {
  const { randomBytes } = await import('node:crypto');
  const { writeFile } = await import('node:fs/promises');
  const sizes = [0, 1, 100, 1000, 16383, 16384, 16385, 65536, 100_000, 300_000, 1_048_589, 7];
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `f${String(i).padStart(2, '0')}.bin`;
    await writeFile(join(dir, name), randomBytes(sizes[i % sizes.length]!));
    names.push(name);
  }
  return names;
}

/** Asserts that every named file has the same bytes in both directories. */
export function assertSameFiles(names: readonly string[], a: string, b: string): void {
  for (const name of names) {
    const left = readFileSync(join(a, name));
    const right = readFileSync(join(b, name));
    if (!left.equals(right)) throw new Error(`${name}: ${left.length} bytes in ${a}, ${right.length} in ${b}`);
  }
}
