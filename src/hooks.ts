import type { FtpUser } from './auth/types.js';
import type { FileSystem } from './fs/types.js';
import type { FtpSession } from './session/info.js';

/** A reply a hook answers with instead of the server's own. */
export interface HookReply {
  /** A final reply code, 200 to 599 (a 1xx would leave the client waiting). */
  code: number;
  /** The text; CR/LF inside it can never start a second reply. */
  message: string;
}

export interface ConnectHookContext<U extends FtpUser = FtpUser> {
  session: FtpSession<U>;
}

export interface CommandHookContext<U extends FtpUser = FtpUser> {
  session: FtpSession<U>;
  /** Canonical command (XMKD arrives here as MKD, so a veto cannot be bypassed by an alias). */
  command: string;
  /** What the client typed as the verb. */
  verb: string;
  /** The argument as typed ("********" for PASS: hooks never see passwords). */
  argument: string;
  /** The resolved virtual path, for commands that take one. */
  path: string | undefined;
}

export interface PostCommandHookContext<U extends FtpUser = FtpUser> extends CommandHookContext<U> {
  /** The last reply code sent for this command. */
  code: number | undefined;
}

/**
 * What `beforeUploadCommit` gets. It is also an `FsContext`, so a hook can read
 * the stored file back to scan it: `await filesystem.read(path, { start: 0 }, ctx)`.
 */
export interface UploadCommitContext<U extends FtpUser = FtpUser> {
  session: FtpSession<U>;
  user: U;
  /** The user's storage, as the session calls it. */
  filesystem: FileSystem;
  /** Fires when the session ends: stop scanning. */
  signal: AbortSignal;
  /** STOR, APPE or STOU. */
  command: string;
  /** Virtual path of the stored file: read it through the user's filesystem to scan it. */
  path: string;
  /** Bytes received in this upload. */
  bytes: number;
  /** Restart offset (REST) the upload was written at; 0 for a whole file. */
  offset: number;
  /** The upload extended the file (APPE) instead of replacing it. */
  append: boolean;
}

/** Refuse the connection: the client gets `code` (421 by default) and `message`, then it is closed. */
export type ConnectVerdict = Partial<HookReply> & { close?: boolean };
/**
 * Answer instead of running the command: `code` and `message` (550 and
 * "Permission denied." by default); with `close: true` the session then ends
 * (a verdict of only `{ close: true }` ends it without a reply).
 */
export type CommandVerdict = Partial<HookReply> & { close?: boolean };
/**
 * Reject a stored upload: the client gets `code` (550 by default; only 4xx and
 * 5xx are accepted) and `message` instead of 226. The file is deleted unless
 * `keep` is true (the hook moved it to quarantine, or wants it kept).
 */
export type UploadVerdict = Partial<HookReply> & { keep?: boolean };

type Verdict<V> = void | undefined | V | Promise<void | undefined | V>;

export type ConnectHook<U extends FtpUser = FtpUser> = (ctx: ConnectHookContext<U>) => Verdict<ConnectVerdict>;
export type PreCommandHook<U extends FtpUser = FtpUser> = (ctx: CommandHookContext<U>) => Verdict<CommandVerdict>;
export type PostCommandHook<U extends FtpUser = FtpUser> = (ctx: PostCommandHookContext<U>) => void | Promise<void>;
export type UploadCommitHook<U extends FtpUser = FtpUser> = (ctx: UploadCommitContext<U>) => Verdict<UploadVerdict>;
export type DisconnectHook<U extends FtpUser = FtpUser> = (ctx: ConnectHookContext<U>) => void | Promise<void>;

export interface HookTypes<U extends FtpUser = FtpUser> {
  /** Before the greeting; may refuse the connection. */
  onConnect: ConnectHook<U>;
  /** After every check, before the handler; may answer instead, or disconnect. */
  preCommand: PreCommandHook<U>;
  /** After the command replied; observes only. */
  postCommand: PostCommandHook<U>;
  /** After an upload is stored, before 226; may reject it. */
  beforeUploadCommit: UploadCommitHook<U>;
  /** After the session ended; observes only. */
  onDisconnect: DisconnectHook<U>;
}

export type HookName = keyof HookTypes;
export type HookOptions<U extends FtpUser = FtpUser> = { [K in HookName]?: HookTypes<U>[K] | readonly HookTypes<U>[K][] };

/** What running a hook list decided. */
export type HookOutcome =
  | { kind: 'continue' }
  | { kind: 'reply'; code: number | undefined; message: string | undefined; close: boolean; keep: boolean }
  | { kind: 'failed'; error: unknown };

export class HookTimeoutError extends Error {
  constructor(name: string, ms: number) {
    super(`hook ${name} did not settle within ${ms} ms`);
    this.name = 'HookTimeoutError';
  }
}

/** Hooks that only observe: every one runs, even after another failed. */
const OBSERVERS: ReadonlySet<HookName> = new Set(['postCommand', 'onDisconnect']);

/**
 * Hooks decide, in registration order, each awaited within a time limit. The
 * first one that returns a verdict wins; a throwing or hanging hook (or one
 * returning an impossible reply code) is reported as a failure for the caller
 * to turn into a reply, never a crash.
 */
export class HookRunner<U extends FtpUser = FtpUser> {
  private readonly lists: { [K in HookName]: HookTypes<U>[K][] } = {
    onConnect: [],
    preCommand: [],
    postCommand: [],
    beforeUploadCommit: [],
    onDisconnect: [],
  };

  constructor(
    options: HookOptions<U>,
    private readonly timeoutMs: () => number,
  ) {
    for (const name of Object.keys(options) as HookName[]) {
      const given = options[name];
      if (given) for (const fn of Array.isArray(given) ? given : [given]) this.add(name, fn as never);
    }
  }

  /** Adds a hook at the end of its list; returns a function that removes it. */
  add<K extends HookName>(name: K, fn: HookTypes<U>[K]): () => void {
    if (!Object.hasOwn(this.lists, name)) throw new TypeError(`unknown hook ${String(name)}`);
    if (typeof fn !== 'function') throw new TypeError(`hook ${name} must be a function`);
    const list = this.lists[name] as HookTypes<U>[K][];
    list.push(fn);
    return () => {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    };
  }

  has(name: HookName): boolean {
    return this.lists[name].length > 0;
  }

  /** Runs the hooks of `name` in order. Never rejects: a failure is an outcome. */
  async run<K extends HookName>(name: K, ctx: Parameters<HookTypes<U>[K]>[0]): Promise<HookOutcome> {
    const observer = OBSERVERS.has(name);
    let failure: HookOutcome | undefined;
    // A copy: a hook that removes itself must not make the next one skipped.
    for (const fn of [...this.lists[name]] as ((ctx: unknown) => unknown)[]) {
      let outcome: HookOutcome | undefined;
      try {
        const verdict = await withTimeout(Promise.resolve().then(() => fn(ctx)), this.timeoutMs(), name);
        outcome = observer ? undefined : readVerdict(name, verdict);
      } catch (error) {
        failure ??= { kind: 'failed', error };
        if (observer) continue;
        return failure;
      }
      if (outcome) return outcome;
    }
    return failure ?? { kind: 'continue' };
  }
}

/**
 * A hook's verdict, checked: host code may return anything, and what it
 * returns ends up on the wire. A code must be a final reply (200-599: a 1xx
 * would leave the client waiting for a reply that never comes), a message a
 * string, and the flags booleans (`{ close: 'yes' }` once meant "no reply and
 * no close": a client waiting forever). Anything else fails the hook (451,
 * reported) rather than sending garbage. Throws for a malformed verdict
 * (reading it may throw too: a getter, a Proxy).
 */
function readVerdict(name: string, verdict: unknown): HookOutcome | undefined {
  if (!verdict || typeof verdict !== 'object') return undefined;
  const { code, message, close, keep } = verdict as Record<string, unknown>;
  for (const [flag, value] of [['close', close], ['keep', keep]] as const) {
    if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`hook ${name} returned an invalid ${flag} flag: ${String(value)}`);
  }
  if (code === undefined && message === undefined && close !== true) return undefined;
  if (code !== undefined && !(typeof code === 'number' && Number.isInteger(code) && code >= 200 && code <= 599)) {
    throw new TypeError(`hook ${name} returned an invalid reply code: ${String(code)}`);
  }
  if (message !== undefined && typeof message !== 'string') throw new TypeError(`hook ${name} returned a reply message that is not a string`);
  return { kind: 'reply', code: code as number | undefined, message: message as string | undefined, close: close === true, keep: keep === true };
}

/** Rejects with a HookTimeoutError when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new HookTimeoutError(what, ms)), ms);
    // A pending hook never keeps the host's process alive on its own.
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
