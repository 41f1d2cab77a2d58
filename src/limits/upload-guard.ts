import { errorKind, FtpError } from '../errors.js';
import type { ChunkCheck } from '../data/byte-counter.js';
import type { FileStat } from '../fs/types.js';
import { usedBytes } from '../fs/usage.js';
import type { Session } from '../session/session.js';

export interface UploadGuard {
  /** Per-chunk check of the user's maximum file size and quota; undefined when neither applies. */
  check: ChunkCheck | undefined;
  /** The upload creates the file (it did not exist): a partial one may be removed. */
  created: boolean;
  /**
   * Nothing of the upload is stored (its data connection never opened, or the
   * chunk that crossed the quota): what it added is taken off the quota ledger
   * at once, so uploads still running are not refused for bytes that will not
   * be kept.
   */
  discard(): void;
  /**
   * The upload wrote to storage and then failed or was taken back: the ledger
   * counts what storage shows at the path now (see the policy in guardUpload).
   */
  recount(): Promise<void>;
  /** The upload is over (either way): the ledger forgets once no upload of the user runs. */
  release(): void;
}

const NO_GUARD: UploadGuard = { check: undefined, created: false, discard: () => undefined, recount: async () => undefined, release: () => undefined };

/**
 * Prepares the limits of one upload before 150 is sent: the resulting file may
 * not grow past `maxFileSize`, and the user's tree may not grow past
 * `quotaBytes`. Uploads of the same user running at once share the quota: each
 * chunk is counted against one ledger, so together they cannot overshoot it.
 *
 * Ledger policy: the ledger is `used` (measured once, by the first upload of
 * the user running) plus `pending`, the sum of what each running upload adds
 * to the tree. An upload's share must match what it really leaves in storage
 * for as long as the ledger lives (another upload of the user may keep it
 * alive indefinitely), else a client could slip bytes past the quota:
 * - an upload that never reached storage (its data connection did not open:
 *   425, or no transfer started) is discarded: it replaced nothing either;
 * - an upload that failed or was taken back after writing is recounted from
 *   storage: LocalFileSystem keeps the bytes of an interrupted upload in
 *   place, atomic uploads and MemoryFileSystem keep the old content, a deleted
 *   partial file is gone. When the stat fails, the upload keeps counting what
 *   arrived (too much at worst, never too little);
 * - a stored upload keeps its share until the ledger's last upload ends; the
 *   next upload then measures the tree again.
 */
export async function guardUpload(session: Session, path: string, mode: { offset: number; append: boolean; existing?: FileStat | null | undefined }): Promise<UploadGuard> {
  const user = session.user!;
  const fs = session.fs!;
  const { limits } = session.server;
  const { maxFileSize, quotaBytes } = limits.limitsOf(user);
  if (maxFileSize === undefined && quotaBytes === undefined) return NO_GUARD;

  const ctx = session.fsContext();
  const stat =
    mode.existing !== undefined
      ? mode.existing
      : await fs.stat(path, ctx).catch((error: unknown) => {
          if (errorKind(error) === 'not-found') return null;
          throw error;
        });
  const existing = stat === null ? undefined : stat.type === 'file' ? stat.size : 0;
  const size = existing ?? 0;
  const startsAt = mode.append ? size : mode.offset;
  const replaces = mode.append ? 0 : Math.max(0, size - mode.offset);

  const checks: ChunkCheck[] = [];
  if (maxFileSize !== undefined) {
    const allowed = maxFileSize - startsAt;
    checks.push((_chunk, total) => (total > allowed ? new FtpError('quota-exceeded', session.t('fileTooLarge', { limit: maxFileSize }), { public: true }) : undefined));
  }
  let release = () => undefined as void;
  let discard = () => undefined as void;
  let recount = async () => undefined as void;
  if (quotaBytes !== undefined) {
    const ledger = limits.ledgerOf(user);
    ledger.uploads++;
    // What this upload adds to the tree: its bytes, minus the file it replaces.
    let mine = -replaces;
    let arrived = 0;
    ledger.pending += mine;
    let measured: Promise<number> | undefined;
    discard = () => {
      // Too late once the ledger was reset (a storage call that settled after the reply).
      if (ledger.measured === measured) ledger.pending -= mine;
      mine = 0;
    };
    // Sets the upload's share to what storage holds at the path now, less what was there before.
    recount = async () => {
      const now = await fs.stat(path, session.fsContext()).then(
        (after) => (after.type === 'file' ? after.size : 0),
        (error: unknown) => (errorKind(error) === 'not-found' ? 0 : undefined),
      );
      if (ledger.measured !== measured) return;
      const share = now === undefined ? arrived - replaces : now - size;
      ledger.pending += share - mine;
      mine = share;
    };
    let released = false;
    release = () => {
      if (released) return;
      released = true;
      if (--ledger.uploads === 0) {
        ledger.measured = undefined;
        ledger.pending = 0;
      }
    };
    let used: number;
    try {
      measured = ledger.measured ??= usedBytes(fs, ctx);
      used = await measured;
    } catch (error) {
      ledger.measured = undefined;
      release();
      throw error;
    }
    checks.push((chunk) => {
      arrived += chunk;
      mine += chunk;
      ledger.pending += chunk;
      if (used + ledger.pending <= quotaBytes) return undefined;
      discard();
      return new FtpError('quota-exceeded', session.t('quotaExceeded', { limit: quotaBytes }), { public: true });
    });
  }
  const check: ChunkCheck = (chunk, total) => {
    for (const one of checks) {
      const error = one(chunk, total);
      if (error) return error;
    }
    return undefined;
  };
  return { check, created: existing === undefined, discard, recount, release };
}

/**
 * How many bytes one more upload could still add for this session's user
 * (ALLO): the maximum file size, and what is left of the quota. Infinity when
 * neither limits the user.
 */
export async function uploadAllowance(session: Session): Promise<{ bytes: number; kind: 'quota-exceeded' }> {
  const user = session.user!;
  const { limits } = session.server;
  const { maxFileSize, quotaBytes } = limits.limitsOf(user);
  let bytes = maxFileSize ?? Infinity;
  if (quotaBytes !== undefined) {
    const ledger = limits.ledgerOf(user);
    const used = await (ledger.measured ?? usedBytes(session.fs!, session.fsContext()));
    bytes = Math.min(bytes, quotaBytes - used - ledger.pending);
  }
  return { bytes: Math.max(0, bytes), kind: 'quota-exceeded' };
}
