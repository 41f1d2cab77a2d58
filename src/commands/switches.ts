import type { CommandTable } from './table.js';

/**
 * Switches commands off (the `disabledCommands` option): each is replaced by a
 * copy that is never enabled, so it answers 502 and leaves FEAT and HELP the
 * same way a command whose filesystem ability is missing does. `SITE X` names
 * a SITE subcommand.
 */
export function disableCommands(commands: CommandTable, siteCommands: CommandTable, names: Iterable<string>): void {
  for (const name of names) {
    const [verb = '', sub] = name.split(' ');
    const table = sub === undefined ? commands : verb === 'SITE' ? siteCommands : undefined;
    const spec = table?.lookup(sub ?? verb);
    if (table && spec) table.register({ ...spec, enabled: () => false });
  }
}
