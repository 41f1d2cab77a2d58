import { CliError, type CliOptions, type Flag } from './cli-options.js';
import type { FtpTlsOptions, TlsRequirement } from './tls/options.js';

/**
 * FTPS flags (docs/tls.md). `--tls-cert` and `--tls-key` switch FTPS on:
 * AUTH TLS on the main port, required for logins and data by default; the
 * files are read again when they change, so a renewed certificate needs no
 * restart.
 */
const tls = (o: CliOptions, patch: Partial<FtpTlsOptions>) => void (o.tls = { ...o.tls, ...patch });

const choice = <T extends string>(flag: string, text: string, allowed: readonly T[]): T => {
  if (!(allowed as readonly string[]).includes(text)) throw new CliError(`--${flag} needs one of ${allowed.join(', ')}, got "${text}"`);
  return text as T;
};

export const tlsFlags: Flag[] = [
  { name: 'tls-cert', type: 'string', value: 'FILE', help: 'PEM certificate chain: enables FTPS (AUTH TLS) on the main port', apply: (o, v) => tls(o, { certFile: String(v) }) },
  { name: 'tls-key', type: 'string', value: 'FILE', help: 'PEM private key of --tls-cert', apply: (o, v) => tls(o, { keyFile: String(v) }) },
  {
    name: 'implicit-tls-port',
    type: 'string',
    value: 'PORT',
    help: 'also listen for implicit FTPS (TLS from the first byte, port 990 style)',
    apply(o, v) {
      const port = Number(v);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--implicit-tls-port needs a port number, got "${String(v)}"`);
      tls(o, { implicitPort: port });
    },
  },
  {
    name: 'require-tls',
    type: 'string',
    value: 'WHAT',
    help: 'what must be protected: control, data, all (default) or none',
    apply: (o, v) => tls(o, { require: choice<TlsRequirement>('require-tls', String(v), ['control', 'data', 'all', 'none']) }),
  },
  { name: 'require-tls-anonymous', type: 'boolean', help: 'hold anonymous logins to --require-tls too', apply: (o) => tls(o, { requireAnonymous: true }) },
  {
    name: 'no-tls-session-reuse',
    type: 'boolean',
    help: 'accept data connections that do not resume the control TLS session (old clients; weaker)',
    apply: (o) => tls(o, { requireSessionReuse: false }),
  },
  { name: 'allow-ccc', type: 'boolean', help: 'allow CCC (plain control connection after login)', apply: (o) => tls(o, { allowCcc: true }) },
  {
    name: 'tls-client-certs',
    type: 'string',
    value: 'MODE',
    help: 'ask for client certificates: off (default), request or require (verified against --tls-ca)',
    apply: (o, v) => tls(o, { clientCertificates: choice('tls-client-certs', String(v), ['request', 'require', 'off'] as const) }),
  },
  { name: 'tls-ca', type: 'string', value: 'FILE', help: 'PEM CA certificates that sign accepted client certificates', apply: (o, v) => tls(o, { caFile: String(v) }) },
  {
    name: 'tls-min-version',
    type: 'string',
    value: '1.2|1.3',
    help: 'oldest TLS version accepted (default 1.2)',
    apply: (o, v) => tls(o, { minVersion: choice('tls-min-version', String(v), ['1.2', '1.3'] as const) === '1.3' ? 'TLSv1.3' : 'TLSv1.2' }),
  },
];
