import { EventEmitter } from 'eventemitter3';
import type { AddressInfo } from 'node:net';
import type { FtpUser } from './auth/types.js';
import type { SessionInfo } from './session/info.js';

/** Every session event carries the session and its per-session sequence number. */
export interface SessionEvent<U extends FtpUser = FtpUser> {
  session: SessionInfo<U>;
  /** Increases by one with each event of this session: orders events reliably. */
  seq: number;
}

export type TransferDirection = 'download' | 'upload' | 'listing';
export type AbortReason = 'abor' | 'disconnect' | 'error' | 'timeout' | 'shutdown' | 'host';
export type LoginFailureReason = 'bad-credentials' | 'auth-error' | 'auth-timeout' | 'throttled' | 'not-allowed' | 'no-storage';

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
  logout: (event: SessionEvent<U> & { user: U }) => void;
  /** A command line was received (the PASS argument is always redacted). */
  command: (event: SessionEvent<U> & { command: string; argument: string }) => void;
  reply: (event: SessionEvent<U> & { code: number; text: string }) => void;
  transferStart: (event: TransferEvent<U>) => void;
  transferProgress: (event: TransferEvent<U> & { bytes: number }) => void;
  transferEnd: (event: TransferEvent<U> & { bytes: number; durationMs: number }) => void;
  transferAborted: (event: TransferEvent<U> & { bytes: number; reason: AbortReason; error?: unknown }) => void;
  fileDeleted: (event: SessionEvent<U> & { path: string }) => void;
  directoryCreated: (event: SessionEvent<U> & { path: string }) => void;
  directoryRemoved: (event: SessionEvent<U> & { path: string }) => void;
  renamed: (event: SessionEvent<U> & { from: string; to: string }) => void;
  disconnect: (event: SessionEvent<U> & { reason: string }) => void;
  /** Something failed that the host may want to know about; the server keeps running. */
  error: (event: { error: unknown; session?: SessionInfo<U> | undefined }) => void;
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
        if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
          (result as PromiseLike<unknown>).then(undefined, report);
        }
      } catch (error) {
        report(error);
      }
    };
    this.guards.set(original, guarded);
    return guarded as F;
  }
}
