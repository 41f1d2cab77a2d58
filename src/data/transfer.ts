import type { Duplex } from 'node:stream';
import type { FtpUser } from '../auth/types.js';
import { errorToReply, isFtpError } from '../errors.js';
import { traceTransfer, transfersTraced, type TransferTrace } from '../diagnostics.js';
import type { AbortReason, TransferDirection, TransferEvent } from '../events.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { ByteCounter, type ChunkCheck, type Throttle } from './byte-counter.js';
import { DataConnectionError, type Abortable, type DataSetup } from './data-setup.js';
import type { Tally } from './pump.js';

export interface TransferInfo {
  direction: TransferDirection;
  command: string;
  path: string;
  offset: number;
  /** Text of the 150 reply. */
  opening: string;
  /** Text of the 226 reply (default: "Transfer complete."). */
  closing?: string;
}

/** Why a transfer was stopped from outside (ABOR, shutdown, stall...). */
export class TransferAbortError extends Error {
  constructor(readonly reason: AbortReason) {
    super(`transfer aborted: ${reason}`);
    this.name = 'AbortError';
  }
}

/**
 * One running data transfer: what ABOR, STAT and events look at.
 *
 * Stopping it is internal and cheap (a flag and a short listener list): the
 * transfer path itself never makes an AbortSignal. One is made only when
 * storage or a host reads `signal` (a write, a host filesystem), and it fires
 * with the transfer.
 */
export class Transfer implements Abortable {
  readonly startedAt = Date.now();
  /** Why it was stopped from outside (ABOR, timeout, shutdown, host). */
  reason: AbortReason | undefined;
  /** Why it failed from inside, when the body knows better than "error" (limit, rejected). */
  failure: AbortReason | undefined;
  /** The error that decides the reply of such a failure, even if the client left meanwhile. */
  failureError: unknown;
  private controller: AbortController | undefined;
  private listeners: (() => void)[] | undefined;
  private stopError: TransferAbortError | undefined;
  private counter: ByteCounter | undefined;
  private failedFirst: 'data' | 'storage' | undefined;
  /** Bytes counted without a stream stage (see `sendTo`, `Intake`). */
  readonly tally: Tally = { bytes: 0 };
  private finished = false;
  private settle: (() => void) | undefined;
  private settled: Promise<void> | undefined;

  constructor(readonly info: TransferInfo) {}

  get aborted(): boolean {
    return this.reason !== undefined;
  }

  /** The same as `aborted` (what a storage context asks, see StorageContext). */
  get stopped(): boolean {
    return this.reason !== undefined;
  }

  /** The error a stopped transfer fails with (the signal's reason). */
  get abortError(): TransferAbortError {
    return (this.stopError ??= new TransferAbortError(this.reason ?? 'host'));
  }

  /** For storage and hosts: fires when the transfer is stopped. Made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortError);
    }
    return this.controller.signal;
  }

  /** Calls `listener` once when the transfer is stopped (at once if it was); returns how to unsubscribe. */
  onAbort(listener: () => void): () => void {
    if (this.aborted) {
      listener();
      return noop;
    }
    const listeners = (this.listeners ??= []);
    listeners.push(listener);
    return () => {
      const at = listeners.indexOf(listener);
      if (at !== -1) listeners.splice(at, 1);
    };
  }

  /** Rejects with the abort error once the transfer is stopped. */
  whenAborted(): Promise<never> {
    return new Promise((_, reject) => this.onAbort(() => reject(this.abortError)));
  }

  /** Resolves once the transfer command sent its final reply. */
  get done(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return (this.settled ??= new Promise<void>((resolve) => (this.settle = resolve)));
  }

  get bytes(): number {
    return this.counter?.bytes ?? this.tally.bytes;
  }

  /** A chunk waits for the rate limit (see ByteCounter). */
  get holding(): boolean {
    return this.counter?.holding === true;
  }

  /** Rate limit for this transfer (user and server buckets), set before the body runs. */
  throttle: Throttle | undefined;

  /** A pass-through that counts the bytes of this transfer, throttles them, and enforces `check`. */
  count(check?: ChunkCheck): ByteCounter {
    this.counter = new ByteCounter(check, this.throttle);
    return this.counter;
  }

  /** The body failed for a known reason (a limit, a veto): that error answers the client. */
  fail(reason: AbortReason, error: unknown): unknown {
    if (!this.failure) {
      this.failure = reason;
      this.failureError = error;
    }
    return error;
  }

  /**
   * Which side failed first: the data connection (the client went away: 426)
   * or storage (a local error: its own reply, and the host is told). Whichever
   * fails first tears the other down, so only the first one says what happened.
   */
  noteFailure(side: 'data' | 'storage', error?: unknown): void {
    // A premature close or a reset on the storage side was put there by the
    // teardown of a data connection that ended first (it may have just finished).
    if (side === 'storage' && isConnectionError(error)) return;
    this.failedFirst ??= side;
  }

  get storageFailedFirst(): boolean {
    return this.failedFirst === 'storage';
  }

  abort(reason: AbortReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller?.abort(this.abortError);
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners) for (const listener of listeners) listener();
  }

  finish(): void {
    this.finished = true;
    this.settle?.();
  }
}

function noop(): void {}

/**
 * The life of every data transfer, one place for all of them: 150 before the
 * data connection (and its TLS handshake) is awaited, then the body, then 226 —
 * or 425 when the connection never came, 426 when it broke or ABOR stopped it,
 * and the storage error's own reply otherwise. The control connection stays
 * readable throughout, and nothing here can leave the session stuck: if
 * storage ignores the abort signal, the reply is sent anyway.
 */
export async function runTransfer(
  session: Session,
  info: TransferInfo,
  body: (stream: Duplex, transfer: Transfer) => Promise<void>,
): Promise<void> {
  const setup = session.takeDataSetup();
  if (!setup) {
    session.say(ReplyCode.CannotOpenDataConnection, 'noDataConnection');
    return;
  }
  if (session.inputClosed) {
    // The client closed its control connection before this transfer began.
    setup.close();
    session.say(ReplyCode.TransferAborted, 'transferAborted');
    return;
  }
  const transfer = new Transfer(info);
  transfer.throttle = session.server.throttleFor(session, info.direction);
  const base = { direction: info.direction, command: info.command, path: info.path, offset: info.offset };
  // No trace context (nor closure) per transfer unless an APM subscribed.
  if (!transfersTraced()) return carry(session, setup, transfer, base, body, undefined);
  await traceTransfer({ session, ...base, bytes: 0 }, (trace) => carry(session, setup, transfer, base, body, trace));
}

type TransferBase = Omit<TransferEvent<FtpUser>, 'session' | 'seq'>;

async function carry(
  session: Session,
  setup: DataSetup,
  transfer: Transfer,
  base: TransferBase,
  body: (stream: Duplex, transfer: Transfer) => Promise<void>,
  trace: TransferTrace | undefined,
): Promise<void> {
  const { options } = session.server;
  const { info } = transfer;
  session.startTransfer(transfer);
  const handshake = setup.handshakeInFlight?.();
  if (handshake) await settledWithin(handshake, STARTED_HANDSHAKE_GRACE_MS);
  session.reply(ReplyCode.FileStatusOkay, info.opening);
  session.emit('transferStart', base);

  let stream: Duplex | undefined;
  let dataBroken = false;
  const watch = watchProgress(session, transfer, base);
  try {
    stream = await setup.open(options.timeouts.dataConnection, transfer);
    // The client connected early and has closed again: nothing would ever flow (or
    // fail) on it, so the transfer would wait for the stall timeout. Say so now.
    // (An upload that already ended cleanly is an empty file: that is fine.)
    const emptyUpload = info.direction === 'upload' && stream.readableEnded && !stream.errored;
    if (stream.destroyed && !emptyUpload) throw new DataConnectionError(session.t('dataConnectionFailed'), 'failed');
    const data = stream;
    const broken = () => {
      dataBroken = true;
      transfer.noteFailure('data');
    };
    data.on('error', broken);
    data.on('close', () => {
      if (!data.writableFinished && info.direction !== 'upload') broken();
    });
    transfer.onAbort(() => data.destroy());
    const work = body(data, transfer);
    work.catch(() => undefined); // settled below or abandoned after an abort
    // After an abort the reply goes out at once; storage may still be closing a file.
    session.server.track?.(work);
    await Promise.race([work, transfer.whenAborted()]);
    const closing = info.closing ?? session.t(info.direction === 'listing' ? 'listingComplete' : 'transferComplete');
    session.reply(ReplyCode.ClosingDataConnection, closing);
    if (trace) Object.assign(trace, { bytes: transfer.bytes, code: ReplyCode.ClosingDataConnection });
    session.emit('transferEnd', { ...base, bytes: transfer.bytes, durationMs: Date.now() - transfer.startedAt });
  } catch (error) {
    // Stream errors can reject the pipeline before the socket's own events ran.
    if (isConnectionError(error)) dataBroken = true;
    // Storage that failed first tore the data connection down itself: that is not the client leaving.
    if (transfer.storageFailedFirst) dataBroken = false;
    let reason: AbortReason;
    let code: number;
    if (error instanceof DataConnectionError && !transfer.reason) {
      reason = error.reason === 'timeout' ? 'timeout' : 'disconnect';
      code = error.code;
      session.reply(code, error.reason === 'timeout' ? session.t('dataConnectionTimeout') : error.message);
    } else if (!transfer.failure && (transfer.reason || (dataBroken && !(isFtpError(error) && error.kind !== 'aborted')))) {
      // A deliberate storage refusal (quota, veto) keeps its own reply even though
      // the data connection was cut to stop the upload.
      reason = transfer.reason ?? 'disconnect';
      code = ReplyCode.TransferAborted;
      session.say(code, transfer.reason === 'timeout' ? 'transferStalled' : 'transferAborted');
    } else {
      // A limit or a veto came first (even if the client then left), else the
      // storage error decided the reply, so it decides the reason too.
      reason = transfer.failure ?? (stream === undefined || isConnectionError(error) ? 'disconnect' : 'error');
      const reply = errorToReply(transfer.failure ? transfer.failureError : error, (key) => session.t(key));
      code = reply.code;
      if (code === ReplyCode.LocalError) session.server.reportError(error, session);
      session.reply(code, reply.text);
    }
    if (trace) Object.assign(trace, { bytes: transfer.bytes, code, reason });
    session.emit('transferAborted', { ...base, bytes: transfer.bytes, durationMs: Date.now() - transfer.startedAt, reason, code, error });
  } finally {
    clearInterval(watch);
    stream?.destroy();
    setup.close();
    transfer.finish();
    session.transferFinished();
  }
}

/**
 * How long 150 may wait for a data TLS handshake the client already started.
 * A handshake in flight needs nothing from the control connection, so this
 * cannot deadlock; the bound only caps the cost for an odd client.
 */
const STARTED_HANDSHAKE_GRACE_MS = 2000;

function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}

const CONNECTION_ERRORS = new Set(['ERR_STREAM_PREMATURE_CLOSE', 'ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);

/** An error of the data connection itself (the peer went away), not of storage. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && CONNECTION_ERRORS.has(code);
}

/**
 * One timer per transfer (never one per chunk): emits progress at most once
 * per `progress.intervalMs` and only after `progress.bytes` more bytes moved
 * (when given the event fields), and aborts a transfer whose bytes stopped
 * moving for the stall timeout. Long control jobs (HASH) are watched the same
 * way, so storage that hangs can never hold a session forever.
 */
export function watchProgress(session: Session, transfer: Transfer, base?: TransferBase): NodeJS.Timeout {
  const { timeouts, progress } = session.server.options;
  const stalled = timeouts.stalledTransfer;
  const period = Math.max(10, Math.min(progress.intervalMs, Math.max(50, stalled / 4), 1000));
  const step = Math.max(1, progress.bytes);
  let reportedBytes = 0;
  let reportedAt = transfer.startedAt;
  let lastBytes = 0;
  let lastMove = transfer.startedAt;
  const timer = setInterval(() => {
    const bytes = transfer.bytes;
    const now = Date.now();
    // A chunk held back by a rate limit counts as moving: a slow rate (or a
    // bucket shared by many sessions) may hold one longer than the stall timeout.
    if (bytes !== lastBytes || transfer.holding) {
      lastBytes = bytes;
      lastMove = now;
    } else if (now - lastMove >= stalled) {
      transfer.abort('timeout');
      return;
    }
    if (base && bytes - reportedBytes >= step && now - reportedAt >= progress.intervalMs) {
      reportedBytes = bytes;
      reportedAt = now;
      session.emit('transferProgress', { ...base, bytes, durationMs: now - transfer.startedAt });
    }
  }, period);
  timer.unref();
  return timer;
}
