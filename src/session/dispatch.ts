import type { FtpUser } from '../auth/types.js';
import type { CommandContext, CommandSpec } from '../commands/spec.js';
import { errorToReply } from '../errors.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import { isSecretCommand, redactLine } from '../security/redact.js';
import { parseCommandLine } from './command-line.js';
import type { Session } from './session.js';

/**
 * The one road every command takes, in order: parse → look up (aliases share a
 * spec) → login check → argument check → TLS policy → path resolve and jail →
 * permission → preCommand hooks → handler → postCommand hooks. A check cannot
 * be skipped by choosing another spelling of the command.
 *
 * A command that answers synchronously (most do: USER, QUIT, TYPE, NOOP...)
 * returns nothing, and no promise is made for it on the whole road; one that
 * waits returns the promise of its answer. Either way it never rejects.
 */
export function dispatch(session: Session, line: string): void | Promise<void> {
  const { server } = session;
  const { verb, argument } = parseCommandLine(line);
  const spec = server.commands.lookup(verb);
  const command = spec?.name ?? verb;

  const secret = isSecretCommand(verb);
  if (server.events.listenerCount('command') > 0) {
    session.emit('command', secret ? { command: verb.slice(0, 4), argument: '********' } : { command, argument });
  }
  if (server.log.records('command')) {
    session.log.debug('command', redactLine(verb, line));
  }

  // Any command but RNTO ends a pending rename (RFC 959: RNTO must follow RNFR).
  if (!spec?.keepsRename) session.renameFrom = undefined;

  if (!spec || (spec.enabled && !spec.enabled(session))) {
    session.say(spec ? ReplyCode.NotImplemented : ReplyCode.SyntaxError, spec ? 'notImplemented' : 'unknownCommand', { command: verb });
    return;
  }
  if (!spec.beforeLogin && !session.user) {
    session.say(ReplyCode.NotLoggedIn, 'notLoggedIn');
    return;
  }
  return runSpec(session, spec, verb, argument);
}

/**
 * Everything after the lookup: argument check → TLS policy → path resolve and
 * jail → permission → preCommand hooks → handler → postCommand hooks. SITE
 * subcommands take this road too (their hooks already ran as SITE). Returns a
 * promise only when the command waits (see dispatch); it never rejects.
 */
export function runSpec(session: Session, spec: CommandSpec, verb: string, argument: string, withHooks = true): void | Promise<void> {
  const { hooks } = session.server;
  if (withHooks && (hooks.has('preCommand') || hooks.has('postCommand'))) return runHooked(session, spec, verb, argument);
  if (refused(session, spec, argument)) return;
  const ctx: CommandContext = { session, command: spec.name, verb, argument, path: '' };
  let answer: void | Promise<void>;
  try {
    if (!permitted(session, spec, ctx)) return;
    answer = spec.handler(ctx);
  } catch (error) {
    answerFailure(session, error);
    return;
  }
  // Promise.resolve hands a native promise back as it is; a host's odd return value settles at once.
  if (answer !== undefined) return Promise.resolve(answer).then(undefined, (error: unknown) => answerFailure(session, error));
}

/** Argument and TLS policy checks; true when the command was refused (and answered). */
function refused(session: Session, spec: CommandSpec, argument: string): boolean {
  const command = spec.name;
  if (spec.argument === 'required' && argument.trim() === '') {
    session.say(ReplyCode.ArgumentSyntaxError, 'argumentRequired', { command });
    return true;
  }
  if (spec.argument === 'none' && argument.trim() !== '') {
    session.say(ReplyCode.ArgumentSyntaxError, 'argumentForbidden', { command });
    return true;
  }
  const policy = session.server.commandPolicy?.(session, spec, argument);
  if (policy) {
    session.reply(policy.code, policy.message);
    return true;
  }
  return false;
}

/** Resolves and jails the path into `ctx.path`, then checks the permission; false when refused (and answered). */
function permitted(session: Session, spec: CommandSpec, ctx: CommandContext): boolean {
  if (spec.path) {
    const raw = typeof spec.path === 'function' ? spec.path(ctx.argument) : ctx.argument;
    ctx.path = session.resolve(raw === '' ? '.' : raw);
  }
  if (spec.permission && !session.may(spec.permission, ctx.path || session.cwd)) {
    session.say(ReplyCode.FileUnavailable, 'permissionDenied');
    return false;
  }
  return true;
}

/** A handler's failure as its reply (unexpected ones are reported to the host). */
function answerFailure(session: Session, error: unknown): void {
  const { code, text } = errorToReply(error, (key) => session.t(key));
  if (code === ReplyCode.LocalError) session.server.reportError(error, session);
  session.reply(code, text);
}

/** runSpec with the host's preCommand and postCommand hooks around the handler. */
async function runHooked(session: Session, spec: CommandSpec, verb: string, argument: string): Promise<void> {
  const { server } = session;
  const command = spec.name;
  if (refused(session, spec, argument)) return;

  const ctx: CommandContext = { session, command, verb, argument, path: '' };
  // Hooks see what the client asked for, never a password.
  const hookArgument = command === 'PASS' ? '********' : argument;
  try {
    if (!permitted(session, spec, ctx)) return;
    if (server.hooks.has('preCommand')) {
      const outcome = await server.hooks.run('preCommand', { session, command, verb, argument: hookArgument, path: spec.path ? ctx.path : undefined });
      if (outcome.kind === 'failed') {
        server.reportError(outcome.error, session);
        session.say(ReplyCode.LocalError, 'localError');
        return;
      }
      if (outcome.kind === 'reply') {
        if (outcome.code !== undefined || outcome.message !== undefined) {
          session.reply(outcome.code ?? ReplyCode.FileUnavailable, outcome.message ?? session.t('permissionDenied'));
        }
        if (outcome.close) session.end('closed by preCommand hook', 'host');
        return;
      }
    }
    await spec.handler(ctx);
  } catch (error) {
    answerFailure(session, error);
  }
  if (server.hooks.has('postCommand')) {
    const outcome = await server.hooks.run('postCommand', {
      session,
      command,
      verb,
      argument: hookArgument,
      path: spec.path ? ctx.path : undefined,
      code: session.lastReplyCode,
    });
    if (outcome.kind === 'failed') server.reportError(outcome.error, session);
  }
}
