import { runControlJob } from '../data/control-job.js';
import { hashFile } from '../data/hash-file.js';
import { FtpError } from '../errors.js';
import type { HashAlgorithm } from '../fs/types.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { ServerCore } from '../session/server-core.js';
import type { Session } from '../session/session.js';
import { command, type CommandContext, type CommandSpec } from './spec.js';

/**
 * File digests: HASH with OPTS HASH and RANG (draft-bryan-ftpext-hash,
 * draft-bryan-ftp-range) and the older XCRC, XMD5, XSHA1, XSHA256, XSHA512.
 * A digest runs like a transfer (ABOR stops it, STAT reports its progress) and
 * is bounded: at most `hash.concurrency` at once in the server (450 beyond),
 * and no range larger than `hash.maxBytes` (556).
 */

interface HashState {
  algorithm?: HashAlgorithm;
  /** RANG: first and last byte (inclusive), until RANG 1 0, REST or REIN. */
  range?: { start: number; end: number };
}

function state(session: Session): HashState {
  return ((session.extra.hash as HashState | undefined) ??= {});
}

function selected(session: Session): HashAlgorithm {
  return state(session).algorithm ?? session.server.options.hash.default;
}

/** The RANG range in force, if any (RETR sends only that range). */
export function rangeOf(session: Session): { start: number; end: number } | undefined {
  return (session.extra.hash as HashState | undefined)?.range;
}

/** REST and REIN end a RANG range; REIN also forgets OPTS HASH. */
export function clearRange(session: Session): void {
  delete state(session).range;
}

export function resetHashState(session: Session): void {
  delete session.extra.hash;
}

const enabled = (session: Session) => session.server.options.hash.enabled;
const offers = (algorithm: HashAlgorithm) => (session: Session) => enabled(session) && session.server.options.hash.algorithms.includes(algorithm);

/** "sha256", "Sha-256" → "SHA-256"; undefined when not offered. */
function findAlgorithm(session: Session, name: string): HashAlgorithm | undefined {
  const wanted = name.toUpperCase().replace(/-/g, '');
  return session.server.options.hash.algorithms.find((a) => a.replace(/-/g, '') === wanted);
}

const running = new WeakMap<ServerCore, number>();

/**
 * Hashes bytes [start, end] (inclusive; end undefined = to the end of file) of
 * `path` with the session's limits, then answers through `answer`.
 */
async function digest(
  ctx: CommandContext,
  path: string,
  algorithm: HashAlgorithm,
  range: { start: number; end?: number | undefined },
  answer: (hex: string, start: number, last: number) => void,
): Promise<void> {
  const { session } = ctx;
  const fs = session.fs!;
  const stat = await fs.stat(path, session.fsContext());
  if (stat.type === 'directory') {
    session.say(ReplyCode.FileNameNotAllowed, 'hashDirectory');
    return;
  }
  if (stat.type !== 'file') throw new FtpError('not-found');
  const start = range.start;
  const end = Math.min(range.end === undefined ? stat.size : range.end + 1, stat.size);
  if (start > 0 && start >= stat.size) {
    session.say(ReplyCode.InvalidRestartPosition, 'restInvalid');
    return;
  }
  const limits = session.server.options.hash;
  if (end - start > limits.maxBytes) {
    session.say(ReplyCode.HashPolicyRefused, 'hashTooLarge');
    return;
  }
  const busy = running.get(session.server) ?? 0;
  if (busy >= limits.concurrency) {
    session.say(ReplyCode.FileUnavailableBusy, 'hashBusy');
    return;
  }
  running.set(session.server, busy + 1);
  try {
    await runControlJob(session, { command: ctx.command, path }, async (job) => {
      const hex = await hashFile(fs, path, { algorithm, start, end }, session.fsContext(AbortSignal.any([job.signal, session.signal])), job.count());
      answer(hex, start, Math.max(start, end - 1));
    });
  } finally {
    running.set(session.server, (running.get(session.server) ?? 1) - 1);
  }
}

export const HASH = command({
  name: 'HASH',
  argument: 'required',
  path: true,
  permission: 'read',
  feat: (session) => {
    const current = selected(session);
    return 'HASH ' + session.server.options.hash.algorithms.map((a) => (a === current ? `${a}*` : a)).join(';');
  },
  help: 'HASH <sp> pathname (digest with the OPTS HASH algorithm, of the RANG range)',
  enabled,
  opts({ session }, value) {
    const name = value.trim();
    if (name === '') {
      session.reply(ReplyCode.CommandOkay, selected(session));
      return;
    }
    const algorithm = findAlgorithm(session, name);
    if (!algorithm) {
      session.say(ReplyCode.ArgumentSyntaxError, 'hashUnknownAlgorithm');
      return;
    }
    state(session).algorithm = algorithm;
    session.reply(ReplyCode.CommandOkay, algorithm);
  },
  handler(ctx) {
    const algorithm = selected(ctx.session);
    const range = rangeOf(ctx.session) ?? { start: 0 };
    return digest(ctx, ctx.path, algorithm, range, (hex, start, last) => {
      ctx.session.reply(ReplyCode.FileStatus, `${algorithm} ${start}-${last} ${hex} ${ctx.argument}`);
    });
  },
});

export const RANG = command({
  name: 'RANG',
  argument: 'required',
  help: 'RANG <sp> start <sp> end (bytes, end inclusive; RANG 1 0 resets) for HASH and RETR',
  enabled,
  handler({ session, argument }) {
    const match = /^(\d{1,15})\s+(\d{1,15})$/.exec(argument.trim());
    const start = Number(match?.[1]);
    const end = Number(match?.[2]);
    if (match && start === 1 && end === 0) {
      clearRange(session);
      session.say(ReplyCode.PendingFurtherInformation, 'rangReset');
      return;
    }
    if (!match || start > end) {
      clearRange(session);
      session.say(ReplyCode.ArgumentSyntaxError, 'rangInvalid');
      return;
    }
    state(session).range = { start, end };
    session.restOffset = 0;
    session.say(ReplyCode.PendingFurtherInformation, 'rangOk', { start, end });
  },
});

/**
 * `X… path [start end]`: two trailing numbers are a byte range (end exclusive,
 * as the servers that introduced these commands read it); a name with spaces
 * or ending in numbers can be quoted: `XCRC "my file 1 2"`.
 */
export function parseDigestArgument(argument: string): { path: string; start: number; end: number | undefined } {
  const text = argument.trim();
  const quoted = /^"((?:[^"]|"")*)"(?:\s+(\d{1,15})(?:\s+(\d{1,15}))?)?$/.exec(text);
  if (quoted) return { path: quoted[1]!.replace(/""/g, '"'), start: Number(quoted[2] ?? 0), end: quoted[3] === undefined ? undefined : Number(quoted[3]) };
  const ranged = /^(.*\S)\s+(\d{1,15})\s+(\d{1,15})$/.exec(text);
  if (ranged) return { path: ranged[1]!, start: Number(ranged[2]), end: Number(ranged[3]) };
  return { path: text, start: 0, end: undefined };
}

function xDigest(name: string, algorithm: HashAlgorithm): CommandSpec {
  return command({
    name,
    argument: 'required',
    path: (argument) => parseDigestArgument(argument).path,
    permission: 'read',
    feat: name,
    help: `${name} <sp> pathname [<sp> start <sp> end] (${algorithm} of the file or of bytes start..end-1)`,
    enabled: offers(algorithm),
    handler(ctx) {
      const { start, end } = parseDigestArgument(ctx.argument);
      if (end !== undefined && end <= start) {
        ctx.session.say(ReplyCode.ArgumentSyntaxError, 'rangInvalid');
        return;
      }
      return digest(ctx, ctx.path, algorithm, { start, end: end === undefined ? undefined : end - 1 }, (hex) => {
        ctx.session.reply(ReplyCode.FileActionOkay, algorithm === 'CRC32' ? hex.toUpperCase() : hex);
      });
    },
  });
}

export const XCRC = xDigest('XCRC', 'CRC32');
export const XMD5 = xDigest('XMD5', 'MD5');
export const XSHA1 = xDigest('XSHA1', 'SHA-1');
export const XSHA256 = xDigest('XSHA256', 'SHA-256');
export const XSHA512 = xDigest('XSHA512', 'SHA-512');

export const hashCommands: readonly CommandSpec[] = [HASH, RANG, XCRC, XMD5, XSHA1, XSHA256, XSHA512];
