import { EventEmitter } from 'eventemitter3';
import type { AddressInfo } from 'node:net';
import type { FtpUser } from './auth/types.js';
import type { FtpSession } from './session/info.js';
import { isThenable } from './thenable.js';

/** Every session event carries the session and its per-session sequence number. */
export interface SessionEvent<U extends FtpUser = FtpUser> {
  /** Who (id, addresses, user, TLS state, client name), with host control (`close()`...). */
  session: FtpSession<U>;
  /** Increases by one with each event of this session: orders events reliably. */
  seq: number;
}

export type TransferDirection = 'download' | 'upload' | 'listing';
/**
 * Why a transfer stopped early: the client's ABOR, a broken connection, a
 * storage or network error, the stalled-transfer timeout, server shutdown,
 * the host (`session.abortTransfer()`, `session.close()`), a limit (maximum
 * file size, quota), or a `beforeUploadCommit` veto.
 */
export type AbortReason = 'abor' | 'disconnect' | 'error' | 'timeout' | 'shutdown' | 'host' | 'limit' | 'rejected';
/**
 * Why a login failed: wrong user or password, the authenticate hook threw or
 * took too long, login throttling, refused after authentication (session
 * limit, address, TLS requirement), or no storage for the user.
 */
export type LoginFailureReason = 'bad-credentials' | 'auth-error' | 'auth-timeout' | 'throttled' | 'not-allowed' | 'no-storage';

/** What SITE CHMOD / MFF UNIX.mode (`mode`), MFMT / SITE UTIME / MFF modify (`modified`) or MFCT / MFF create (`created`) changed. */
export type AttributeChange = { attribute: 'mode'; mode: number } | { attribute: 'modified' | 'created'; time: Date };

export interface TransferEvent<U extends FtpUser = FtpUser> extends SessionEvent<U> {
  direction: TransferDirection;
  /** The FTP command (RETR, STOR, APPE, STOU, LIST, NLST, MLSD). */
  command: string;
  /** Virtual path of the file or listed directory. */
  path: string;
  /** Restart offset (REST) the transfer began at. */
  offset: number;
}

export interface FtpServerEvents<U extends FtpUser = FtpUser> {
  listening: (event: { address: AddressInfo; implicitTls: boolean }) => void;
  connection: (event: SessionEvent<U>) => void;
  login: (event: SessionEvent<U> & { user: U }) => void;
  loginFailed: (event: SessionEvent<U> & { username: string; reason: LoginFailureReason }) => void;
  /** A logged-in user left: QUIT, REIN, a new USER, or the connection ended (`reason`). */
  logout: (event: SessionEvent<U> & { user: U; reason: string }) => void;
  /** A command line was received (the PASS argument is always redacted). */
  command: (event: SessionEvent<U> & { command: string; argument: string }) => void;
  reply: (event: SessionEvent<U> & { code: number; text: string }) => void;
  transferStart: (event: TransferEvent<U>) => void;
  /** Throttled: at most once per `progress.intervalMs`, and only after `progress.bytes` more bytes moved. */
  transferProgress: (event: TransferEvent<U> & { bytes: number; durationMs: number }) => void;
  transferEnd: (event: TransferEvent<U> & { bytes: number; durationMs: number }) => void;
  /** The transfer failed or was stopped; `code` is the reply the client got. */
  transferAborted: (event: TransferEvent<U> & { bytes: number; durationMs: number; reason: AbortReason; code: number; error?: unknown }) => void;
  fileDeleted: (event: SessionEvent<U> & { path: string }) => void;
  directoryCreated: (event: SessionEvent<U> & { path: string }) => void;
  directoryRemoved: (event: SessionEvent<U> & { path: string }) => void;
  renamed: (event: SessionEvent<U> & { from: string; to: string }) => void;
  /** Permissions (SITE CHMOD, MFF) or a time (MFMT, MFCT, MFF, SITE UTIME) of `path` changed. */
  attributesChanged: (event: SessionEvent<U> & { command: string; path: string } & AttributeChange) => void;
  disconnect: (event: SessionEvent<U> & { reason: string }) => void;
  /** Something failed that the host may want to know about; the server keeps running. */
  error: (event: { error: unknown; session?: FtpSession<U> | undefined }) => void;
  close: (event: Record<string, never>) => void;
}

type Names<E extends object> = EventEmitter.EventNames<E>;
type Listener<E extends object, T extends Names<E>> = EventEmitter.EventListener<E, T>;
type AnyFn = (...args: unknown[]) => unknown;

/**
 * An eventemitter3 emitter whose listeners cannot hurt the emitter: each one is
 * wrapped so a synchronous throw or a rejected promise is reported as an 'error'
 * event (or logged, for 'error' listeners themselves) instead of escaping
 * `emit()` into a session, or becoming an unhandled rejection.
 */
export class GuardedEmitter<E extends object> extends EventEmitter<E> {
  private readonly guards = new WeakMap<AnyFn, AnyFn>();

  /** Called with whatever a listener threw or rejected with. */
  protected onListenerError(_error: unknown, _event: string | symbol): void {}

  override on<T extends Names<E>>(event: T, fn: Listener<E, T>, context?: unknown): this {
    return super.on(event, this.guard(event as string | symbol, fn), context);
  }

  override addListener<T extends Names<E>>(event: T, fn: Listener<E, T>, context?: unknown): this {
    return super.addListener(event, this.guard(event as string | symbol, fn), context);
  }

  override once<T extends Names<E>>(event: T, fn: Listener<E, T>, context?: unknown): this {
    return super.once(event, this.guard(event as string | symbol, fn), context);
  }

  override off<T extends Names<E>>(event: T, fn?: Listener<E, T>, context?: unknown, once?: boolean): this {
    return super.off(event, fn && this.guardOf(fn), context, once);
  }

  override removeListener<T extends Names<E>>(event: T, fn?: Listener<E, T>, context?: unknown, once?: boolean): this {
    return super.removeListener(event, fn && this.guardOf(fn), context, once);
  }

  private guardOf<F>(fn: F): F {
    return (this.guards.get(fn as AnyFn) as F | undefined) ?? fn;
  }

  private guard<F>(event: string | symbol, fn: F): F {
    const existing = this.guards.get(fn as AnyFn);
    if (existing) return existing as F;
    const report = (error: unknown) => this.onListenerError(error, event);
    const original = fn as AnyFn;
    const guarded = function (this: unknown, ...args: unknown[]) {
      try {
        const result = original.apply(this, args);
        if (isThenable(result)) result.then(undefined, report);
      } catch (error) {
        report(error);
      }
    };
    this.guards.set(original, guarded);
    return guarded as F;
  }
}
