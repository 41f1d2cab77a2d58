import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { FtpUser } from './auth/types.js';
import { createCommandTable } from './commands/index.js';
import { createSiteTable } from './commands/site.js';
import { disableCommands } from './commands/switches.js';
import type { CommandSpec } from './commands/spec.js';
import type { CommandTable } from './commands/table.js';
import { PassivePortPool } from './data/port-pool.js';
import { publishSessionEvent } from './diagnostics.js';
import { GuardedEmitter, type FtpServerEvents, type LoginFailureReason, type TransferDirection } from './events.js';
import { LocalFileSystem } from './fs/local.js';
import type { FileSystem } from './fs/types.js';
import type { Throttle } from './data/byte-counter.js';
import { HookRunner, type HookName, type HookTypes } from './hooks.js';
import { LimitRegistry } from './limits/registry.js';
import { uploadAllowance } from './limits/upload-guard.js';
import { Log } from './logger.js';
import { InFlight } from './in-flight.js';
import { endGracefully, LINGER_MS } from './net/linger.js';
import { resolveOptions, type FtpServerOptions, type ResolvedOptions } from './options.js';
import { defaultMessages, type MessageKey } from './protocol/messages.js';
import { ReplyCode } from './protocol/reply-codes.js';
import type { FtpSession } from './session/info.js';
import { SecurityGuard } from './security/guard.js';
import type { LoginRefusal, ServerCore } from './session/server-core.js';
import { Session } from './session/session.js';
import { StatsCounter, type ServerStats } from './stats.js';
import { sessionEngine, startImplicitTls } from './tls/control.js';
import type { TlsEngine } from './tls/engine.js';
import { tlsCommandPolicy, tlsLoginRefusal } from './tls/policy.js';
import { attachTranscript } from './transcript.js';
import { VERSION } from './version.js';
import { accessOptions } from './virtual-hosts.js';

export type { ServerStats } from './stats.js';

export interface CloseOptions {
  /**
   * How long sessions busy with a command (a transfer, mostly) may take to
   * finish it before they are cut (ms, default 0). Idle sessions are closed
   * at once; a busy one as soon as its command has answered.
   */
  graceMs?: number;
  /**
   * How long `close()` then waits for storage and hook calls still running
   * (ones that ignore their abort signal) before it resolves anyway (ms,
   * default 1000). Calls that do honour the signal settle within
   * milliseconds (a file handle closed, a temporary upload removed); a
   * backend that never settles a call is let go after this.
   */
  settleMs?: number;
}

/** Default of `CloseOptions.settleMs`. */
const SETTLE_MS = 1000;

/**
 * The FTP server a host embeds: listen, serve, observe, close. Events are typed
 * (eventemitter3) and a throwing listener never reaches a session; hooks decide;
 * the command tables can be extended. Nothing here touches the process: no
 * signal handlers, no exit, no uncaught errors.
 */
export class FtpServer<U extends FtpUser = FtpUser> extends GuardedEmitter<FtpServerEvents<U>> implements ServerCore, AsyncDisposable {
  // Internals work with the base user type; the public surface (options,
  // events, hooks) is typed with the host's U.
  readonly options: ResolvedOptions<FtpUser>;
  readonly hooks: HookRunner<FtpUser>;
  readonly commands: CommandTable;
  readonly siteCommands: CommandTable;
  readonly log: Log;
  readonly passivePorts: PassivePortPool;
  /** Rate buckets and quota ledgers, per user and server-wide. */
  readonly limits: LimitRegistry;
  /** Connection limits, bans, login throttling, anti-flood (docs/security.md). */
  readonly security: SecurityGuard;
  draining = false;

  private readonly servers: Server[] = [];
  private readonly sessionSet = new Set<Session>();
  private readonly sessionsByUser = new Map<string, number>();
  private readonly localFileSystems = new Map<string, LocalFileSystem>();
  private nextId = 0;
  private closing: Promise<void> | undefined;
  private readonly inFlight = new InFlight();
  /** Called when the last session is gone during a shutdown. */
  private emptied: (() => void) | undefined;
  private readonly counters = new StatsCounter();

  constructor(options: FtpServerOptions<U>) {
    super();
    this.options = resolveOptions(options as unknown as FtpServerOptions);
    this.log = new Log(this.options.logger);
    this.hooks = new HookRunner<FtpUser>(this.options.hooks, () => this.options.timeouts.hook);
    this.commands = createCommandTable();
    this.siteCommands = createSiteTable();
    disableCommands(this.commands, this.siteCommands, this.options.disabledCommands);
    this.passivePorts = new PassivePortPool(this.options.passive.portRange);
    this.limits = new LimitRegistry(this.options);
    const text = (key: MessageKey) => this.options.messages[key] ?? defaultMessages[key];
    this.security = new SecurityGuard(this.options, text, (error, session) => this.reportError(error, session));
    if (this.options.transcript) attachTranscript(this.events, this.options.transcript === true ? (line) => process.stdout.write(line + '\n') : this.options.transcript);
  }

  /** This emitter, seen with the base user type (what sessions emit through). */
  get events(): GuardedEmitter<FtpServerEvents> {
    return this as unknown as GuardedEmitter<FtpServerEvents>;
  }

  /** How many sessions are open (cheaper than `sessions.length`: no array is built). */
  get sessionCount(): number {
    return this.sessionSet.size;
  }

  /** Open sessions, for host control (`session.close()`, `session.abortTransfer()`). */
  get sessions(): readonly FtpSession<U>[] {
    return [...this.sessionSet] as unknown as FtpSession<U>[];
  }

  /**
   * Starts listening; resolves with the bound address (use port 0 for a free
   * port). May be called more than once to listen on several addresses.
   */
  async listen(port: number = this.options.port, host: string = this.options.host): Promise<AddressInfo> {
    return this.listenOn(port, host, false);
  }

  /**
   * Implicit FTPS (port 990 style): connections to this port speak TLS from
   * their first byte, and data connections are protected from the start.
   * Needs the `tls` option. Resolves with the bound address.
   */
  async listenImplicitTls(port?: number, host: string = this.options.host): Promise<AddressInfo> {
    if (!this.options.tls) throw new Error('listenImplicitTls needs the tls option (certificate and key)');
    return this.listenOn(port ?? this.options.tls.implicitPort ?? 990, host, true);
  }

  private async listenOn(port: number, host: string, implicitTls: boolean): Promise<AddressInfo> {
    if (this.closing) throw new Error('FtpServer is closed');
    const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: false }, (socket) => this.accept(socket, implicitTls));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.reportError(error));
    this.servers.push(server);
    const address = server.address() as AddressInfo;
    this.log.info('server', 'listening', { address: address.address, port: address.port, implicitTls });
    this.events.emit('listening', { address, implicitTls });
    return address;
  }

  /** The first listening address. */
  address(): AddressInfo | undefined {
    const address = this.servers[0]?.address();
    return address && typeof address === 'object' ? address : undefined;
  }

  /** Adds a hook (also possible with the `hooks` option); returns a function that removes it. */
  addHook<K extends HookName>(name: K, fn: HookTypes<U>[K]): () => void {
    return this.hooks.add(name, fn as unknown as HookTypes[K]);
  }

  /** Adds or replaces a command; it gets every check a built-in gets. */
  addCommand(spec: CommandSpec): void {
    this.commands.register(spec);
  }

  /** Adds or replaces a SITE subcommand. */
  addSiteCommand(spec: CommandSpec): void {
    this.siteCommands.register(spec);
  }

  /** Counters since the server started, and what is open now. */
  stats(): ServerStats {
    let loggedIn = 0;
    let activeTransfers = 0;
    for (const session of this.sessionSet) {
      if (session.user) loggedIn++;
      if (session.transfer) activeTransfers++;
    }
    return this.counters.snapshot({ connections: this.sessionSet.size, loggedIn, activeTransfers });
  }

  /**
   * Where every session event goes: the stats, the diagnostics channels, then
   * the listeners (only built when someone listens), with the per-session seq.
   */
  observe<K extends keyof FtpServerEvents>(session: Session, event: K, fields: object): void {
    this.counters.record(event, fields);
    publishSessionEvent(event, session, fields);
    if (this.listenerCount(event) === 0) return;
    const payload = { session, seq: session.nextSeq(), ...fields };
    (this.events.emit as (e: K, p: object) => boolean)(event, payload);
  }

  /**
   * Stops accepting, refuses new logins with 421, lets transfers in flight run
   * for up to `graceMs`, then closes every session with 421.
   */
  close(options: CloseOptions = {}): Promise<void> {
    this.closing ??= this.shutdown(options.graceMs ?? 0, options.settleMs ?? SETTLE_MS);
    return this.closing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Drain: stop listening (connections already queued get 421), close idle
   * sessions with 421 at once and busy ones as soon as their command answered
   * (an upload finishing within the grace gets its 226 first), cut whatever is
   * still running at the deadline (426, then 421), then wait for the sockets
   * and for storage and hook calls still settling, each within a bound.
   */
  private async shutdown(graceMs: number, settleMs: number): Promise<void> {
    this.draining = true;
    const stopped = Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    for (const session of this.sessionSet) session.closeWhenIdle(session.t('shuttingDown'));
    await this.sessionsGone(graceMs);
    for (const session of this.sessionSet) session.close(session.t('shuttingDown'), ReplyCode.ServiceNotAvailable, 'shutdown');
    await stopped;
    // Sockets end gracefully (each is cut after a short linger at most).
    await this.sessionsGone(LINGER_MS + 1000);
    if (!(await this.inFlight.settled(settleMs))) {
      this.log.warn('server', 'closed with storage or hook calls still running', { pending: this.inFlight.size });
    }
    this.log.info('server', 'closed');
    this.events.emit('close', {});
  }

  /** Resolves when no session is left, or after `ms`. */
  private sessionsGone(ms: number): Promise<void> {
    if (this.sessionSet.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emptied = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.emptied = done;
    });
  }

  /** Keeps `work` (a storage or hook call that may outlive its reply) for close() to wait on. */
  track(work: Promise<unknown>): void {
    this.inFlight.add(work);
  }

  private accept(socket: Socket, implicitTls = false): void {
    socket.on('error', () => undefined); // a reset before the session exists is not an error
    // A plain 421 means nothing to a client expecting TLS (implicit): it is just closed.
    if (this.draining) {
      if (implicitTls) socket.destroy();
      else endGracefully(socket, `${ReplyCode.ServiceNotAvailable} Server shutting down, try again later.\r\n`);
      return;
    }
    const refusal = this.admitConnection(socket);
    if (refusal) {
      if (implicitTls) socket.destroy();
      else endGracefully(socket, `${ReplyCode.ServiceNotAvailable} ${refusal}\r\n`, 1000);
      return;
    }
    const id = String(++this.nextId).padStart(6, '0');
    const session = new Session(this, socket, id);
    this.sessionSet.add(session);
    this.log.debug('session', 'connected', { id, address: session.remoteAddress });
    session.emit('connection', {});
    // Neither path may reject: a failure closes this session and is reported.
    const failed = (error: unknown) => {
      this.reportError(error, session);
      session.end('greeting failed');
    };
    if (!implicitTls) {
      this.greet(session).catch(failed);
      return;
    }
    // Implicit FTPS: the handshake comes before the greeting.
    this.secureImplicitSession(session)
      .then((secured) => {
        if (secured && !session.closed) return this.greet(session);
      })
      .catch(failed);
  }

  private async secureImplicitSession(session: Session): Promise<boolean> {
    // Not a byte of the client's hello may reach the command reader while the engine is built.
    session.pauseReading();
    let engine: TlsEngine;
    try {
      engine = await sessionEngine(session);
    } catch (error) {
      this.reportError(error, session);
      session.end('TLS unavailable');
      return false;
    }
    return !session.closed && (await startImplicitTls(session, engine));
  }

  /** Connection-level refusal (limits, bans, lockouts): the 421 text, or undefined to accept. */
  protected admitConnection(socket: Socket): string | undefined {
    const refusal = this.security.admitConnection(socket.remoteAddress, this.sessionSet.size);
    if (refusal) this.log.warn('server', 'connection refused', { address: socket.remoteAddress, reason: refusal });
    return refusal;
  }

  private async greet(session: Session): Promise<void> {
    if (this.hooks.has('onConnect')) {
      session.pauseReading();
      const outcome = await this.hooks.run('onConnect', { session });
      if (session.closed) return;
      if (outcome.kind === 'failed') {
        this.reportError(outcome.error, session);
        session.close(session.t('localError'));
        return;
      }
      if (outcome.kind === 'reply') {
        // `{ close: true }` alone drops the connection without a word.
        const silent = outcome.code === undefined && outcome.message === undefined;
        session.close(silent ? undefined : (outcome.message ?? session.t('connectionRefused')), outcome.code ?? ReplyCode.ServiceNotAvailable);
        return;
      }
      session.resumeReading();
    }
    const greeting = this.options.greeting ?? session.t(this.options.greetingVersion ? 'greetingVersion' : 'greeting', { version: VERSION });
    session.reply(ReplyCode.ServiceReady, greeting);
  }

  reportError(error: unknown, session?: Session): void {
    this.counters.error();
    this.log.error('server', 'error', { session: session?.id, error: error instanceof Error ? error.message : String(error) });
    this.events.emit('error', { error, session });
  }

  protected override onListenerError(error: unknown, event: string | symbol): void {
    this.log.error('server', 'event listener failed', { event: String(event), error: error instanceof Error ? error.message : String(error) });
    if (event !== 'error') this.events.emit('error', { error });
  }

  sessionClosed(session: Session, reason: string): void {
    if (!this.sessionSet.delete(session)) return;
    this.security.connectionClosed(session.remoteAddress);
    if (session.user) {
      session.emit('logout', { user: session.user, reason });
      this.sessionLoggedOut(session, session.user, false);
    }
    this.log.debug('session', 'disconnected', { id: session.id, reason });
    session.emit('disconnect', { reason });
    if (this.hooks.has('onDisconnect')) {
      const ran = this.hooks.run('onDisconnect', { session }).then((outcome) => {
        if (outcome.kind === 'failed') this.reportError(outcome.error, session);
      });
      this.track(ran);
    }
    if (this.sessionSet.size === 0) this.emptied?.();
  }

  async filesystemFor(user: FtpUser, session: Session): Promise<FileSystem | undefined> {
    if (user.filesystem) return user.filesystem;
    const access = accessOptions(session); // the virtual host's storage, when HOST chose one
    const configured = access.filesystem;
    if (typeof configured === 'function') return configured(user, session);
    if (configured && user.root === undefined) return configured;
    const root = user.root ?? access.root;
    if (root === undefined) return undefined;
    let fs = this.localFileSystems.get(root);
    if (!fs) this.localFileSystems.set(root, (fs = new LocalFileSystem(root, this.options.localFileSystem)));
    return fs;
  }

  async loginFailed(session: Session, username: string, reason: LoginFailureReason): Promise<void> {
    await this.security.loginFailed(session, username, reason);
  }

  loginAllowed(session: Session, username: string): boolean {
    return this.security.loginAllowed(session, username);
  }

  commandReceived(session: Session): string | undefined {
    return this.security.commandReceived(session);
  }

  admit(session: Session, user: FtpUser): LoginRefusal | undefined {
    const refusal = this.security.admit(session, user);
    if (refusal) return refusal;
    const { maxSessions } = this.limits.limitsOf(user);
    if (maxSessions !== undefined && this.sessionsOf(user.username) >= maxSessions) {
      return { code: ReplyCode.NotLoggedIn, message: session.t('tooManyUserSessions'), close: false };
    }
    return tlsLoginRefusal(session, user);
  }

  /** Refusals dispatch runs before each command: the TLS policy (RFC 4217). */
  commandPolicy(session: Session, spec: CommandSpec, argument: string): { code: number; message: string } | undefined {
    return tlsCommandPolicy(session, spec, argument);
  }

  uploadLimit(session: Session, _path: string): Promise<{ bytes: number; kind: 'quota-exceeded' | 'no-space' }> {
    return uploadAllowance(session);
  }

  throttleFor(session: Session, direction: TransferDirection): Throttle | undefined {
    return this.limits.throttleFor(session.user, direction);
  }

  sessionLoggedIn(session: Session, user: FtpUser): void {
    this.security.loggedIn(session);
    this.sessionsByUser.set(user.username, (this.sessionsByUser.get(user.username) ?? 0) + 1);
    this.limits.loggedIn(user);
  }

  sessionLoggedOut(_session: Session, user: FtpUser, _explicit = true): void {
    const count = (this.sessionsByUser.get(user.username) ?? 1) - 1;
    if (count > 0) this.sessionsByUser.set(user.username, count);
    else {
      this.sessionsByUser.delete(user.username);
      this.limits.forget(user.username);
    }
  }

  /** Sessions currently logged in as `username`. */
  sessionsOf(username: string): number {
    return this.sessionsByUser.get(username) ?? 0;
  }
}
