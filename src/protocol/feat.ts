import type { FtpUser } from '../auth/types.js';
import type { CommandTable } from '../commands/table.js';
import type { Session } from '../session/session.js';

/**
 * FEAT lines come from the command table: a command that is off for this
 * session (disabled option, missing filesystem ability) takes its line with it,
 * so FEAT never announces what the server would refuse.
 */
export function featLines(session: Session, commands: CommandTable): string[] {
  const lines = new Set<string>();
  for (const spec of commands.all()) {
    if (!spec.feat || (spec.enabled && !spec.enabled(session))) continue;
    const feat = typeof spec.feat === 'function' ? spec.feat(session) : spec.feat;
    if (feat === undefined) continue;
    for (const line of typeof feat === 'string' ? [feat] : feat) lines.add(line);
  }
  return [...lines].sort();
}

/** HELP's list of verbs, eight to a line, aliases included. */
export function helpLines(session: Session, commands: CommandTable): string[] {
  const verbs: string[] = [];
  for (const spec of commands.all()) {
    if (spec.hidden || (spec.enabled && !spec.enabled(session))) continue;
    verbs.push(spec.name, ...(spec.aliases ?? []));
  }
  verbs.sort();
  const lines: string[] = [];
  for (let i = 0; i < verbs.length; i += 8) lines.push(' ' + verbs.slice(i, i + 8).map((v) => v.padEnd(6)).join(' ').trimEnd());
  return lines;
}
