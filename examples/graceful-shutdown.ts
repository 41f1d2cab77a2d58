/**
 * Deploy without cutting anyone off: on SIGTERM (what Docker, Kubernetes and
 * systemd send) the server stops accepting, answers new logins with 421, lets
 * transfers in flight finish for up to GRACE_MS, then closes the rest with 421.
 *
 *   npx tsx examples/graceful-shutdown.ts
 *
 * Log in as demo / demo and download big.bin (downloads are held to 512 KiB/s
 * here so there is time to press Ctrl+C while one runs).
 */
import { FtpServer, MemoryFileSystem } from 'ftpkit';

const graceMs = Number(process.env.GRACE_MS ?? 10_000);

const server = new FtpServer({
  filesystem: new MemoryFileSystem({ '/big.bin': Buffer.alloc(1024 * 1024, 1) }),
  users: [{ username: 'demo', password: 'demo' }],
  userLimits: { downloadRate: 512 * 1024 },
});
server.on('transferStart', ({ path }) => console.log(`transfer started: ${path}`));

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  const { activeTransfers } = server.stats();
  console.log(`${signal}: draining ${activeTransfers} transfer(s), up to ${graceMs} ms`);
  await server.close({ graceMs });
  const { transfers, failedTransfers } = server.stats();
  console.log(`closed: ${transfers} transfer(s) completed, ${failedTransfers} cut`);
  // Nothing of the server is left running: the process ends by itself.
}

const { port } = await server.listen(Number(process.env.PORT ?? 2121), '127.0.0.1');
// `on`, not `once`: a second signal during the drain must not kill the process halfway.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));
console.log(`listening on ftp://127.0.0.1:${port}`);
