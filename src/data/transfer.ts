import type { Duplex } from 'node:stream';
import type { FtpUser } from '../auth/types.js';
import { errorToReply, isFtpError } from '../errors.js';
import type { AbortReason, TransferDirection } from '../events.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { ByteCounter } from './byte-counter.js';
import { DataConnectionError } from './data-setup.js';
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

/** One running data transfer: what ABOR, STAT and events look at. */
export class Transfer {
  readonly startedAt = Date.now();
  reason: AbortReason | undefined;
  private readonly controller = new AbortController();
  private counter: ByteCounter | undefined;
  /** Bytes counted without a stream stage (see `sendTo`). */
  readonly tally: Tally = { bytes: 0 };
  private settle!: () => void;
  /** Resolves once the transfer command sent its final reply. */
  readonly done = new Promise<void>((resolve) => (this.settle = resolve));

  constructor(readonly info: TransferInfo) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get bytes(): number {
    return this.counter?.bytes ?? this.tally.bytes;
  }

  /** A pass-through that counts the bytes of this transfer (and enforces a limit). */
  count(limit?: number, onLimit?: () => Error): ByteCounter {
    this.counter = new ByteCounter(limit, onLimit);
    return this.counter;
  }

  abort(reason: AbortReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort(new TransferAbortError(reason));
  }

  finish(): void {
    this.settle();
  }
}

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
  const { options } = session.server;
  const transfer = new Transfer(info);
  session.transfer = transfer;
  session.resetTimer();
  session.reply(ReplyCode.FileStatusOkay, info.opening);
  const base = { direction: info.direction, command: info.command, path: info.path, offset: info.offset };
  session.emit('transferStart', base);

  let stream: Duplex | undefined;
  let dataBroken = false;
  const watch = watchProgress(session, transfer, base);
  try {
    stream = await setup.open(options.timeouts.dataConnection, transfer.signal);
    const data = stream;
    data.on('error', () => (dataBroken = true));
    data.on('close', () => {
      if (!data.writableFinished && info.direction !== 'upload') dataBroken = true;
    });
    const destroy = () => data.destroy();
    transfer.signal.addEventListener('abort', destroy, { once: true });
    const work = body(data, transfer);
    work.catch(() => undefined); // settled below or abandoned after an abort
    await Promise.race([work, aborted(transfer.signal)]);
    const closing = info.closing ?? session.t(info.direction === 'listing' ? 'listingComplete' : 'transferComplete');
    session.reply(ReplyCode.ClosingDataConnection, closing);
    session.emit('transferEnd', { ...base, bytes: transfer.bytes, durationMs: Date.now() - transfer.startedAt });
  } catch (error) {
    const reason = transfer.reason ?? (dataBroken || stream === undefined ? 'disconnect' : 'error');
    if (error instanceof DataConnectionError && !transfer.reason) {
      session.reply(ReplyCode.CannotOpenDataConnection, error.reason === 'timeout' ? session.t('dataConnectionTimeout') : error.message);
    } else if (transfer.reason || (dataBroken && !(isFtpError(error) && error.kind !== 'aborted'))) {
      // A deliberate storage refusal (quota, veto) keeps its own reply even though
      // the data connection was cut to stop the upload.
      session.say(ReplyCode.TransferAborted, transfer.reason === 'timeout' ? 'transferStalled' : 'transferAborted');
    } else {
      const { code, text } = errorToReply(error);
      if (code === ReplyCode.LocalError) session.server.reportError(error, session);
      session.reply(code, text);
    }
    session.emit('transferAborted', { ...base, bytes: transfer.bytes, reason, error });
  } finally {
    clearInterval(watch);
    stream?.destroy();
    setup.close();
    transfer.finish();
    session.transferFinished();
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/**
 * One timer per transfer (never one per chunk): emits throttled progress and
 * aborts a transfer whose bytes stopped moving for the stall timeout.
 */
function watchProgress(session: Session, transfer: Transfer, base: Omit<import('../events.js').TransferEvent<FtpUser>, 'session' | 'seq'>): NodeJS.Timeout {
  const { stalledTransfer } = session.server.options.timeouts;
  const period = Math.min(1000, Math.max(50, stalledTransfer / 4));
  let lastBytes = -1;
  let lastMove = Date.now();
  const timer = setInterval(() => {
    const bytes = transfer.bytes;
    const now = Date.now();
    if (bytes !== lastBytes) {
      if (lastBytes >= 0) session.emit('transferProgress', { ...base, bytes });
      lastBytes = bytes;
      lastMove = now;
    } else if (now - lastMove >= stalledTransfer) {
      transfer.abort('timeout');
    }
  }, period);
  timer.unref();
  return timer;
}
