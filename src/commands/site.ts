import type { FtpUser } from '../auth/types.js';
import { helpLines } from '../protocol/feat.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import { runSpec } from '../session/dispatch.js';
import { SITE_CHMOD } from './site-chmod.js';
import { SITE_UTIME } from './site-utime.js';
import { command, type CommandSpec } from './spec.js';
import { CommandTable } from './table.js';

/** SITE HELP [subcommand]. */
export const SITE_HELP = command({
  name: 'HELP',
  argument: 'optional',
  help: 'SITE HELP [<sp> subcommand]',
  handler({ session, argument }) {
    const table = session.server.siteCommands;
    const name = argument.trim().toUpperCase();
    if (name !== '') {
      const spec = table.lookup(name);
      if (!spec || (spec.enabled && !spec.enabled(session))) session.say(ReplyCode.NotImplemented, 'siteUnknown', { command: name });
      else session.reply(ReplyCode.HelpMessage, spec.help);
      return;
    }
    session.reply(ReplyCode.HelpMessage, [session.t('siteHelpHeader'), ...helpLines(session, table), session.t('helpFooter')]);
  },
});

export const builtinSiteCommands: readonly CommandSpec[] = [SITE_HELP, SITE_CHMOD, SITE_UTIME];

/**
 * SITE <subcommand> [args]: subcommands live in their own table and go through
 * the same checks as top-level commands (argument, path jail, permission, hooks).
 */
export const SITE = command({
  name: 'SITE',
  argument: 'required',
  help: 'SITE <sp> subcommand [<sp> arguments] (SITE HELP lists them)',
  async handler({ session, argument }) {
    const space = argument.indexOf(' ');
    const verb = (space === -1 ? argument : argument.slice(0, space)).toUpperCase();
    const rest = space === -1 ? '' : argument.slice(space + 1);
    const spec = session.server.siteCommands.lookup(verb);
    if (!spec || (spec.enabled && !spec.enabled(session))) {
      session.say(ReplyCode.NotImplemented, 'siteUnknown', { command: verb });
      return;
    }
    await runSpec(session, spec, verb, rest, false);
  },
});

export function createSiteTable(): CommandTable {
  return new CommandTable(builtinSiteCommands);
}
