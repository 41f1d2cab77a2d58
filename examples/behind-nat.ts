/**
 * Passive mode behind NAT, in Docker or Kubernetes (see docs/nat.md). The
 * server listens on a private address; clients outside must be told the
 * PUBLIC address in PASV replies, and the passive ports must be a fixed range
 * that the NAT, the container or the Service forwards. Clients inside the
 * private networks are told the address they reached.
 *
 *   PUBLIC_ADDRESS=203.0.113.7 PASV_PORTS=30000-30009 npx tsx examples/behind-nat.ts
 *
 * Log in as demo / demo. EPSV replies carry only a port, so they need nothing of this.
 */
import { AddressList, FtpServer, MemoryFileSystem } from 'ftpkit';

const publicAddress = process.env.PUBLIC_ADDRESS ?? '127.0.0.1';
const internal = new AddressList((process.env.INTERNAL_NETWORKS ?? '127.0.0.0/8,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16').split(',').filter(Boolean));

const server = new FtpServer({
  filesystem: new MemoryFileSystem({ '/hello.txt': 'Reached through NAT.\n' }),
  users: [{ username: 'demo', password: 'demo' }],
  passive: {
    // Publish exactly these ports (docker run -p 30000-30009:30000-30009, a Service, a NAT rule).
    portRange: process.env.PASV_PORTS ?? '30000-30009',
    // What PASV announces: an address string, a host name, or per session like here.
    address: (session) => (internal.includes(session.remoteAddress) ? session.localAddress.replace(/^::ffff:/, '') : publicAddress),
  },
});

server.on('command', ({ session, command }) => {
  if (command === 'PASV' || command === 'EPSV') console.log(`${command} from ${session.remoteAddress}`);
});

const { port } = await server.listen(Number(process.env.PORT ?? 2121), process.env.HOST ?? '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
console.log(`listening on ftp://127.0.0.1:${port}`);
