import { FtpError } from '../errors.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { storageCan } from './abilities.js';
import { command } from './spec.js';

/**
 * AVBL [path] (draft-peterson-streamlined-ftp-command-extensions): free bytes
 * the user may store in that directory, as the filesystem reports them. Only
 * offered when the filesystem implements `availableSpace`.
 */
export const AVBL = command({
  name: 'AVBL',
  argument: 'optional',
  path: true,
  permission: 'list',
  feat: 'AVBL',
  help: 'AVBL [<sp> pathname] (available space in bytes)',
  enabled: (session) => storageCan(session, 'availableSpace'),
  async handler({ session, path }) {
    const fs = session.fs!;
    const stat = await fs.stat(path, session.fsContext());
    if (stat.type !== 'directory') throw new FtpError('not-a-directory', session.t('notADirectory'), { public: true });
    const available = await fs.availableSpace!(path, session.fsContext());
    session.reply(ReplyCode.FileStatus, String(Math.max(0, Math.floor(available))));
  },
});

/**
 * ALLO <bytes>: checked against what the user may still upload (552) and the
 * free space the filesystem reports (452) when either is known; otherwise the
 * RFC 959 "superfluous" 202.
 */
export async function answerAllocation(session: Session, bytes: number): Promise<void> {
  const limit = await session.server.uploadLimit(session, session.cwd);
  if (bytes > limit.bytes) {
    session.say(limit.kind === 'no-space' ? ReplyCode.InsufficientStorage : ReplyCode.ExceededStorage, 'alloTooLarge');
    return;
  }
  const fs = session.fs!;
  if (!fs.availableSpace) {
    session.say(ReplyCode.CommandSuperfluous, 'allo');
    return;
  }
  const available = Math.max(0, Math.floor(await fs.availableSpace(session.cwd, session.fsContext())));
  if (bytes > available) session.say(ReplyCode.InsufficientStorage, 'alloNoSpace', { available });
  else session.say(ReplyCode.CommandOkay, 'alloOk', { available });
}
