import type { FtpUser, UserLimits } from '../auth/types.js';
import type { Throttle } from '../data/byte-counter.js';
import type { TransferDirection } from '../events.js';
import type { ResolvedLimitOptions } from './options.js';
import { TokenBucket, takeFrom } from './token-bucket.js';

/** Bytes a user's uploads in flight have added, against a measured starting point. */
export interface QuotaLedger {
  /** Usage measured when the first of the current uploads began. */
  measured: Promise<number> | undefined;
  /** Net bytes the uploads in flight add (received minus what they replace). */
  pending: number;
  /** Uploads in flight; at 0 the ledger forgets, and the next upload measures again. */
  uploads: number;
}

interface UserState {
  upload: TokenBucket | undefined;
  download: TokenBucket | undefined;
  ledger: QuotaLedger;
}

/**
 * What the server keeps to enforce limits across sessions: server-wide
 * token buckets, and per logged-in user their buckets (shared by all their
 * sessions) and their quota ledger. A user's state is dropped when their last
 * session logs out.
 */
export class LimitRegistry {
  private readonly global: { upload: TokenBucket | undefined; download: TokenBucket | undefined };
  private readonly users = new Map<string, UserState>();

  constructor(private readonly options: ResolvedLimitOptions) {
    const { uploadRate, downloadRate } = options.bandwidth;
    this.global = {
      upload: uploadRate ? new TokenBucket(uploadRate) : undefined,
      download: downloadRate ? new TokenBucket(downloadRate) : undefined,
    };
  }

  /** The server's `userLimits` with the user's own `limits` on top. */
  limitsOf(user: FtpUser): UserLimits {
    const own = user.limits;
    if (!own) return this.options.userLimits;
    const merged: UserLimits = { ...this.options.userLimits };
    for (const [key, value] of Object.entries(own) as [keyof UserLimits, number | undefined][]) {
      if (value !== undefined) merged[key] = value;
    }
    return merged;
  }

  /** The rate limit for one transfer, or undefined when nothing limits it. */
  throttleFor(user: FtpUser | undefined, direction: TransferDirection): Throttle | undefined {
    if (direction === 'listing') return undefined;
    const buckets: TokenBucket[] = [];
    const global = this.global[direction];
    if (global) buckets.push(global);
    const own = user ? this.stateOf(user)[direction] : undefined;
    if (own) buckets.push(own);
    if (buckets.length === 0) return undefined;
    return { delay: (bytes) => takeFrom(buckets, bytes) };
  }

  /** The quota ledger of a logged-in user. */
  ledgerOf(user: FtpUser): QuotaLedger {
    return this.stateOf(user).ledger;
  }

  /** A user logged in (again): their buckets follow their current limits. */
  loggedIn(user: FtpUser): void {
    this.stateOf(user);
  }

  /** A user's last session logged out. */
  forget(username: string): void {
    this.users.delete(username);
  }

  private stateOf(user: FtpUser): UserState {
    const limits = this.limitsOf(user);
    let state = this.users.get(user.username);
    if (!state) {
      state = { upload: undefined, download: undefined, ledger: { measured: undefined, pending: 0, uploads: 0 } };
      this.users.set(user.username, state);
    }
    state.upload = bucketFor(state.upload, limits.uploadRate);
    state.download = bucketFor(state.download, limits.downloadRate);
    return state;
  }
}

function bucketFor(bucket: TokenBucket | undefined, rate: number | undefined): TokenBucket | undefined {
  if (!rate) return undefined;
  if (!bucket) return new TokenBucket(rate);
  bucket.setRate(rate);
  return bucket;
}
