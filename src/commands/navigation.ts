import { FtpError } from '../errors.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import { quotePath } from '../protocol/reply-format.js';
import type { CommandContext } from './spec.js';
import { command } from './spec.js';

async function changeDirectory({ session }: CommandContext, path: string): Promise<void> {
  const stat = await session.fs!.stat(path, session.fsContext());
  if (stat.type !== 'directory') throw new FtpError('not-a-directory', session.t('notADirectory'), { public: true });
  session.cwd = path;
  session.say(ReplyCode.FileActionOkay, 'cwdOk', { path: quotePath(path) });
}

export const CWD = command({
  name: 'CWD',
  aliases: ['XCWD'],
  argument: 'required',
  path: true,
  help: 'CWD <sp> pathname',
  handler: (ctx) => changeDirectory(ctx, ctx.path),
});

export const CDUP = command({
  name: 'CDUP',
  aliases: ['XCUP'],
  argument: 'none',
  help: 'CDUP (change to parent directory)',
  handler: (ctx) => changeDirectory(ctx, ctx.session.resolve('..')),
});

export const PWD = command({
  name: 'PWD',
  aliases: ['XPWD'],
  argument: 'none',
  feat: 'TVFS',
  help: 'PWD (print working directory)',
  handler({ session }) {
    session.reply(ReplyCode.PathCreated, session.t('pwd', { path: quotePath(session.cwd) }));
  },
});

export const SMNT = command({
  name: 'SMNT',
  argument: 'required',
  help: 'SMNT <sp> pathname (not supported)',
  handler({ session }) {
    session.say(ReplyCode.NotImplemented, 'smnt');
  },
});
