import type { FtpUser } from './auth/types.js';
import type { SessionInfo } from './session/info.js';

/** A reply a hook answers with instead of the server's own. */
export interface HookReply {
  code: number;
  message: string;
}

export interface ConnectHookContext<U extends FtpUser = FtpUser> {
  session: SessionInfo<U>;
}

export interface CommandHookContext<U extends FtpUser = FtpUser> {
  session: SessionInfo<U>;
  /** Canonical command (XMKD arrives here as MKD, so a veto cannot be bypassed by an alias). */
  command: string;
  /** What the client typed as the verb. */
  verb: string;
  argument: string;
  /** The resolved virtual path, for commands that take one. */
  path: string | undefined;
}

export interface PostCommandHookContext<U extends FtpUser = FtpUser> extends CommandHookContext<U> {
  /** The last reply code sent for this command. */
  code: number | undefined;
}

export interface UploadCommitContext<U extends FtpUser = FtpUser> {
  session: SessionInfo<U>;
  user: U;
  command: string;
  path: string;
  bytes: number;
}

/** Return a reply to refuse, or `{ close: true }` to drop the connection. */
export type ConnectHook<U extends FtpUser = FtpUser> = (ctx: ConnectHookContext<U>) => HookVerdict;
/** Return a reply to answer instead of running the command (add `close: true` to disconnect). */
export type PreCommandHook<U extends FtpUser = FtpUser> = (ctx: CommandHookContext<U>) => HookVerdict;
export type PostCommandHook<U extends FtpUser = FtpUser> = (ctx: PostCommandHookContext<U>) => void | Promise<void>;
/** Return a reply (550 or 553) to reject a stored upload: the file is removed and the client gets it instead of 226. */
export type UploadCommitHook<U extends FtpUser = FtpUser> = (ctx: UploadCommitContext<U>) => HookVerdict;
export type DisconnectHook<U extends FtpUser = FtpUser> = (ctx: ConnectHookContext<U>) => void | Promise<void>;

export type HookVerdict = void | undefined | (Partial<HookReply> & { close?: boolean }) | Promise<void | undefined | (Partial<HookReply> & { close?: boolean })>;

export interface HookTypes<U extends FtpUser = FtpUser> {
  onConnect: ConnectHook<U>;
  preCommand: PreCommandHook<U>;
  postCommand: PostCommandHook<U>;
  beforeUploadCommit: UploadCommitHook<U>;
  onDisconnect: DisconnectHook<U>;
}

export type HookName = keyof HookTypes;
export type HookOptions<U extends FtpUser = FtpUser> = { [K in HookName]?: HookTypes<U>[K] | readonly HookTypes<U>[K][] };

/** What running a hook list decided. */
export type HookOutcome = { kind: 'continue' } | { kind: 'reply'; code: number | undefined; message: string | undefined; close: boolean } | { kind: 'failed'; error: unknown };

export class HookTimeoutError extends Error {
  constructor(name: string, ms: number) {
    super(`hook ${name} did not settle within ${ms} ms`);
    this.name = 'HookTimeoutError';
  }
}

/**
 * Hooks decide, in registration order, each within a time limit. The first one
 * that returns a verdict wins; a throwing or hanging hook is reported as a
 * failure for the caller to turn into a reply, never a crash.
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
    for (const name of Object.keys(this.lists) as HookName[]) {
      const given = options[name];
      if (given) for (const fn of Array.isArray(given) ? given : [given]) this.add(name, fn as never);
    }
  }

  add<K extends HookName>(name: K, fn: HookTypes<U>[K]): () => void {
    if (!(name in this.lists)) throw new TypeError(`unknown hook ${String(name)}`);
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
    for (const fn of [...this.lists[name]] as ((ctx: unknown) => unknown)[]) {
      let outcome: HookOutcome | undefined;
      try {
        const verdict = await withTimeout(Promise.resolve().then(() => fn(ctx)), this.timeoutMs(), name);
        outcome = readVerdict(name, verdict);
      } catch (error) {
        return { kind: 'failed', error };
      }
      if (outcome) return outcome;
    }
    return { kind: 'continue' };
  }
}

/**
 * A hook's verdict, checked: host code may return anything, and what it
 * returns ends up on the wire. A code must be a final reply (200-599: a 1xx
 * would leave the client waiting for a reply that never comes) and a message
 * text or lines; anything else fails the hook (451, reported) rather than
 * sending garbage. Throws for a malformed verdict (reading it may throw too).
 */
function readVerdict(name: string, verdict: unknown): HookOutcome | undefined {
  if (!verdict || typeof verdict !== 'object') return undefined;
  const { code, message, close } = verdict as Record<string, unknown>;
  if (close !== undefined && typeof close !== 'boolean') throw new TypeError(`hook ${name} returned an invalid close flag`);
  if (code === undefined && message === undefined && close !== true) return undefined;
  if (code !== undefined && !(typeof code === 'number' && Number.isInteger(code) && code >= 200 && code <= 599)) {
    throw new TypeError(`hook ${name} returned an invalid reply code`);
  }
  const lines = typeof message === 'string' || (Array.isArray(message) && message.length > 0 && message.every((line) => typeof line === 'string'));
  if (message !== undefined && !lines) throw new TypeError(`hook ${name} returned an invalid reply message`);
  return { kind: 'reply', code: code as number | undefined, message: message as string | undefined, close: close === true };
}

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
