/**
 * Metrics for Prometheus (or anything that reads its text format), from
 * events, `server.stats()` and the `ftpkit:command` diagnostics channel:
 *
 *   npx tsx examples/metrics.ts      # then: curl http://127.0.0.1:9464/metrics
 *
 * Log in as demo / demo. METRICS_PORT chooses the HTTP port (0: a free one).
 */
import diagnostics from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import { FtpServer, MemoryFileSystem, type CommandTrace } from 'ftpkit';

const server = new FtpServer({
  filesystem: new MemoryFileSystem({ '/readme.txt': 'measured\n' }),
  users: [{ username: 'demo', password: 'demo' }],
});

// Counters from events: every payload names the session, so labels are easy.
const counters = new Map<string, number>();
const count = (name: string, by = 1) => counters.set(name, (counters.get(name) ?? 0) + by);
server.on('loginFailed', ({ reason }) => count(`ftp_login_failures_total{reason="${reason}"}`));
server.on('transferEnd', ({ direction, bytes }) => {
  count(`ftp_transfers_total{direction="${direction}"}`);
  count(`ftp_transfer_bytes_total{direction="${direction}"}`, bytes);
});
server.on('transferAborted', ({ direction, reason }) => count(`ftp_transfers_aborted_total{direction="${direction}",reason="${reason}"}`));

// Command latency from the tracing channel: no wrapper around the server needed.
const started = new WeakMap<object, bigint>();
diagnostics.tracingChannel<unknown, CommandTrace>('ftpkit:command').subscribe({
  start: (trace) => void started.set(trace, process.hrtime.bigint()),
  end: () => undefined,
  asyncStart: () => undefined,
  error: () => undefined,
  asyncEnd: (trace) => {
    const begun = started.get(trace);
    if (begun === undefined) return;
    count(`ftp_command_duration_seconds_count{command="${trace.command}"}`);
    count(`ftp_command_duration_seconds_sum{command="${trace.command}"}`, Number(process.hrtime.bigint() - begun) / 1e9);
  },
});

function metrics(): string {
  const stats = server.stats();
  const gauges = [`ftp_sessions ${stats.connections}`, `ftp_sessions_logged_in ${stats.loggedIn}`, `ftp_transfers_active ${stats.activeTransfers}`, `ftp_logins_total ${stats.logins}`];
  return [...gauges, ...[...counters].map(([name, value]) => `${name} ${value}`)].join('\n') + '\n';
}

const http = createServer((request, response) => {
  if (request.url !== '/metrics') return void response.writeHead(404).end();
  response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics());
});
http.listen(Number(process.env.METRICS_PORT ?? 9464), '127.0.0.1');
await new Promise((resolve) => http.once('listening', resolve));
const address = http.address();
console.log(`metrics on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`);

const { port } = await server.listen(Number(process.env.PORT ?? 2121), '127.0.0.1');
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    http.close();
    void server.close();
  });
}
console.log(`listening on ftp://127.0.0.1:${port}`);
