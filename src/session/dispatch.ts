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
 */
export async function dispatch(session: Session, line: string): Promise<void> {
  const { server } = session;
  const { verb, argument } = parseCommandLine(line);
  const spec = server.commands.lookup(verb);
  const command = spec?.name ?? verb;

  const secret = isSecretCommand(verb);
  if (server.events.listenerCount('command') > 0) {
    session.emit('command', secret ? { command: verb.slice(0, 4), argument: '********' } : { command, argument });
  }
  if (server.log.verbose) {
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
  await runSpec(session, spec, verb, argument);
}

/**
 * Everything after the lookup: argument check → TLS policy → path resolve and
 * jail → permission → preCommand hooks → handler → postCommand hooks. SITE
 * subcommands take this road too (their hooks already ran as SITE).
 */
export async function runSpec(session: Session, spec: CommandSpec, verb: string, argument: string, withHooks = true): Promise<void> {
  const { server } = session;
  const command = spec.name;
  if (spec.argument === 'required' && argument.trim() === '') {
    session.say(ReplyCode.ArgumentSyntaxError, 'argumentRequired', { command });
    return;
  }
  if (spec.argument === 'none' && argument.trim() !== '') {
    session.say(ReplyCode.ArgumentSyntaxError, 'argumentForbidden', { command });
    return;
  }
  const policy = server.commandPolicy?.(session, spec, argument);
  if (policy) {
    session.reply(policy.code, policy.message);
    return;
  }

  const ctx: CommandContext = { session, command, verb, argument, path: '' };
  // Hooks see what the client asked for, never a password.
  const hookArgument = command === 'PASS' ? '********' : argument;
  try {
    if (spec.path) {
      const raw = typeof spec.path === 'function' ? spec.path(argument) : argument;
      ctx.path = session.resolve(raw === '' ? '.' : raw);
    }
    if (spec.permission && !session.may(spec.permission, ctx.path || session.cwd)) {
      session.say(ReplyCode.FileUnavailable, 'permissionDenied');
      return;
    }
    if (withHooks && server.hooks.has('preCommand')) {
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
    const { code, text } = errorToReply(error, (key) => session.t(key));
    if (code === ReplyCode.LocalError) server.reportError(error, session);
    session.reply(code, text);
  }
  if (withHooks && server.hooks.has('postCommand')) {
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
