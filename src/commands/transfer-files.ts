import { randomBytes } from 'node:crypto';
import { Readable, pipeline, type Duplex } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { setImmediate } from 'node:timers/promises';
import type { FtpUser } from '../auth/types.js';
import { FromNetworkLineEndings, ToNetworkLineEndings } from '../data/ascii.js';
import { sliceChunks, type ChunkCheck } from '../data/byte-counter.js';
import { compressSteps, decompressSteps } from '../data/deflate.js';
import { Intake, sendTo } from '../data/pump.js';
import { takeBytes } from '../data/take-bytes.js';
import { ConfirmedEnd } from '../data/confirmed-end.js';
import { runTransfer, type Transfer, type TransferInfo } from '../data/transfer.js';
import { FtpError, errorKind } from '../errors.js';
import type { FileStat } from '../fs/types.js';
import { guardUpload, type UploadGuard } from '../limits/upload-guard.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import { baseName, joinPath, parentPath } from '../session/paths.js';
import type { Session } from '../session/session.js';
import { rangeOf } from './hash.js';
import { command } from './spec.js';

function modeName(session: Session): string {
  return session.type === 'A' ? 'ASCII' : 'BINARY';
}

/** Takes the REST offset: it applies to the next transfer only. */
function takeOffset(session: Session): number {
  const offset = session.restOffset;
  session.restOffset = 0;
  return offset;
}

/** Uploads into a RANG range are not supported: the filesystem contract writes to the end. */
function refusedForRange(session: Session): boolean {
  if (!rangeOf(session)) return false;
  session.say(ReplyCode.InvalidRestartPosition, 'rangNotForUpload');
  return true;
}

function noDataSetup(session: Session): boolean {
  if (session.dataSetup) return false;
  session.say(ReplyCode.CannotOpenDataConnection, 'noDataConnection');
  return true;
}

export const RETR = command({
  name: 'RETR',
  dataConnection: true,
  argument: 'required',
  path: true,
  permission: 'read',
  help: 'RETR <sp> pathname',
  async handler({ session, path }) {
    const fs = session.fs!;
    const stat = await fs.stat(path, session.fsContext());
    if (stat.type !== 'file') throw new FtpError('is-a-directory', session.t('notAFile'), { public: true });
    // A RANG range (draft-bryan-ftp-range) sends bytes start..end, clipped to the file.
    const range = rangeOf(session);
    const offset = range ? Math.min(range.start, stat.size) : takeOffset(session);
    const length = range ? Math.max(0, Math.min(range.end + 1, stat.size) - offset) : stat.size - offset;
    if (offset > stat.size) {
      session.say(ReplyCode.InvalidRestartPosition, 'restInvalid');
      return;
    }
    if (noDataSetup(session)) return;
    const opened = await fs.read(path, { start: offset }, session.fsContext());
    const source = opened instanceof Readable ? opened : Readable.from(opened, { objectMode: false });
    source.on('error', () => undefined); // reported through the transfer
    try {
      const what = `${baseName(path)} (${length} bytes)`;
      await runTransfer(session, { direction: 'download', command: 'RETR', path, offset, opening: session.t('openingData', { type: modeName(session), what }) }, async (stream, transfer) => {
        const steps: NodeJS.ReadWriteStream[] = session.type === 'A' ? [new ToNetworkLineEndings()] : [];
        source.once('error', (error) => transfer.noteFailure('storage', error));
        const compress = compressSteps(session);
        // The common case (binary, stream mode, whole file, no rate limit) needs no stream stage at all.
        if (steps.length === 0 && compress.length === 0 && !range && !transfer.throttle) return sendTo(source, stream, transfer.tally);
        const bytes = range ? takeBytes(source, length) : source;
        await pipelineAsync([bytes, ...steps, sliceChunks(), transfer.count(), ...compress, stream]);
      });
    } finally {
      source.destroy();
    }
  },
});

/**
 * Feeds the data connection into storage and answers only once storage says
 * the bytes are kept. Limits (maximum file size, quota) are checked on every
 * chunk; crossing one stops the upload at once with 552, and a file the
 * upload created is removed (see docs/storage.md, "Partial files"). Then the
 * host may still veto (beforeUploadCommit): what the upload wrote is taken
 * back (unless the hook says `keep`) and the client gets the host's 4xx/5xx
 * instead of 226. Taking back means cutting the file to the `kept` bytes that
 * were there before (APPE, REST+STOR), or removing it when nothing was.
 */
async function receive(session: Session, stream: Duplex, transfer: Transfer, guard: UploadGuard, path: string, start: number, append: boolean, kept: number): Promise<void> {
  const user = session.user!;
  const check = guard.check;
  const limit: ChunkCheck | undefined =
    check &&
    ((chunk, total) => {
      const error = check(chunk, total);
      return error && (transfer.fail('limit', error) as Error);
    });
  const steps: NodeJS.ReadWriteStream[] = [...decompressSteps(session), ...(session.type === 'A' ? [new FromNetworkLineEndings()] : [])];
  // Binary stream mode without a rate limit (the common case) reads the socket
  // directly; conversions and throttling need their stream stages.
  const direct = steps.length === 0 && !transfer.throttle;
  const counter = direct ? new Intake(stream, transfer.tally, limit) : transfer.count(limit);
  // Storage that fails while reading the upload errors this stream first.
  counter.once('error', (error) => transfer.noteFailure('storage', error));
  const source = direct ? counter : (pipeline([stream, new ConfirmedEnd(stream), ...steps, counter], () => undefined) as unknown as Readable);
  // The transfer's signal also fires when the session ends (the session aborts its transfer).
  const ctx = session.fsContext(transfer);
  try {
    await session.fs!.write(path, source, { start, append }, ctx);
    if (counter.errored) throw counter.errored;
    await uploadConsumed(source);
  } catch (error) {
    if (transfer.failure === 'limit' && guard.created) await session.fs!.delete(path, session.fsContext()).catch(() => undefined);
    // Not simply discarded: an interrupted upload may stay on disk (LocalFileSystem without atomicUploads).
    await guard.recount();
    throw error;
  }
  if (!session.server.hooks.has('beforeUploadCommit')) return;
  const outcome = await session.server.hooks.run('beforeUploadCommit', {
    session,
    user,
    filesystem: session.fs!,
    signal: session.signal,
    command: transfer.info.command,
    path,
    bytes: transfer.bytes,
    offset: start,
    append,
  });
  if (outcome.kind === 'continue') return;
  if (outcome.kind === 'failed') session.server.reportError(outcome.error, session);
  const code = outcome.kind === 'reply' && outcome.code !== undefined && outcome.code >= 400 ? outcome.code : ReplyCode.FileUnavailable;
  const refusal =
    outcome.kind === 'failed'
      ? new FtpError('transient', session.t('uploadCheckFailed'), { public: true, code: ReplyCode.LocalError })
      : new FtpError('permission-denied', outcome.message ?? session.t('uploadRejected'), { public: true, code });
  transfer.fail('rejected', refusal);
  if (outcome.kind === 'failed' || !outcome.keep) {
    await takeBack(session, path, kept);
    await guard.recount();
  }
  throw refusal;
}

/**
 * Undoes a vetoed upload: an empty write at `kept` cuts the file back to the
 * bytes it had before (the contract keeps bytes before `start`), so an APPE
 * veto does not destroy the file it was appended to.
 */
async function takeBack(session: Session, path: string, kept: number): Promise<void> {
  const fs = session.fs!;
  const ctx = session.fsContext();
  if (kept === 0) await fs.delete(path, ctx).catch(() => undefined);
  else await fs.write(path, Readable.from([]), { start: kept, append: false }, ctx).catch(() => undefined);
}

/**
 * 226 promises the client that every byte it sent is stored. A backend whose
 * write() resolved without reading the upload to its end (the contract says it
 * must not) would have that promise broken silently: fail the upload instead.
 */
async function uploadConsumed(source: Readable): Promise<void> {
  // The last chunk may have been read with 'end' still a tick away.
  if (!source.readableEnded) await setImmediate();
  if (!source.readableEnded) throw new Error('filesystem write() resolved before reading the whole upload');
}

/** Bytes of the previous file an upload leaves in place: all of it for APPE, the prefix for REST+STOR. */
function keptBytes(existing: FileStat | null | undefined, offset: number, append: boolean): number {
  if (!existing || existing.type !== 'file') return 0;
  return append ? existing.size : Math.min(offset, existing.size);
}

/**
 * Runs an upload with its limits prepared before 150 and released after the
 * reply. `existing` is the target's stat when the caller already has it
 * (null: it does not exist).
 */
async function upload(session: Session, info: Omit<TransferInfo, 'direction' | 'offset'>, offset: number, append: boolean, existing?: FileStat | null): Promise<void> {
  const guard = await guardUpload(session, info.path, { offset, append, existing });
  let received = false;
  try {
    await runTransfer(session, { ...info, direction: 'upload', offset }, (stream, transfer) => {
      received = true;
      return receive(session, stream, transfer, guard, info.path, offset, append, keptBytes(existing, offset, append));
    });
  } finally {
    // No data connection (425, 426 before it opened): storage was never called,
    // so the replaced file's credit goes back to the ledger. receive settles every
    // other failure itself (it may still run after an abort's reply).
    if (!received) guard.discard();
    guard.release();
  }
}

async function store(session: Session, command: 'STOR' | 'APPE', path: string): Promise<void> {
  if (refusedForRange(session)) return;
  const offset = takeOffset(session);
  // APPE after REST resumes at the offset like STOR; plain APPE appends.
  const append = command === 'APPE' && offset === 0;
  // Resuming at an offset cuts the file there first: that is a write, not an append.
  if (!append && !session.may('write', path)) throw new FtpError('permission-denied');
  // One stat before the 150: a directory is refused up front (not with 150 then 550),
  // and a restart offset must lie inside an existing file.
  const stat = await session.fs!.stat(path, session.fsContext()).catch((error: unknown) => {
    if (errorKind(error) === 'not-found') return undefined;
    throw error;
  });
  if (stat?.type === 'directory') throw new FtpError('is-a-directory', session.t('notAFile'), { public: true });
  if (offset > 0 && (!stat || stat.type !== 'file' || offset > stat.size)) {
    session.say(ReplyCode.InvalidRestartPosition, 'restInvalid');
    return;
  }
  if (noDataSetup(session)) return;
  const opening = session.t('openingData', { type: modeName(session), what: baseName(path) });
  await upload(session, { command, path, opening }, offset, append, stat ?? null);
}

export const STOR = command({
  name: 'STOR',
  dataConnection: true,
  argument: 'required',
  path: true,
  permission: 'write',
  help: 'STOR <sp> pathname',
  handler: ({ session, path }) => store(session, 'STOR', path),
});

export const APPE = command({
  name: 'APPE',
  dataConnection: true,
  argument: 'required',
  path: true,
  permission: 'append',
  help: 'APPE <sp> pathname',
  handler: ({ session, path }) => store(session, 'APPE', path),
});

export const STOU = command({
  name: 'STOU',
  dataConnection: true,
  argument: 'optional',
  path: true,
  permission: 'write',
  help: 'STOU [<sp> name-hint]',
  async handler({ session, argument, path }) {
    if (refusedForRange(session)) return;
    takeOffset(session);
    const dir = argument.trim() === '' ? session.cwd : parentPath(path);
    const hint = argument.trim() === '' ? 'file' : baseName(path);
    const target = await uniqueName(session, dir, hint);
    if (noDataSetup(session)) return;
    const name = baseName(target);
    // RFC 1123 4.1.2.9: the 150 reply names the file as "FILE: name".
    await upload(session, { command: 'STOU', path: target, opening: `FILE: ${name}`, closing: session.t('uniqueComplete', { name }) }, 0, false, null);
  },
});

async function uniqueName(session: Session, dir: string, hint: string): Promise<string> {
  for (let attempt = 0; attempt < 16; attempt++) {
    const candidate = joinPath(dir, attempt === 0 && hint !== 'file' ? hint : `${hint}.${randomBytes(4).toString('hex')}`);
    try {
      await session.fs!.stat(candidate, session.fsContext());
    } catch (error) {
      if (errorKind(error) === 'not-found') return candidate;
      throw error;
    }
  }
  throw new FtpError('exists', 'Could not find a unique name.', { public: true, code: ReplyCode.FileNameNotAllowed });
}
