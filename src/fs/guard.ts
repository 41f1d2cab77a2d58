import { FtpError } from '../errors.js';
import { isThenable } from '../thenable.js';
import type { FileSystem, FsContext } from './types.js';

/** Every FileSystem method and where its context argument is. */
const CONTEXT_ARGUMENT: Readonly<Record<string, number>> = {
  stat: 1,
  list: 1,
  read: 2,
  write: 3,
  delete: 1,
  mkdir: 1,
  rmdir: 1,
  rename: 2,
  setModifiedTime: 2,
  setCreatedTime: 2,
  chmod: 2,
  hash: 2,
  availableSpace: 1,
  usedSpace: 0,
};

const guarded = new WeakMap<FileSystem, FileSystem>();

/**
 * Where a context says to keep each backend call until it settles (sessions
 * set it): the guard may give up on a call at once, but the server's close()
 * waits for the backend to settle it, within a bound, so a file handle an
 * aborted upload still holds is closed before close() resolves.
 */
export const TRACK_CALL = Symbol('ftpkit.trackCall');
type Keeper = (work: Promise<unknown>) => void;

/**
 * On a context whose signal is made on first use (a session's own lifetime):
 * whether that signal has fired, without making it.
 */
export const ENDED = Symbol('ftpkit.ended');

/**
 * The method functions a backend settles by itself at once: synchronous work
 * behind a promise (LocalFileSystem's inline metadata calls). The guard calls
 * them without a race, since an abort has nothing to cut short, and still
 * refuses them once the context is aborted. Functions, not names: a method a
 * subclass overrides is not in the set, and is raced.
 */
export const SETTLES_AT_ONCE = Symbol('ftpkit.settlesAtOnce');

type GuardedContext = FsContext & { [TRACK_CALL]?: Keeper; [ENDED]?: () => boolean };

/**
 * The filesystem as sessions call it: every call settles as soon as its
 * `ctx.signal` fires (ABOR, disconnect, timeout, shutdown), even when the
 * backend ignores the signal and never settles itself, so a stuck backend can
 * hold a session only until the session's own timeouts end it. Everything
 * else passes through untouched: a method is present exactly when the
 * backend has it, and a host's own extra methods stay reachable.
 */
export function guardFileSystem(fs: FileSystem): FileSystem {
  const existing = guarded.get(fs);
  if (existing) return existing;
  const methods = new Map<PropertyKey, unknown>();
  const proxy = new Proxy(fs, {
    get(target, key) {
      // The backend itself is `this` for everything (classes with #private fields work).
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      let wrapped = methods.get(key) as { inner?: unknown } | undefined;
      if (wrapped?.inner !== value) {
        const at = typeof key === 'string' && Object.hasOwn(CONTEXT_ARGUMENT, key) ? CONTEXT_ARGUMENT[key] : undefined;
        const call = value as (...args: unknown[]) => unknown;
        const atOnce = (target as { [SETTLES_AT_ONCE]?: ReadonlySet<unknown> })[SETTLES_AT_ONCE]?.has(value) === true;
        const guard = atOnce ? callUnlessAborted : callUntilAborted;
        wrapped = Object.assign(at === undefined ? call.bind(target) : guard(target, call, at), { inner: value });
        methods.set(key, wrapped);
      }
      return wrapped;
    },
  });
  guarded.set(fs, proxy);
  return proxy;
}

function callUnlessAborted(target: FileSystem, method: (...args: unknown[]) => unknown, at: number) {
  return function (...args: unknown[]): unknown {
    const ctx = args[at] as GuardedContext | undefined;
    if (ctx && isAborted(ctx)) return Promise.reject(abortError(ctx.signal));
    return method.apply(target, args);
  };
}

function isAborted(ctx: GuardedContext): boolean {
  // Called on the context: it may be a method.
  return ctx[ENDED] ? ctx[ENDED]() : ctx.signal?.aborted === true;
}

function callUntilAborted(target: FileSystem, method: (...args: unknown[]) => unknown, at: number) {
  return function (...args: unknown[]): unknown {
    const ctx = args[at] as GuardedContext | undefined;
    if (!ctx) return method.apply(target, args);
    if (isAborted(ctx)) return Promise.reject(abortError(ctx.signal));
    const result = method.apply(target, args);
    // The entries of a listing (an iterable, not a promise) are not raced one
    // by one (a million of them would pay for it): listings run inside a
    // transfer, whose own race against the abort already frees the session.
    if (!isThenable(result)) return result;
    const work = result as Promise<unknown>;
    ctx[TRACK_CALL]?.(work);
    const signal = ctx.signal;
    return signal ? untilAborted(work, signal) : work;
  };
}

/** Settles with `promise`, or rejects (aborted) as soon as `signal` fires. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      // The backend may still settle later: its rejection must not go unhandled.
      promise.catch(() => undefined);
      reject(abortError(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function abortError(signal: AbortSignal): FtpError {
  return new FtpError('aborted', undefined, { cause: signal.reason });
}
