import { ReplyCode } from '../protocol/reply-codes.js';
import { storageCan } from './abilities.js';
import { command } from './spec.js';

/** SITE CHMOD <octal-mode> <path>: offered when the filesystem implements `chmod`. */
export const SITE_CHMOD = command({
  name: 'CHMOD',
  argument: 'required',
  path: (argument) => /^\S+\s+(.*)$/.exec(argument.trim())?.[1] ?? '',
  permission: 'chmod',
  help: 'SITE CHMOD <sp> mode <sp> pathname (mode in octal, e.g. 644)',
  enabled: (session) => storageCan(session, 'chmod'),
  async handler({ session, argument, path }) {
    const match = /^([0-7]{1,4})\s+\S/.exec(argument.trim());
    if (!match) {
      session.say(ReplyCode.ArgumentSyntaxError, 'siteChmodBadMode');
      return;
    }
    const mode = parseInt(match[1]!, 8);
    await session.fs!.chmod!(path, mode, session.fsContext());
    session.emit('attributesChanged', { command: 'SITE CHMOD', path, attribute: 'mode', mode });
    session.say(ReplyCode.CommandOkay, 'siteChmodOk');
  },
});
