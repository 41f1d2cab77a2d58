import type { FtpUser } from '../auth/types.js';
import { ENDED, TRACK_CALL } from '../fs/guard.js';
import type { FsContext } from '../fs/types.js';
import type { Session } from './session.js';

/** What a context's signal follows: a transfer, or the session itself. Both make their signal on first read. */
export interface SignalSource {
  readonly signal: AbortSignal;
  /** Whether it was stopped, without making the signal. */
  readonly stopped: boolean;
}

const SOURCE = Symbol('ftpkit.signalSource');

/**
 * `signal` is an own accessor, so `{ ...ctx }` carries it, and it is made only
 * when read. One descriptor serves every context: an object literal with its
 * own getter and setter costs about 0.8 µs to make (and a closure per context),
 * this about 0.1 µs; storage calls make one or two per command.
 */
const LAZY_SIGNAL: PropertyDescriptor = {
  get(this: StorageContext) {
    return this[SOURCE].signal;
  },
  // A backend may replace it (the type allows it): it becomes a plain property.
  set(this: StorageContext, signal: AbortSignal) {
    Object.defineProperty(this, 'signal', { value: signal, writable: true, enumerable: true, configurable: true });
  },
  enumerable: true,
  configurable: true,
};

/** The context of a session's storage calls: who asks, and a signal that fires when `source` stops. */
export class StorageContext implements FsContext {
  declare signal: AbortSignal;
  readonly [SOURCE]: SignalSource;

  constructor(
    readonly session: Session,
    readonly user: FtpUser,
    source: SignalSource,
  ) {
    this[SOURCE] = source;
    Object.defineProperty(this, 'signal', LAZY_SIGNAL);
  }

  /** The server keeps storage calls until they settle, even ones the guard gave up on (see TRACK_CALL). */
  [TRACK_CALL](work: Promise<unknown>): void {
    this.session.server.track?.(work);
  }

  /** Whether the signal fired, without making it (see ENDED). */
  [ENDED](): boolean {
    return this[SOURCE].stopped;
  }
}

/** A plain signal as a source. */
export function signalSource(signal: AbortSignal): SignalSource {
  return {
    signal,
    get stopped() {
      return signal.aborted;
    },
  };
}
