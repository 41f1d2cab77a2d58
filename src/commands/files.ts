import { FtpError, errorKind } from '../errors.js';
import { formatTimeVal } from '../protocol/list-format.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import { quotePath } from '../protocol/reply-format.js';
import { looksLikeTimeAndPath, mdtmSetTime } from './modify-facts.js';
import type { Session } from '../session/session.js';
import { command } from './spec.js';

export const DELE = command({
  name: 'DELE',
  argument: 'required',
  path: true,
  permission: 'delete',
  help: 'DELE <sp> pathname',
  async handler({ session, path }) {
    await session.fs!.delete(path, session.fsContext());
    session.emit('fileDeleted', { path });
    session.say(ReplyCode.FileActionOkay, 'deleOk');
  },
});

export const MKD = command({
  name: 'MKD',
  aliases: ['XMKD'],
  argument: 'required',
  path: true,
  permission: 'mkdir',
  help: 'MKD <sp> pathname',
  async handler({ session, path }) {
    await session.fs!.mkdir(path, session.fsContext());
    session.emit('directoryCreated', { path });
    session.say(ReplyCode.PathCreated, 'mkdOk', { path: quotePath(path) });
  },
});

export const RMD = command({
  name: 'RMD',
  aliases: ['XRMD'],
  argument: 'required',
  path: true,
  permission: 'rmdir',
  help: 'RMD <sp> pathname',
  async handler({ session, path }) {
    if (path === '/') throw new FtpError('permission-denied');
    await session.fs!.rmdir(path, session.fsContext());
    if (session.cwd === path || session.cwd.startsWith(path + '/')) session.cwd = '/';
    session.emit('directoryRemoved', { path });
    session.say(ReplyCode.FileActionOkay, 'rmdOk');
  },
});

export const RNFR = command({
  name: 'RNFR',
  argument: 'required',
  path: true,
  permission: 'rename',
  help: 'RNFR <sp> pathname',
  async handler({ session, path }) {
    if (path === '/') throw new FtpError('permission-denied');
    await session.fs!.stat(path, session.fsContext());
    session.renameFrom = path;
    session.say(ReplyCode.PendingFurtherInformation, 'renameReady');
  },
});

export const RNTO = command({
  name: 'RNTO',
  argument: 'required',
  path: true,
  permission: 'rename',
  keepsRename: true,
  help: 'RNTO <sp> pathname',
  async handler({ session, path }) {
    const from = session.renameFrom;
    session.renameFrom = undefined;
    if (from === undefined) {
      session.say(ReplyCode.BadSequence, 'renameFirst');
      return;
    }
    // Renaming over an existing entry replaces it: that needs 'write' there, as STOR would.
    if (!session.may('write', path) && (await exists(session, path))) throw new FtpError('permission-denied');
    await session.fs!.rename(from, path, session.fsContext());
    session.emit('renamed', { from, to: path });
    session.say(ReplyCode.FileActionOkay, 'renameOk');
  },
});

async function exists(session: Session, path: string): Promise<boolean> {
  return session.fs!.stat(path, session.fsContext()).then(
    () => true,
    (error: unknown) => {
      if (errorKind(error) === 'not-found') return false;
      throw error;
    },
  );
}

export const SIZE = command({
  name: 'SIZE',
  argument: 'required',
  path: true,
  permission: 'list',
  feat: 'SIZE',
  help: 'SIZE <sp> pathname',
  async handler({ session, path }) {
    const stat = await session.fs!.stat(path, session.fsContext());
    if (stat.type !== 'file') throw new FtpError('is-a-directory', session.t('notAFile'), { public: true });
    session.reply(ReplyCode.FileStatus, String(stat.size));
  },
});

export const MDTM = command({
  name: 'MDTM',
  argument: 'required',
  path: true,
  permission: 'list',
  feat: 'MDTM',
  help: 'MDTM <sp> pathname',
  async handler(ctx) {
    const { session, path, argument } = ctx;
    const stat = await session.fs!.stat(path, session.fsContext()).catch((error: unknown) => {
      if (errorKind(error) === 'not-found' && looksLikeTimeAndPath(argument)) return undefined;
      throw error;
    });
    if (!stat) return mdtmSetTime(ctx); // "MDTM TIME path": a set-time request, not a path
    if (stat.type !== 'file') throw new FtpError('is-a-directory', session.t('notAFile'), { public: true });
    session.reply(ReplyCode.FileStatus, formatTimeVal(stat.mtime));
  },
});
