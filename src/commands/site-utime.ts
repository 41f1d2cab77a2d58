import { parseTimeVal } from '../protocol/list-format.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import { storageCan } from './abilities.js';
import { command } from './spec.js';

/**
 * SITE UTIME in the two forms clients send (times UTC):
 * - `SITE UTIME YYYYMMDDhhmm[ss] path`
 * - `SITE UTIME path atime mtime ctime UTC` (the path may contain spaces)
 * Only the modification time is stored: the filesystem contract has no access
 * or change time.
 */
function parseUtime(argument: string): { path: string; mtime: string } | undefined {
  const text = argument.trim();
  const fiveArgs = /^(.+?)\s+(\d{12,14})\s+(\d{12,14})\s+(\d{12,14})\s+UTC$/i.exec(text);
  if (fiveArgs) return { path: fiveArgs[1]!, mtime: fiveArgs[3]! };
  const twoArgs = /^(\d{12,14})\s+(.+)$/.exec(text);
  if (twoArgs) return { path: twoArgs[2]!, mtime: twoArgs[1]! };
  return undefined;
}

export const SITE_UTIME = command({
  name: 'UTIME',
  argument: 'required',
  path: (argument) => parseUtime(argument)?.path ?? '',
  permission: 'set-time',
  help: 'SITE UTIME <sp> YYYYMMDDhhmmss <sp> pathname | SITE UTIME <sp> pathname atime mtime ctime UTC',
  enabled: (session) => storageCan(session, 'setModifiedTime'),
  async handler({ session, argument, path }) {
    const parsed = parseUtime(argument);
    // Twelve digits (no seconds) are accepted as clients send them.
    const mtime = parsed && parseTimeVal(parsed.mtime.length === 12 ? parsed.mtime + '00' : parsed.mtime);
    if (!mtime) {
      session.say(ReplyCode.ArgumentSyntaxError, 'siteUtimeSyntax');
      return;
    }
    await session.fs!.stat(path, session.fsContext());
    await session.fs!.setModifiedTime!(path, mtime, session.fsContext());
    session.emit('attributesChanged', { command: 'SITE UTIME', path, attribute: 'modified', time: mtime });
    session.say(ReplyCode.CommandOkay, 'siteUtimeOk');
  },
});
