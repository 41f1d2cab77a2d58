import { PassThrough, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
import type { FtpUser } from '../auth/types.js';
import { compressSteps } from '../data/deflate.js';
import { endWriting, writeBatch, type Tally } from '../data/pump.js';
import { runTransfer, type Transfer } from '../data/transfer.js';
import { FtpError } from '../errors.js';
import type { FileStat } from '../fs/types.js';
import { formatListLine } from '../protocol/list-format.js';
import { DEFAULT_MLSX_FACTS, formatFacts, mlstFeatLine } from '../protocol/mlsx.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import { baseName, joinPath } from '../session/paths.js';
import type { Session } from '../session/session.js';
import { isThenable } from '../thenable.js';
import { command } from './spec.js';

/**
 * LIST and NLST arguments may start with `ls` flags (`-a`, `-la`, `-CF`...).
 * They are dropped rather than taken for a path; everything after them is the
 * path, spaces included.
 */
export function stripListFlags(argument: string): string {
  let rest = argument.trim();
  for (;;) {
    const match = /^-[A-Za-z0-9]+(?:\s+|$)/.exec(rest);
    if (!match) return rest;
    rest = rest.slice(match[0].length);
  }
}

/** The RFC 3659 `perm` fact: what this user may do with this entry. */
export function permFact(session: Session, path: string, stat: FileStat): string {
  const may = (p: Parameters<Session['may']>[0]) => session.may(p, path);
  let perm = '';
  if (stat.type === 'directory') {
    if (may('list')) perm += 'el';
    if (may('write')) perm += 'c';
    if (may('mkdir')) perm += 'm';
    if (may('delete')) perm += 'p';
    if (may('rmdir')) perm += 'd';
    if (may('rename')) perm += 'f';
  } else {
    if (may('read')) perm += 'r';
    if (may('append')) perm += 'a';
    if (may('write')) perm += 'w';
    if (may('delete')) perm += 'd';
    if (may('rename')) perm += 'f';
  }
  return perm;
}

/** One listing line of an entry of the directory `dir` (without its line end). */
type Format = (session: Session, stat: FileStat, dir: string, now: number) => string;

const listFormat: Format = (_session, stat, _dir, now) => formatListLine(stat, now);
const nameFormat: Format = (_session, stat) => stat.name;
/**
 * MLSD lines. `perm` is asked for every entry; without path rules it depends
 * only on the entry's type, so it is worked out once per type per listing.
 */
function factsFormat(session: Session): Format {
  const facts = session.mlstFacts ?? DEFAULT_MLSX_FACTS;
  if (session.user?.rules?.length) return (s, stat, dir) => formatFacts(stat, facts, permFact(s, joinPath(dir, stat.name), stat));
  const byType = new Map<string, string>();
  return (s, stat, dir) => {
    let perm = byType.get(stat.type);
    if (perm === undefined) byType.set(stat.type, (perm = permFact(s, joinPath(dir, stat.name), stat)));
    return formatFacts(stat, facts, perm);
  };
}

/** Characters of listing text per write to the data connection. */
const BATCH_CHARS = 64 * 1024;

/**
 * Listing lines batched into large buffers, each written to `sink` (the data
 * socket, or the head of a MODE Z or rate-limited pipeline) once full, the
 * next made only once the sink took it: few writes, and a huge directory
 * streams. Ends `sink` and resolves once everything went out. An error of
 * storage while listing is noted as storage failing first (its own reply),
 * not as the client leaving; the sink's own failure is not.
 */
async function writeListing(session: Session, dir: string, entries: Iterable<FileStat> | AsyncIterable<FileStat>, format: Format, transfer: Transfer, sink: Writable, tally?: Tally): Promise<void> {
  const now = Date.now();
  const encoding = session.utf8 ? 'utf8' : 'latin1';
  let text = '';
  let sinkFailed = false;
  const send = async (batch: Buffer) => {
    try {
      await writeBatch(sink, batch, tally);
    } catch (error) {
      sinkFailed = true;
      throw error;
    }
  };
  const source = entryIterator(entries);
  let finished = false;
  try {
    for (;;) {
      const next = source.next();
      // A synchronous source (the local disk's listing, an array) costs no promise per entry.
      const step = isThenable(next) ? await next : next;
      if (step.done) {
        finished = true;
        break;
      }
      const stat = step.value;
      if (transfer.aborted) {
        text = ''; // stopped: end the connection without the lines still held
        break;
      }
      // A name with CR or LF would forge listing lines: leave it out.
      if (stat.name.includes('\n') || stat.name.includes('\r')) continue;
      text += format(session, stat, dir, now) + '\r\n';
      if (text.length >= BATCH_CHARS) {
        await send(Buffer.from(text, encoding));
        text = '';
        // A fast client and a fast store would otherwise keep this loop in
        // microtasks until the socket pushes back, starving every other session
        // (and the host) of I/O: let the event loop run between batches.
        await setImmediate();
      }
    }
  } catch (error) {
    if (!sinkFailed) transfer.noteFailure('storage', error);
    throw error;
  } finally {
    if (!finished) await closeSource(source);
  }
  if (text !== '') await send(Buffer.from(text, encoding));
  await endWriting(sink);
}

/** Pulls entries synchronously from a source that can, else awaits each. */
function entryIterator(entries: Iterable<FileStat> | AsyncIterable<FileStat>): Iterator<FileStat> | AsyncIterator<FileStat> {
  return Symbol.iterator in entries ? entries[Symbol.iterator]() : entries[Symbol.asyncIterator]();
}

/** Stopped early (an abort, a failed sink or source): the source closes its directory; its failure to adds nothing to report. */
async function closeSource(source: Iterator<FileStat> | AsyncIterator<FileStat>): Promise<void> {
  try {
    await source.return?.();
  } catch {
    // the listing's own outcome is already decided
  }
}

async function list(session: Session, command: string, path: string, format: Format, directoriesOnly: boolean): Promise<void> {
  const fs = session.fs!;
  const stat = await fs.stat(path, session.fsContext());
  if (stat.type !== 'directory' && directoriesOnly) {
    throw new FtpError('not-a-directory', session.t('notADirectory'), { public: true, code: ReplyCode.ArgumentSyntaxError });
  }
  if (!session.dataSetup) {
    session.say(ReplyCode.CannotOpenDataConnection, 'noDataConnection');
    return;
  }
  const opening = session.t('openingData', { type: 'ASCII', what: `the listing of ${path}` });
  await runTransfer(session, { direction: 'listing', command, path, offset: 0, opening }, async (stream, transfer) => {
    // The transfer's signal also fires when the session ends (the session aborts its transfer).
    const ctx = session.fsContext(transfer);
    const entries = stat.type === 'directory' ? await fs.list(path, ctx) : [{ ...stat, name: baseName(path) }];
    const dir = stat.type === 'directory' ? path : path.slice(0, path.lastIndexOf('/')) || '/';
    const compress = compressSteps(session);
    if (compress.length === 0 && !transfer.throttle) return writeListing(session, dir, entries, format, transfer, stream, transfer.tally);
    // MODE Z or a rate limit: the lines go through their stream stages (which count them).
    const head = new PassThrough();
    const piping = pipeline([head, transfer.count(), ...compress, stream]);
    try {
      await writeListing(session, dir, entries, format, transfer, head);
    } catch (error) {
      head.destroy(error as Error);
      await piping.catch(() => undefined);
      throw error;
    }
    await piping;
  });
}

export const LIST = command({
  name: 'LIST',
  dataConnection: true,
  argument: 'optional',
  path: stripListFlags,
  permission: 'list',
  help: 'LIST [<sp> pathname]',
  handler: ({ session, path }) => list(session, 'LIST', path, listFormat, false),
});

export const NLST = command({
  name: 'NLST',
  dataConnection: true,
  argument: 'optional',
  path: stripListFlags,
  permission: 'list',
  help: 'NLST [<sp> pathname]',
  handler: ({ session, path }) => list(session, 'NLST', path, nameFormat, false),
});

export const MLSD = command({
  name: 'MLSD',
  dataConnection: true,
  argument: 'optional',
  path: true,
  permission: 'list',
  help: 'MLSD [<sp> pathname]',
  handler: ({ session, path }) => list(session, 'MLSD', path, factsFormat(session), true),
});

export const MLST = command({
  name: 'MLST',
  argument: 'optional',
  path: true,
  permission: 'list',
  feat: (session) => mlstFeatLine(session.mlstFacts ?? DEFAULT_MLSX_FACTS),
  help: 'MLST [<sp> pathname]',
  async handler({ session, path }) {
    const stat = await session.fs!.stat(path, session.fsContext());
    const facts = formatFacts({ ...stat, name: path }, session.mlstFacts ?? DEFAULT_MLSX_FACTS, permFact(session, path, stat));
    session.reply(ReplyCode.FileActionOkay, [`Listing ${path}`, ` ${facts}`, 'End']);
  },
});
