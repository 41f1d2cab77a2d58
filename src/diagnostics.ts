import { channel, tracingChannel } from 'node:diagnostics_channel';
import type { FtpUser } from './auth/types.js';
import type { AbortReason, LoginFailureReason, TransferDirection } from './events.js';
import type { FtpSession } from './session/info.js';

/**
 * `node:diagnostics_channel` names, for APMs and OpenTelemetry: subscribe
 * without touching the server object. `command` and `transfer` are tracing
 * channels (`tracing:ftpkit:command:start`, `:end`, `:asyncStart`,
 * `:asyncEnd`, `:error`), one trace per command line and per data transfer;
 * the session channels are plain. Nothing is built or published while a
 * channel has no subscriber.
 */
export const diagnosticsChannels = {
  command: 'ftpkit:command',
  transfer: 'ftpkit:transfer',
  sessionOpen: 'ftpkit:session:open',
  sessionLogin: 'ftpkit:session:login',
  sessionLoginFailed: 'ftpkit:session:login-failed',
  sessionClose: 'ftpkit:session:close',
} as const;

/** The context object of one `ftpkit:command` trace (the same object at start and end). */
export interface CommandTrace<U extends FtpUser = FtpUser> {
  session: FtpSession<U>;
  /** Canonical command (MKD for XMKD), or the verb as sent when unknown. */
  command: string;
  /** Everything after the verb; "********" for PASS. */
  argument: string;
  /** The last reply code the command sent (set before `asyncEnd`). */
  code?: number;
}

/** The context object of one `ftpkit:transfer` trace. */
export interface TransferTrace<U extends FtpUser = FtpUser> {
  session: FtpSession<U>;
  direction: TransferDirection;
  command: string;
  path: string;
  offset: number;
  /** Bytes moved (set before `asyncEnd`). */
  bytes: number;
  /** The final reply code: 226, or 425/426/45x/55x (set before `asyncEnd`). */
  code?: number;
  /** Why it stopped early, when it did. */
  reason?: AbortReason;
}

export interface SessionOpenMessage<U extends FtpUser = FtpUser> {
  session: FtpSession<U>;
}
export interface SessionLoginMessage<U extends FtpUser = FtpUser> {
  session: FtpSession<U>;
  user: U;
}
export interface SessionLoginFailedMessage<U extends FtpUser = FtpUser> {
  session: FtpSession<U>;
  username: string;
  reason: LoginFailureReason;
}
export interface SessionCloseMessage<U extends FtpUser = FtpUser> {
  session: FtpSession<U>;
  reason: string;
}

const commandTracing = tracingChannel<unknown, CommandTrace>(diagnosticsChannels.command);
const transferTracing = tracingChannel<unknown, TransferTrace>(diagnosticsChannels.transfer);
const sessionChannels = {
  connection: channel(diagnosticsChannels.sessionOpen),
  login: channel(diagnosticsChannels.sessionLogin),
  loginFailed: channel(diagnosticsChannels.sessionLoginFailed),
  disconnect: channel(diagnosticsChannels.sessionClose),
} as const;

/** Someone subscribed to `ftpkit:command`: only then is a command run through traceCommand. */
export function commandsTraced(): boolean {
  return commandTracing.hasSubscribers;
}

/** Runs one command line inside an `ftpkit:command` trace. */
export function traceCommand(
  session: FtpSession & { readonly lastReplyCode: number | undefined },
  described: Omit<CommandTrace, 'session'>,
  run: () => void | Promise<void>,
): Promise<void> {
  const context: CommandTrace = { session, ...described };
  return commandTracing.tracePromise(async () => {
    await run();
    const code = session.lastReplyCode;
    if (code !== undefined) context.code = code;
  }, context);
}

/** Someone subscribed to `ftpkit:transfer`: only then is a transfer run through traceTransfer. */
export function transfersTraced(): boolean {
  return transferTracing.hasSubscribers;
}

/**
 * Runs one data transfer inside an `ftpkit:transfer` trace. `run` fills the
 * outcome (bytes, code, reason) into the context it is given.
 */
export function traceTransfer(context: TransferTrace, run: (context: TransferTrace) => Promise<void>): Promise<void> {
  return transferTracing.tracePromise(() => run(context), context);
}

/** Publishes a session lifecycle event on its plain channel, if anyone subscribed. */
export function publishSessionEvent(event: string, session: FtpSession, fields: object): void {
  const target = sessionChannels[event as keyof typeof sessionChannels];
  if (target?.hasSubscribers) target.publish({ session, ...fields });
}
