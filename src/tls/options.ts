import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { certificateFiles, checkCertificateFiles } from './files.js';

/** Which connections must be protected by TLS. */
export type TlsRequirement = 'none' | 'control' | 'data' | 'all';

/**
 * What Node needs to build a TLS context: the certificate chain and key (PEM
 * contents, or a PFX), and optionally trust anchors for client certificates,
 * ciphers and curves. Passed to `tls.createSecureContext`.
 */
export type TlsContextOptions = Pick<
  SecureContextOptions,
  'cert' | 'key' | 'pfx' | 'passphrase' | 'ca' | 'crl' | 'ciphers' | 'ecdhCurve' | 'dhparam' | 'sigalgs' | 'honorCipherOrder' | 'maxVersion'
>;

/** Returns the TLS context options for a new session (rotate certificates without a restart). */
export type TlsContextSource = () => TlsContextOptions | Promise<TlsContextOptions>;

export interface FtpTlsOptions extends TlsContextOptions {
  /**
   * Paths of the PEM certificate chain and key (and CA for client
   * certificates), instead of their contents: read again whenever a file
   * changes, so a renewed certificate needs no restart.
   */
  certFile?: string;
  keyFile?: string;
  caFile?: string;
  /**
   * Instead of fixed `cert`/`key`: called for every new TLS session, so a
   * renewed certificate is used from the next session on, without a restart.
   * Fixed fields given next to it are defaults the function's result overrides.
   */
  context?: TlsContextSource;
  /** Port `listenImplicitTls()` uses when given none (default 990); the `ftpkit` command listens on it when set. */
  implicitPort?: number;
  /** Oldest TLS version accepted: 'TLSv1.2' (default, and the lowest allowed) or 'TLSv1.3'. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
  /**
   * Connections that must be protected (default 'all'): 'control' refuses login
   * without AUTH TLS (530), 'data' refuses transfers without PROT P (521), 'all'
   * both, 'none' lets clients choose.
   */
  require?: TlsRequirement;
  /** Hold anonymous users to `require` too (default false: anonymous may stay in the clear). */
  requireAnonymous?: boolean;
  /**
   * A protected data connection must resume the TLS session of its own control
   * connection, or it is refused with 425 (default true). This stops data
   * connection theft; turn it off only for clients that cannot resume.
   */
  requireSessionReuse?: boolean;
  /** Allow CCC, which drops TLS from the control connection after login (default false: 534). */
  allowCcc?: boolean;
  /**
   * Ask clients for a certificate on the control connection: 'request' (optional)
   * or 'require' (the handshake fails without a valid one). `authenticate`
   * receives it with `certificateAuthorized` (it chains to `ca`). Default 'off'.
   */
  clientCertificates?: 'off' | 'request' | 'require';
}

export interface ResolvedTlsOptions {
  context: TlsContextSource;
  implicitPort: number | undefined;
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  require: TlsRequirement;
  requireAnonymous: boolean;
  requireSessionReuse: boolean;
  allowCcc: boolean;
  clientCertificates: 'off' | 'request' | 'require';
}

const REQUIREMENTS: readonly TlsRequirement[] = ['none', 'control', 'data', 'all'];

/** Validates the `tls` option; problems are added to the constructor's aggregated error. */
export function resolveTlsOptions(options: FtpTlsOptions | undefined, problems: string[]): ResolvedTlsOptions | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') {
    problems.push('tls must be an object with cert and key (or a context function)');
    return undefined;
  }
  const { context, certFile, keyFile, caFile, implicitPort, minVersion, require, requireAnonymous, requireSessionReuse, allowCcc, clientCertificates, ...fixed } = options;
  const before = problems.length;
  const fromFiles = certFile !== undefined || keyFile !== undefined;
  if (context !== undefined && typeof context !== 'function') problems.push('tls.context must be a function returning cert and key');
  if (fromFiles && (typeof certFile !== 'string' || typeof keyFile !== 'string')) problems.push('tls.certFile and tls.keyFile go together');
  if (fromFiles && context !== undefined) problems.push('tls: give certFile/keyFile or a context function, not both');
  if (implicitPort !== undefined && !(Number.isInteger(implicitPort) && implicitPort >= 0 && implicitPort <= 65535)) problems.push('tls.implicitPort must be an integer from 0 to 65535');
  if (minVersion !== undefined && minVersion !== 'TLSv1.2' && minVersion !== 'TLSv1.3') problems.push("tls.minVersion must be 'TLSv1.2' or 'TLSv1.3'");
  if (require !== undefined && !REQUIREMENTS.includes(require)) problems.push(`tls.require must be one of ${REQUIREMENTS.join(', ')}`);
  if (clientCertificates !== undefined && !['off', 'request', 'require'].includes(clientCertificates)) {
    problems.push("tls.clientCertificates must be 'off', 'request' or 'require'");
  }
  if (fromFiles) {
    if (problems.length === before) checkCertificateFiles({ cert: certFile!, key: keyFile!, ca: caFile }, problems);
  } else if (context === undefined) {
    if ((fixed.cert === undefined || fixed.key === undefined) && fixed.pfx === undefined) {
      problems.push('tls needs cert and key (PEM contents), pfx, or a context function');
    } else {
      // Fail at construction, not at the first AUTH TLS, when the PEM is unusable.
      try {
        createSecureContext({ ...fixed, minVersion: minVersion ?? 'TLSv1.2' });
      } catch (error) {
        problems.push(`tls certificate or key cannot be used: ${(error as Error).message}`);
      }
    }
  }
  if (problems.length > before) return undefined;
  const source = fromFiles ? certificateFiles({ cert: certFile!, key: keyFile!, ca: caFile }) : context;
  return {
    context: source ? async () => ({ ...fixed, ...(await source()) }) : () => fixed,
    implicitPort,
    minVersion: minVersion ?? 'TLSv1.2',
    require: require ?? 'all',
    requireAnonymous: requireAnonymous ?? false,
    requireSessionReuse: requireSessionReuse ?? true,
    allowCcc: allowCcc ?? false,
    clientCertificates: clientCertificates ?? 'off',
  };
}
