/**
 * FTPS: explicit (AUTH TLS on the main port) and implicit (TLS from the first
 * byte on its own port), TLS required, certificate files reloaded when renewed.
 *
 *   npx tsx examples/ftps.ts cert.pem key.pem
 *
 * Without arguments a throwaway self-signed certificate is made with openssl.
 * alice / wonderland logs in; try it with
 *   curl --ssl-reqd --insecure ftp://alice:wonderland@127.0.0.1:2121/
 *   curl --insecure ftps://alice:wonderland@127.0.0.1:<implicit port>/
 * (IMPLICIT_PORT sets that port; default: any free one).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FtpServer, MemoryFileSystem } from 'ftpkit';

function throwawayCertificate(): [string, string] {
  const dir = mkdtempSync(join(tmpdir(), 'ftpkit-example-'));
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30', '-subj', '/CN=localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return [cert, key];
}

const [certFile, keyFile] = process.argv[2] && process.argv[3] ? [process.argv[2], process.argv[3]] : throwawayCertificate();

const server = new FtpServer({
  filesystem: new MemoryFileSystem({ '/readme.txt': 'This file travelled over TLS.\n' }),
  users: [{ username: 'alice', password: 'wonderland' }],
  tls: {
    certFile, // read again whenever the file changes: renew it in place, no restart
    keyFile,
    require: 'all', // the default: no password and no file in the clear
    // requireSessionReuse: true (the default) binds each data connection to its control session
  },
});

// Problems of the host's own making (a certificate file that went unreadable) arrive here, never as a crash.
server.on('error', ({ error }) => console.error('error:', error));

const { port } = await server.listen(Number(process.env.PORT ?? 2121), '127.0.0.1');
const implicit = await server.listenImplicitTls(Number(process.env.IMPLICIT_PORT ?? 0), '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
console.log(`listening on ftp://127.0.0.1:${port}`);
console.log(`implicit FTPS on ftps://127.0.0.1:${implicit.port}`);
