import { modeZLevel, setModeZLevel } from '../data/deflate.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { CommandContext } from './spec.js';

/**
 * OPTS MODE Z [LEVEL n]: the compression level of this session's MODE Z
 * downloads and listings (0-9); without LEVEL it reports the current one.
 */
export function answerModeOpts({ session }: CommandContext, value: string): void {
  const match = /^Z(?:\s+LEVEL\s+(\d))?$/i.exec(value.trim());
  if (!match || !session.server.options.modeZ.enabled) {
    session.say(ReplyCode.ArgumentSyntaxError, 'optsUnknown');
    return;
  }
  if (match[1] !== undefined) setModeZLevel(session, Number(match[1]));
  session.say(ReplyCode.CommandOkay, 'modeZLevel', { level: modeZLevel(session) });
}
