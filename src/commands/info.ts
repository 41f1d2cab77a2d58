import type { FtpUser } from '../auth/types.js';
import { featLines, helpLines } from '../protocol/feat.js';
import { formatListLine } from '../protocol/list-format.js';
import { selectFacts } from '../protocol/mlsx.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { stripListFlags } from './listing.js';
import { command } from './spec.js';

export const SYST = command({
  name: 'SYST',
  beforeLogin: true,
  argument: 'none',
  help: 'SYST (system type)',
  handler({ session }) {
    session.say(ReplyCode.SystemType, 'system');
  },
});

export const NOOP = command({
  name: 'NOOP',
  beforeLogin: true,
  beforeTls: true,
  duringTransfer: true,
  argument: 'none',
  help: 'NOOP',
  handler({ session }) {
    session.say(ReplyCode.CommandOkay, 'noop');
  },
});

export const FEAT = command({
  name: 'FEAT',
  beforeLogin: true,
  beforeTls: true,
  argument: 'none',
  help: 'FEAT (list extensions)',
  handler({ session }) {
    const lines = featLines(session, session.server.commands).map((line) => ` ${line}`);
    session.reply(ReplyCode.SystemStatus, [session.t('featHeader'), ...lines, session.t('featFooter')]);
  },
});

export const HELP = command({
  name: 'HELP',
  beforeLogin: true,
  argument: 'optional',
  help: 'HELP [<sp> command]',
  handler({ session, argument }) {
    const { commands } = session.server;
    const name = argument.trim().toUpperCase();
    if (name !== '') {
      const spec = commands.lookup(name);
      if (!spec || (spec.enabled && !spec.enabled(session))) session.say(ReplyCode.NotImplemented, 'helpUnknown', { command: name });
      else session.reply(ReplyCode.HelpMessage, `Syntax: ${spec.help}`);
      return;
    }
    session.reply(ReplyCode.HelpMessage, [session.t('helpHeader'), ...helpLines(session, commands), session.t('helpFooter')]);
  },
});

export const OPTS = command({
  name: 'OPTS',
  beforeLogin: true,
  argument: 'required',
  feat: 'UTF8',
  help: 'OPTS <sp> command [<sp> options]',
  async handler({ session, argument }) {
    const [name = '', ...rest] = argument.trim().split(/\s+/);
    const value = rest.join(' ');
    switch (name.toUpperCase()) {
      case 'UTF8':
      case 'UTF-8': {
        const v = value.toUpperCase();
        if (v === 'ON' || v === '') {
          session.utf8 = true;
          session.setEncoding('utf8');
          session.say(ReplyCode.CommandOkay, 'utf8On');
        } else if (v === 'OFF') {
          session.utf8 = false;
          session.setEncoding('latin1');
          session.say(ReplyCode.CommandOkay, 'utf8Off');
        } else session.say(ReplyCode.ArgumentSyntaxError, 'optsUnknown');
        return;
      }
      case 'MLST': {
        const facts = selectFacts(value);
        session.mlstFacts = facts;
        const list = [...facts].map((f) => (f === 'unix.mode' ? 'UNIX.mode' : f) + ';').join('');
        session.reply(ReplyCode.CommandOkay, list === '' ? 'MLST OPTS' : `MLST OPTS ${list}`);
        return;
      }
      default: {
        // OPTS for another command (OPTS HASH, OPTS MODE...) goes to that command's spec.
        const spec = session.server.commands.lookup(name.toUpperCase());
        if (spec?.opts && (!spec.enabled || spec.enabled(session))) {
          await spec.opts({ session, command: spec.name, verb: name.toUpperCase(), argument: value, path: '' }, value);
          return;
        }
        session.say(ReplyCode.ArgumentSyntaxError, 'optsUnknown');
      }
    }
  },
});

export const ABOR = command({
  name: 'ABOR',
  duringTransfer: true,
  argument: 'none',
  help: 'ABOR (abort the transfer)',
  async handler({ session }) {
    const transfer = session.transfer;
    if (transfer) {
      transfer.abort('abor');
      await transfer.done; // the transfer command answers 426 first
      session.say(ReplyCode.ClosingDataConnection, 'aborOk');
      return;
    }
    if (session.dataSetup) {
      session.closeDataSetup();
      session.say(ReplyCode.ClosingDataConnection, 'aborOk');
      return;
    }
    session.say(ReplyCode.DataConnectionOpen, 'aborNoTransfer');
  },
});

function statusLines(session: Session): string[] {
  const data = session.dataSetup ? `Data connection: ${session.dataSetup.kind}.` : 'No data connection.';
  return [
    session.t('statusHeader'),
    `Connected from ${session.remoteAddress}`,
    session.user ? `Logged in as ${session.user.username}` : 'Not logged in',
    `TYPE: ${session.type === 'A' ? 'ASCII' : 'BINARY'}; STRUcture: File; transfer MODE: ${session.mode === 'Z' ? 'Deflate' : 'Stream'}`,
    `Control connection: ${session.secure ? 'TLS' : 'plain'}; data protection: ${session.protectedData ? 'private' : 'clear'}`,
    data,
    session.t('statusFooter'),
  ];
}

export const STAT = command({
  name: 'STAT',
  beforeLogin: true,
  duringTransfer: true,
  argument: 'optional',
  help: 'STAT [<sp> pathname]',
  async handler({ session, argument }) {
    if (session.transfer) {
      session.say(ReplyCode.FileStatus, 'transferInProgress', { bytes: session.transfer.bytes });
      return;
    }
    if (argument.trim() === '') {
      session.reply(ReplyCode.SystemStatus, statusLines(session));
      return;
    }
    if (!session.user) {
      session.say(ReplyCode.NotLoggedIn, 'notLoggedIn');
      return;
    }
    // `STAT -la dir` as clients send it: ls flags are not a path (LIST does the same).
    const target = stripListFlags(argument);
    const path = session.resolve(target === '' ? '.' : target);
    if (!session.may('list', path)) {
      session.say(ReplyCode.FileUnavailable, 'permissionDenied');
      return;
    }
    const fs = session.fs!;
    const ctx = session.fsContext();
    const stat = await fs.stat(path, ctx);
    const now = Date.now();
    const header = session.t('statusFile', { path });
    if (stat.type !== 'directory') {
      session.reply(ReplyCode.FileStatus, [header, formatListLine({ ...stat, name: path.slice(path.lastIndexOf('/') + 1) }, now), 'End of status.']);
      return;
    }
    const lines = [header];
    for await (const entry of await fs.list(path, ctx)) lines.push(formatListLine(entry, now));
    lines.push('End of status.');
    session.reply(ReplyCode.DirectoryStatus, lines);
  },
});
