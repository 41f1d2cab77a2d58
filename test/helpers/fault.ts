import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { FtpUser } from '../../src/index.js';
import { eventually, LeakCheck } from './leaks.js';
import { RawClient, readAll } from './raw-client.js';
import { startServer, type StartOptions, type Started } from './server.js';

export interface FaultContext<U extends FtpUser = FtpUser> extends Started<U> {
  /** A raw client that is closed when the scenario ends (greeting read). */
  connect(): Promise<RawClient>;
  /** A raw client logged in as test/test. */
  login(): Promise<RawClient>;
}

/**
 * Runs one fault scenario and then checks what every fault must leave behind:
 * the clients it dropped are gone from the server (sessions, per-user counts),
 * the server still serves a new client end to end, and once everything is
 * closed no descriptor, socket or library timer is left.
 */
export async function faultScenario<U extends FtpUser = FtpUser>(
  t: TestContext,
  options: StartOptions<U>,
  body: (ctx: FaultContext<U>) => Promise<void>,
  /** How "the server serves the next client" is checked (default: a plain login, upload and download). */
  nextClient?: (port: number) => Promise<void>,
): Promise<void> {
  const leaks = new LeakCheck();
  const clients: RawClient[] = [];
  let ok = false;
  try {
    const started = await startServer<U>(t, options);
    const track = (client: RawClient) => {
      clients.push(client);
      return client;
    };
    const user = options.users?.[0] ?? { username: 'test', password: 'test' };
    await body({
      ...started,
      connect: async () => track(await RawClient.connect(started.port)),
      login: async () => track(await RawClient.login(started.port, user.username, user.password)),
    });
    for (const client of clients) client.close();
    await sessionsGone(started);
    await (nextClient ? nextClient(started.port) : servesNextClient(started.port, user.username, user.password));
    await sessionsGone(started);
    await started.close();
    ok = true;
  } finally {
    for (const client of clients) client.close();
    if (ok) await leaks.assertClean();
    else leaks.dispose();
  }
}

/** Every session ended and forgotten: none listed, none counted for any user. */
export async function sessionsGone(started: Started<FtpUser> | Started<never>, timeoutMs = 5000): Promise<void> {
  const { server } = started as Started<FtpUser>;
  await eventually(
    () => {
      const left = server.sessions.map((s) => `session ${s.id} (${s.user?.username ?? 'not logged in'})`);
      const stats = server.stats();
      if (stats.connections !== 0) left.push(`stats.connections = ${stats.connections}`);
      if (stats.loggedIn !== 0) left.push(`stats.loggedIn = ${stats.loggedIn}`);
      if (server.sessionsOf('test') !== 0) left.push(`sessionsOf(test) = ${server.sessionsOf('test')}`);
      return left;
    },
    timeoutMs,
    'sessions left behind',
  );
}

/** A new client logs in, uploads, lists, downloads the same bytes back, and quits. */
export async function servesNextClient(port: number, username = 'test', password = 'test'): Promise<void> {
  const c = await RawClient.login(port, username, password);
  try {
    assert.equal((await c.cmd('TYPE I')).code, 200);
    const payload = Buffer.from(`next client ${Date.now()} ${Math.random()}`);
    const name = `next-${process.hrtime.bigint()}.bin`;
    let data = await c.epsv();
    c.send(`STOR ${name}`);
    assert.equal((await c.read()).code, 150);
    data.end(payload);
    assert.equal((await c.read()).code, 226);
    data = await c.epsv();
    c.send(`RETR ${name}`);
    assert.equal((await c.read()).code, 150);
    assert.deepEqual(await readAll(data), payload);
    assert.equal((await c.read()).code, 226);
    assert.equal((await c.cmd(`DELE ${name}`)).code, 250);
    assert.equal((await c.cmd('QUIT')).code, 221);
    await c.waitClosed();
  } finally {
    c.close();
  }
}

/** `promise`, or a failure with `message` if it takes longer than `ms` (the timer never outlives it). */
export async function within<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A well-formed RFC 959 reply code: three digits, first 1-5, second 0-5. */
export function isReplyCode(code: number): boolean {
  return Number.isInteger(code) && code >= 100 && code <= 559 && Math.floor(code / 10) % 10 <= 5;
}
