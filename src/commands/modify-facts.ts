import type { Permission } from '../auth/types.js';
import type { FileSystem } from '../fs/types.js';
import { formatTimeVal, parseTimeVal } from '../protocol/list-format.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { storageCan } from './abilities.js';
import { command, type CommandContext } from './spec.js';

/**
 * Setting file facts (draft-somers-ftp-mfxx): MFMT sets the modification time,
 * MFCT the creation time, MFF several facts at once. Each is offered only when
 * the filesystem has the matching optional method, and FEAT says which facts
 * MFF can set. Times are UTC; the reply echoes the facts as they were set.
 */

/** "TIME path": the path part (everything after the first space). */
function afterFirstWord(argument: string): string {
  const match = /^\S+\s+(.*)$/.exec(argument.trim());
  return match?.[1] ?? '';
}

/** MDTM with a time argument ("MDTM 20240102030405 file"), an old set-time convention. */
export function looksLikeTimeAndPath(argument: string): boolean {
  return /^\d{14}(\.\d{1,3})?\s+\S/.test(argument.trim());
}

interface Fact {
  /** As written in replies. */
  name: string;
  ability: 'setModifiedTime' | 'setCreatedTime' | 'chmod';
  permission: Permission;
  parse(value: string): Date | number | undefined;
  apply(fs: FileSystem, path: string, value: Date | number, ctx: ReturnType<Session['fsContext']>): Promise<void>;
  format(value: Date | number): string;
}

const FACTS: Readonly<Record<string, Fact>> = {
  modify: {
    name: 'Modify',
    ability: 'setModifiedTime',
    permission: 'set-time',
    parse: parseTimeVal,
    apply: (fs, path, value, ctx) => fs.setModifiedTime!(path, value as Date, ctx),
    format: (value) => formatTimeVal(value as Date, true),
  },
  create: {
    name: 'Create',
    ability: 'setCreatedTime',
    permission: 'set-time',
    parse: parseTimeVal,
    apply: (fs, path, value, ctx) => fs.setCreatedTime!(path, value as Date, ctx),
    format: (value) => formatTimeVal(value as Date, true),
  },
  'unix.mode': {
    name: 'UNIX.mode',
    ability: 'chmod',
    permission: 'chmod',
    parse: (value) => (/^[0-7]{1,4}$/.test(value) ? parseInt(value, 8) : undefined),
    apply: (fs, path, value, ctx) => fs.chmod!(path, value as number, ctx),
    format: (value) => '0' + (value as number).toString(8).padStart(3, '0'),
  },
};

/**
 * Sets facts given as `fact=value;...` on `path` and answers 213 with them.
 * Every fact is checked (syntax, ability, permission) before any is applied,
 * so a refused request changes nothing.
 */
async function setFacts(ctx: CommandContext, facts: readonly [string, string][]): Promise<void> {
  const { session, path, argument } = ctx;
  const fs = session.fs!;
  const planned: [Fact, Date | number][] = [];
  for (const [key, raw] of facts) {
    const fact = FACTS[key.toLowerCase()];
    if (!fact || typeof fs[fact.ability] !== 'function') {
      session.say(ReplyCode.ParameterNotImplemented, 'factUnsupported', { fact: key });
      return;
    }
    const value = fact.parse(raw);
    if (value === undefined) {
      session.say(ReplyCode.ArgumentSyntaxError, fact.ability === 'chmod' ? 'siteChmodBadMode' : 'timeInvalid');
      return;
    }
    if (!session.may(fact.permission, path)) {
      session.say(ReplyCode.FileUnavailable, 'permissionDenied');
      return;
    }
    planned.push([fact, value]);
  }
  await fs.stat(path, session.fsContext()); // 550 for a missing file before anything is set
  for (const [fact, value] of planned) {
    await fact.apply(fs, path, value, session.fsContext());
    const change = fact.ability === 'chmod' ? ({ attribute: 'mode', mode: value as number } as const) : ({ attribute: fact.ability === 'setCreatedTime' ? 'created' : 'modified', time: value as Date } as const);
    session.emit('attributesChanged', { command: ctx.command, path, ...change });
  }
  const echoed = planned.map(([fact, value]) => `${fact.name}=${fact.format(value)};`).join('');
  session.reply(ReplyCode.FileStatus, `${echoed} ${afterFirstWord(argument)}`);
}

/** MFMT/MFCT: `TIME path`. */
function setOneTime(fact: 'modify' | 'create') {
  return (ctx: CommandContext) => {
    const time = ctx.argument.trim().split(/\s+/, 1)[0]!;
    if (afterFirstWord(ctx.argument) === '') {
      ctx.session.say(ReplyCode.ArgumentSyntaxError, 'argumentRequired', { command: ctx.command });
      return;
    }
    return setFacts(ctx, [[fact, time]]);
  };
}

export const MFMT = command({
  name: 'MFMT',
  argument: 'required',
  path: afterFirstWord,
  feat: 'MFMT',
  help: 'MFMT <sp> YYYYMMDDHHMMSS <sp> pathname (set modification time, UTC)',
  enabled: (session) => storageCan(session, 'setModifiedTime'),
  handler: setOneTime('modify'),
});

export const MFCT = command({
  name: 'MFCT',
  argument: 'required',
  path: afterFirstWord,
  feat: 'MFCT',
  help: 'MFCT <sp> YYYYMMDDHHMMSS <sp> pathname (set creation time, UTC)',
  enabled: (session) => storageCan(session, 'setCreatedTime'),
  handler: setOneTime('create'),
});

function settableFacts(session: Session): Fact[] {
  return Object.values(FACTS).filter((fact) => storageCan(session, fact.ability));
}

export const MFF = command({
  name: 'MFF',
  argument: 'required',
  path: afterFirstWord,
  feat: (session) => `MFF ${settableFacts(session).map((fact) => `${fact.name};`).join('')}`,
  help: 'MFF <sp> fact=value;[fact=value;...] <sp> pathname (facts: Modify, Create, UNIX.mode)',
  enabled: (session) => settableFacts(session).length > 0,
  handler(ctx) {
    const list = ctx.argument.trim().split(/\s+/, 1)[0]!;
    const facts: [string, string][] = [];
    for (const part of list.split(';')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      if (eq <= 0) {
        ctx.session.say(ReplyCode.ArgumentSyntaxError, 'argumentRequired', { command: 'MFF' });
        return;
      }
      facts.push([part.slice(0, eq), part.slice(eq + 1)]);
    }
    if (facts.length === 0 || afterFirstWord(ctx.argument) === '') {
      ctx.session.say(ReplyCode.ArgumentSyntaxError, 'argumentRequired', { command: 'MFF' });
      return;
    }
    return setFacts(ctx, facts);
  },
});

/**
 * `MDTM TIME path` for a path that does not exist as written: with the
 * `mdtmSetsTime` option (and a filesystem that can) it sets the time like MFMT;
 * otherwise it is 501, as a time is not a path.
 */
export async function mdtmSetTime(ctx: CommandContext): Promise<void> {
  const { session } = ctx;
  if (!session.server.options.mdtmSetsTime || !session.fs?.setModifiedTime) {
    session.say(ReplyCode.ArgumentSyntaxError, 'mdtmNoSetTime');
    return;
  }
  const path = session.resolve(afterFirstWord(ctx.argument));
  await setFacts({ ...ctx, path }, [['modify', ctx.argument.trim().split(/\s+/, 1)[0]!]]);
}
