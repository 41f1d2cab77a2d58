import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { isAllowed } from '../auth/permissions.js';
import { READ_ONLY_PERMISSIONS, type FtpUser, type Permission } from '../auth/types.js';
import type { CommandSpec } from '../commands/spec.js';
import type { DataSetup, DataSocketWrapper } from '../data/data-setup.js';
import type { Transfer } from '../data/transfer.js';
import { commandsTraced, traceCommand } from '../diagnostics.js';
import type { AbortReason, FtpServerEvents } from '../events.js';
import type { FileSystem, FsContext } from '../fs/types.js';
import type { Log } from '../logger.js';
import { formatReply } from '../protocol/reply-format.js';
import { defaultMessages, fillMessage, type MessageKey } from '../protocol/messages.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import { defaultReplyTexts } from '../protocol/reply-texts.js';
import { parseCommandLine } from './command-line.js';
import { dispatch } from './dispatch.js';
import type { FtpSession, TransferStatus } from './info.js';
import { holdUntilTurnEnds } from '../net/write-batch.js';
import { endGracefully } from '../net/linger.js';
import { EXPIRE, idleClock } from './idle-clock.js';
import { LineReader, ON_LINE, ON_OVERFLOW, type LineReaderHandlers } from './line-reader.js';
import { resolvePath } from './paths.js';
import { signalSource, StorageContext } from './storage-context.js';
import type { ServerCore } from './server-core.js';

type EventPayload<K extends keyof FtpServerEvents> = Parameters<FtpServerEvents[K]>[0];
/** An event's own fields (without session and seq); distributive, so union payloads keep their variants. */
type EventFields<K extends keyof FtpServerEvents> = EventPayload<K> extends infer P ? (P extends unknown ? Omit<P, 'session' | 'seq'> : never) : never;

/** Commands pipelined during a transfer beyond this many pause reading. */
const MAX_QUEUED_LINES = 64;
/** A line this many times the limit is abuse, not a mistake: the session is closed. */
const ABUSIVE_LINE_FACTOR = 64;

/**
 * One control connection: reads command lines, runs them one at a time through
 * dispatch, and keeps the state the protocol needs between commands. While a
 * transfer runs, the control connection is still read: ABOR, STAT, QUIT and
 * NOOP are answered at once, everything else waits its turn.
 */
export class Session implements FtpSession, LineReaderHandlers {
  readonly id: string;
  readonly startedAt = new Date();
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  socket: Socket | TLSSocket;
  readonly log: Log;

  user: FtpUser | undefined;
  username: string | undefined;
  secure = false;
  protectedData = false;
  clientName: string | undefined;
  virtualHost: string | undefined;
  language = 'en';

  /** Storage of the logged-in user. */
  fs: FileSystem | undefined;
  cwd = '/';
  type: 'A' | 'I' = 'A';
  mode = 'S';
  restOffset = 0;
  renameFrom: string | undefined;
  dataSetup: DataSetup | undefined;
  /** With PROT P, turns raw data sockets into TLS streams. */
  dataWrapper: DataSocketWrapper | undefined;
  epsvAll = false;
  utf8 = true;
  /** Facts selected with OPTS MLST. */
  mlstFacts: ReadonlySet<string> | undefined;
  transfer: Transfer | undefined;
  /** Bag for extensions (TLS, limits, hashes...) to keep per-session state. */
  readonly extra: Record<string, unknown> = {};

  private readonly reader: LineReader;
  private readonly queue: string[] = [];
  private busy = false;
  private closing = false;
  private quitAfterTransfer = false;
  /** The client half-closed: answer what it sent (but start no transfer), then close. */
  private inputEnded = false;
  private seq = 0;
  private lastCode: number | undefined;
  /**
   * Aborted when the session ends. Made on first use: a session whose storage
   * and login never ask for it (the built-in user list and local disk) pays
   * for no controller, no abort event and no end-reason Error.
   */
  private lifetime: AbortController | undefined;
  /** Why the session ended, once it did. */
  private endReason: string | undefined;
  /**
   * When the idle (or login) timeout ends this session, in ms since the epoch;
   * Infinity while a transfer runs. The shared idle clock reads it.
   */
  deadline = Infinity;
  /** The login timeout counts from the connection (or REIN), not from the last command. */
  private loginDeadline: number;
  /** Commands answered while a transfer runs (ABOR, STAT...), one after another, in arrival order (none yet: no promise kept per idle session). */
  private urgent: Promise<void> | undefined;
  /** Reading is paused because the queue is full. */
  private queueFull = false;
  /** The server is shutting down: close with this text once the current command answered. */
  private drainMessage: string | undefined;
  private readonly onData = (chunk: Buffer) => {
    // Anything thrown here would be an uncaught exception in the host process.
    try {
      this.reader.push(chunk);
      // A line that never ends is never reported as too long: catch it while it grows.
      if (this.reader.pendingLength > this.server.options.maxLineLength * ABUSIVE_LINE_FACTOR) this[ON_OVERFLOW](this.reader.pendingLength);
    } catch (error) {
      this.failed(error);
    }
  };

  constructor(
    readonly server: ServerCore,
    socket: Socket,
    id: string,
  ) {
    this.id = id;
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = socket.localAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    this.log = server.log.forSession(id);
    this.reader = new LineReader(server.options.maxLineLength, this);
    socket.setNoDelay(true);
    this.loginDeadline = Date.now() + server.options.timeouts.login;
    this.attach(socket);
    this.resetTimer();
    const { login, idle } = server.options.timeouts;
    idleClock.add(this, Math.min(login, idle));
  }

  /** Whether the session ended (its signal fired), without making the signal. */
  get stopped(): boolean {
    return this.closing;
  }

  /** Aborted when the session ends: for every storage and auth call. */
  get signal(): AbortSignal {
    if (!this.lifetime) {
      this.lifetime = new AbortController();
      if (this.endReason !== undefined) this.lifetime.abort(sessionClosedError(this.endReason));
    }
    return this.lifetime.signal;
  }

  get closed(): boolean {
    return this.closing;
  }

  /** The client closed its side of the control connection: no new transfer may start. */
  get inputClosed(): boolean {
    return this.inputEnded;
  }

  /**
   * Context for filesystem calls. Its `signal` fires when `stop` does: a
   * signal, a transfer, or (by default) the session's end. A transfer's or the
   * session's signal is made only when storage reads it; the guard asks ENDED.
   */
  fsContext(stop?: AbortSignal | Transfer): FsContext {
    if (!this.user) throw new Error('fsContext before login');
    const source = stop instanceof AbortSignal ? signalSource(stop) : (stop ?? this);
    return new StorageContext(this, this.user, source);
  }

  /** Whether the logged-in user may do `permission` at `path` (server read-only mode included). */
  may(permission: Permission, path: string): boolean {
    if (!this.user) return false;
    if (this.server.options.readOnly && !READ_ONLY_PERMISSIONS.includes(permission)) return false;
    return isAllowed(this.user, permission, path);
  }

  /** Resolves a client path against the working directory, jailed to "/". */
  resolve(argument: string): string {
    return resolvePath(this.cwd, argument);
  }

  /** Next per-session event sequence number. */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Reports an event of this session: stats, diagnostics channels, then listeners (with `session` and `seq`). */
  emit<K extends keyof FtpServerEvents>(event: K, fields: EventFields<K>): void {
    this.server.observe(this, event, fields);
  }

  /** A message from the catalogue, in the session's language, placeholders filled. */
  t(key: MessageKey, params?: Readonly<Record<string, string | number>>): string {
    const { options } = this.server;
    const template = options.languages[this.language]?.[key] ?? options.messages[key] ?? defaultMessages[key];
    return fillMessage(template, params);
  }

  /** Sends a reply. Without a text, the (overridable) stock text of the code. */
  reply(code: number, text?: string | readonly string[]): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    const { options } = this.server;
    const body = text ?? options.languages[this.language]?.[code] ?? options.messages[code] ?? defaultReplyTexts[code as keyof typeof defaultReplyTexts] ?? '';
    this.lastCode = code;
    // Alone, a session's reply has nothing to be batched with: it goes out at once (no added latency).
    if (this.server.sessionCount > 1) holdUntilTurnEnds(this.socket);
    // After OPTS UTF8 OFF, names go back in the single-byte form they came in.
    this.socket.write(formatReply(code, body), this.utf8 ? 'utf8' : 'latin1');
    if (this.server.events.listenerCount('reply') > 0) {
      this.emit('reply', { code, text: typeof body === 'string' ? body : body.join('\n') });
    }
  }

  /** Shorthand: reply with a catalogue message. */
  say(code: number, key: MessageKey, params?: Readonly<Record<string, string | number>>): void {
    this.reply(code, this.t(key, params));
  }

  /** Last reply code sent (for postCommand hooks). */
  get lastReplyCode(): number | undefined {
    return this.lastCode;
  }

  /** How command lines are decoded (OPTS UTF8 OFF switches to latin1). */
  setEncoding(encoding: 'utf8' | 'latin1'): void {
    this.reader.encoding = encoding;
  }

  /** Replaces the control socket (AUTH TLS) and keeps reading from the new one. */
  replaceSocket(socket: Socket | TLSSocket): void {
    this.detach(this.socket);
    this.socket = socket;
    this.attach(socket);
  }

  /** Stops reading the control connection until `resumeReading()` (AUTH TLS hand-over). */
  pauseReading(): void {
    this.socket.off('data', this.onData);
    this.socket.pause();
  }

  /**
   * Drops every byte received but not yet run: queued command lines, the line
   * being read, and what the paused socket buffered. AUTH TLS calls it after
   * pausing, so commands a client (or an attacker in the path) pipelined in
   * the clear behind AUTH TLS are never executed inside the TLS session.
   */
  discardPendingInput(): void {
    this.queue.length = 0;
    this.reader.reset();
    while (this.socket.read() !== null) {
      // discard
    }
  }

  resumeReading(): void {
    this.socket.on('data', this.onData);
    this.socket.resume();
  }

  /** The running transfer, for the host (a snapshot). */
  get activeTransfer(): TransferStatus | undefined {
    const t = this.transfer;
    if (!t) return undefined;
    const { direction, command, path, offset } = t.info;
    return { direction, command, path, offset, bytes: t.bytes, startedAt: t.startedAt };
  }

  /** Host control: stop the running transfer (reply 426 to it). */
  abortTransfer(reason: AbortReason = 'host'): boolean {
    if (!this.transfer || this.transfer.reason) return false;
    this.transfer.abort(reason);
    return true;
  }

  /**
   * Host control: close the session. With a message, the client gets that
   * reply first (421 unless `code` says otherwise). A running transfer is
   * aborted with `reason` ("host"; "shutdown" when the server closes) and
   * answers first: the client sees 426 for the transfer, then the 421.
   */
  close(message?: string, code: number = ReplyCode.ServiceNotAvailable, reason: AbortReason = 'host'): void {
    if (this.closing) return;
    const transfer = this.transfer;
    if (transfer) {
      transfer.abort(reason);
      // An aborted transfer answers within a tick or two; the timer is only a safety net.
      const then = () => {
        clearTimeout(safety);
        if (this.transfer === transfer) this.transfer = undefined;
        this.close(message, code, reason);
      };
      const safety = setTimeout(then, 1000);
      safety.unref();
      transfer.done.then(then).catch(this.failed);
      return;
    }
    if (message !== undefined) this.reply(code, message);
    this.end(reason === 'shutdown' ? 'shutdown' : 'closed by host', reason);
  }

  /**
   * Server shutdown: ends the session with `message` (421) as soon as the
   * command in progress, its transfer included, has answered; at once when
   * idle. Commands queued behind it are not run.
   */
  closeWhenIdle(message: string): void {
    if (this.closing) return;
    this.drainMessage = message;
    if (!this.busy) this.close(message, ReplyCode.ServiceNotAvailable, 'shutdown');
  }

  /** Called by QUIT: after a running transfer ends, or now. */
  quit(): void {
    if (this.transfer) {
      this.quitAfterTransfer = true;
      return;
    }
    this.sayGoodbye();
  }

  /**
   * Marks the start of a transfer (or a long control job): the idle timer stops,
   * and ABOR, STAT, NOOP or QUIT that the client pipelined right behind the
   * command now take effect, as if they had arrived during the transfer. An
   * ABOR sent in the same packet as RETR must stop that RETR, not wait for it.
   */
  startTransfer(transfer: Transfer): void {
    this.transfer = transfer;
    this.resetTimer();
    while (this.queue.length > 0 && this.server.commands.lookup(verbOf(this.queue[0]!))?.duringTransfer) {
      this.runUrgent(this.takeQueued()!);
    }
  }

  /** Marks the end of the running transfer command; QUIT may have waited for it. */
  transferFinished(): void {
    this.transfer = undefined;
    this.resetTimer();
    if (this.quitAfterTransfer) this.sayGoodbye();
  }

  /** Closes the data setup (PASV listener, PORT target) if any. */
  closeDataSetup(): void {
    this.dataSetup?.close();
    this.dataSetup = undefined;
  }

  /** Takes the prepared data setup for a transfer (each PASV/PORT serves one). */
  takeDataSetup(): DataSetup | undefined {
    const setup = this.dataSetup;
    this.dataSetup = undefined;
    return setup;
  }

  /** Forgets the login (REIN, or a new USER). */
  logout(reason = 'rein'): void {
    if (this.user) {
      const user = this.user;
      this.emit('logout', { user, reason });
      this.server.sessionLoggedOut(this, user);
    }
    this.user = undefined;
    this.username = undefined;
    this.fs = undefined;
    this.cwd = '/';
    this.type = 'A';
    this.mode = 'S';
    this.restOffset = 0;
    this.renameFrom = undefined;
    this.epsvAll = false;
    this.mlstFacts = undefined;
    this.closeDataSetup();
    this.loginDeadline = Date.now() + this.server.options.timeouts.login;
    this.resetTimer();
  }

  /**
   * Restarts the idle (or login) timeout; none runs while a transfer is active.
   * Only a number changes: one shared clock watches every session's deadline.
   */
  resetTimer(): void {
    if (this.closing) return;
    if (this.transfer) {
      this.deadline = Infinity;
      return;
    }
    // Before login the deadline is fixed: commands must not keep an anonymous connection alive.
    this.deadline = this.user ? Date.now() + this.server.options.timeouts.idle : this.loginDeadline;
  }

  /** The idle clock found the deadline passed. */
  [EXPIRE](): void {
    if (this.transfer || this.closing) return; // the transfer has its own stall check
    try {
      this.say(ReplyCode.ServiceNotAvailable, this.user ? 'idleTimeout' : 'loginTimeout');
      this.end('timeout');
    } catch (error) {
      this.failed(error); // called from the shared clock's timer: a throw would be uncaught
    }
  }

  private sayGoodbye(): void {
    const text = this.user?.quitMessage ?? this.t('goodbye');
    this.reply(ReplyCode.ServiceClosing, text);
    this.end('quit');
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    // detach() leaves the error guard on: CCC hands the same TCP socket back.
    socket.off('error', this.onSocketError);
    socket.on('error', this.onSocketError);
    socket.on('close', this.onSocketClose);
    socket.on('end', this.onSocketEnd);
  }

  private detach(socket: Socket): void {
    socket.off('data', this.onData);
    socket.off('close', this.onSocketClose);
    socket.off('end', this.onSocketEnd);
    // Keep the error guard: a late error on the old socket must not be uncaught.
  }

  private readonly onSocketError = (error: Error) => {
    this.log.debug('session', 'control socket error', { code: (error as NodeJS.ErrnoException).code });
  };

  private readonly onSocketEnd = () => {
    this.inputEnded = true;
    // A client that closes its control connection is gone: a dying client closes
    // both connections, and its data EOF would pass for the end of an upload.
    // Stop the transfer rather than store what may be a truncated file.
    this.transfer?.abort('disconnect');
    if (!this.busy) this.end('client closed', 'disconnect');
  };

  private readonly onSocketClose = () => {
    this.end('client closed', 'disconnect');
  };

  /** A command line from the LineReader. */
  [ON_LINE](line: string): void {
    if (this.closing || this.flooding()) return;
    if (line.trim() === '') return; // an empty line is not a command
    if (!this.busy) {
      const running = this.run(line);
      // Commands that answered synchronously leave nothing running.
      if (running) this.server.track?.(running);
      return;
    }
    const spec = this.server.commands.lookup(verbOf(line));
    if (spec?.duringTransfer && this.transfer) {
      this.runUrgent(line);
      return;
    }
    this.queue.push(line);
    if (this.queue.length >= MAX_QUEUED_LINES && !this.queueFull) {
      this.queueFull = true;
      this.socket.pause();
    }
  }

  /** The next queued line; reading resumes once the queue has room again. */
  private takeQueued(): string | undefined {
    const line = this.queue.shift();
    if (this.queueFull && this.queue.length < MAX_QUEUED_LINES) {
      this.queueFull = false;
      this.socket.resume();
    }
    return line;
  }

  /**
   * Runs a command at once, beside the one in progress, but after the other
   * urgent ones: "STAT, ABOR, STAT" is answered in that order even though ABOR
   * waits for the transfer to end.
   */
  private runUrgent(line: string): void {
    this.urgent = (this.urgent ?? Promise.resolve())
      .then(() => this.runNow(line))
      .then(
        () => this.resetTimer(),
        (error: unknown) => {
          this.lastDefence(error);
          this.resetTimer();
        },
      )
      .catch(this.failed);
  }

  /** The LineReader dropped a line over the length limit. */
  [ON_OVERFLOW](length: number): void {
    if (this.closing || this.flooding()) return;
    this.log.warn('session', 'command line too long', { length });
    if (length > this.server.options.maxLineLength * ABUSIVE_LINE_FACTOR) {
      this.say(ReplyCode.ServiceNotAvailable, 'lineTooLong');
      this.end('line too long');
      return;
    }
    if (this.busy) this.queue.push('\0overflow');
    else this.say(ReplyCode.SyntaxError, 'lineTooLong');
  }

  /** Anti-flood: true (and the session closed with 421) when the server says this line is one too many. */
  private flooding(): boolean {
    const refusal = this.server.commandReceived?.(this);
    if (refusal === undefined) return false;
    this.reply(ReplyCode.ServiceNotAvailable, refusal);
    this.end('command flood');
    return true;
  }

  /**
   * Waits while the client is not reading its replies: a client that pipelines
   * commands without reading must not make the server buffer replies without
   * bound. Reading pauses once the queue fills, so the client is slowed down.
   */
  private repliesDrained(): Promise<void> {
    const socket = this.socket;
    return new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  /** The client is not reading its replies (see repliesDrained). */
  private repliesPending(): boolean {
    return this.socket.writableNeedDrain && !this.closing;
  }

  /**
   * Runs a command and then whatever was queued behind it, in order. While
   * commands answer synchronously this stays synchronous (no promise, no
   * microtask per command); the first one that waits hands the rest of the
   * queue to `runAfter`.
   */
  private run(line: string): Promise<void> | undefined {
    this.busy = true;
    let next: string | undefined = line;
    while (next !== undefined && !this.closing) {
      const pending = this.runLine(next);
      // ABOR or STAT that arrived during this command answer before the next one.
      if (pending || this.urgent || this.repliesPending()) return this.runAfter(pending);
      if (this.drainMessage !== undefined) {
        this.close(this.drainMessage, ReplyCode.ServiceNotAvailable, 'shutdown');
        break;
      }
      next = this.takeQueued();
    }
    this.idleAgain();
    return undefined;
  }

  /**
   * `run` once a command waits: each next command only after the last one
   * answered, the urgent ones too, and the client read its replies. Never
   * rejects: a bug here closes the session (see `failed`).
   */
  private async runAfter(pending: Promise<void> | undefined): Promise<void> {
    try {
      for (;;) {
        if (pending) {
          try {
            await pending;
          } catch (error) {
            this.lastDefence(error);
          }
          this.resetTimer();
        }
        if (this.urgent) await this.urgent;
        if (this.repliesPending()) await this.repliesDrained();
        if (this.closing) break;
        if (this.drainMessage !== undefined) {
          this.close(this.drainMessage, ReplyCode.ServiceNotAvailable, 'shutdown');
          break;
        }
        const next = this.takeQueued();
        if (next === undefined) break;
        pending = this.runLine(next);
      }
      this.idleAgain();
    } catch (error) {
      this.failed(error);
    }
  }

  /** No command runs any more; a client that half-closed meanwhile is done. */
  private idleAgain(): void {
    this.busy = false;
    if (this.inputEnded) this.end('client closed', 'disconnect');
  }

  /** A queued line: a command, or the marker of a line that was too long. */
  private runLine(line: string): Promise<void> | undefined {
    if (line !== '\0overflow') return this.runNow(line);
    this.say(ReplyCode.SyntaxError, 'lineTooLong');
    return undefined;
  }

  /**
   * Runs one command line. Undefined when it answered synchronously; else the
   * promise of its answer (dispatch answers every failure itself: a rejection
   * is a bug, for lastDefence), after which the caller restarts the idle timer.
   */
  private runNow(line: string): Promise<void> | undefined {
    this.resetTimer();
    let pending: void | Promise<void> = undefined;
    try {
      // No closure and no trace context per command unless an APM subscribed.
      pending = commandsTraced() ? traceCommand(this, describeLine(this, line), () => dispatch(this, line)) : dispatch(this, line);
    } catch (error) {
      this.lastDefence(error);
    }
    if (pending) return pending;
    this.resetTimer();
    return undefined;
  }

  /** dispatch answers every failure itself; this is the last line of defence. */
  private lastDefence(error: unknown): void {
    this.server.reportError(error, this);
    this.say(ReplyCode.LocalError, 'localError');
  }

  /**
   * The last resort for a bug (ours or a host extension's) outside any command:
   * report it and close this session. The host process never sees it.
   */
  private readonly failed = (error: unknown): void => {
    try {
      this.server.reportError(error, this);
    } finally {
      this.end('internal error');
    }
  };

  /**
   * Ends the session once: aborts the transfer, frees the data port, aborts
   * every pending storage or auth call, and closes the socket.
   */
  end(reason: string, transferReason?: AbortReason): void {
    if (this.closing) return;
    this.closing = true;
    idleClock.delete(this);
    this.transfer?.abort(transferReason ?? 'disconnect');
    this.closeDataSetup();
    this.endReason = reason;
    this.lifetime?.abort(sessionClosedError(reason));
    // Let the last reply go out, then make sure the socket does not linger.
    endGracefully(this.socket);
    this.server.sessionClosed(this, reason);
  }
}

/** The abort reason of a session's signal. */
function sessionClosedError(reason: string): Error {
  return new Error(`session closed: ${reason}`);
}

/** Command and argument of a line, for traces (the PASS argument never leaves). */
function describeLine(session: Session, line: string): { command: string; argument: string } {
  const verb = verbOf(line);
  const command = session.server.commands.lookup(verb)?.name ?? verb;
  const space = line.indexOf(' ');
  return { command, argument: command === 'PASS' ? '********' : space === -1 ? '' : line.slice(space + 1) };
}

/** The verb of a command line, upper-cased. */
export function verbOf(line: string): string {
  return parseCommandLine(line).verb;
}

