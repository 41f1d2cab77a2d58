import type { UserLimits } from '../auth/types.js';

/** How often `transferProgress` fires. */
export interface ProgressOptions {
  /** At most one event per transfer this often (ms, default 1000). */
  intervalMs?: number;
  /** ...and only once at least this many more bytes moved (default 1: any progress). */
  bytes?: number;
}

/** Server-wide transfer rates, shared by every session (token buckets). */
export interface BandwidthOptions {
  /** Total upload rate of the server, bytes per second (default unlimited). */
  uploadRate?: number;
  /** Total download rate of the server, bytes per second (default unlimited). */
  downloadRate?: number;
}

export interface ResolvedLimitOptions {
  progress: Required<ProgressOptions>;
  bandwidth: BandwidthOptions;
  userLimits: UserLimits;
}

const LIMIT_KEYS = ['maxFileSize', 'quotaBytes', 'uploadRate', 'downloadRate', 'maxSessions'] as const;

/** Checks one `UserLimits` object; problems are reported with `where` as prefix. */
export function checkUserLimits(limits: UserLimits | undefined, where: string, problems: string[]): void {
  if (limits === undefined) return;
  if (typeof limits !== 'object' || limits === null) {
    problems.push(`${where} must be an object`);
    return;
  }
  for (const key of LIMIT_KEYS) {
    const value = limits[key];
    if (value === undefined) continue;
    const ok = key === 'maxSessions' || key === 'maxFileSize' || key === 'quotaBytes' ? Number.isInteger(value) && value >= 0 : typeof value === 'number' && value > 0;
    if (!ok) problems.push(`${where}.${key} must be ${key.endsWith('Rate') ? 'a positive number of bytes per second' : 'a whole number, 0 or more'}`);
  }
}

/** Defaults and checks for the progress, bandwidth and userLimits options. */
export function resolveLimitOptions(
  options: { progress?: ProgressOptions | undefined; bandwidth?: BandwidthOptions | undefined; userLimits?: UserLimits | undefined },
  problems: string[],
): ResolvedLimitOptions {
  const progress = options.progress ?? {};
  if (progress.intervalMs !== undefined && !(Number.isFinite(progress.intervalMs) && progress.intervalMs >= 10)) {
    problems.push('progress.intervalMs must be a number of milliseconds, at least 10');
  }
  if (progress.bytes !== undefined && !(Number.isInteger(progress.bytes) && progress.bytes >= 0)) {
    problems.push('progress.bytes must be a whole number, 0 or more');
  }
  const bandwidth = options.bandwidth ?? {};
  for (const key of ['uploadRate', 'downloadRate'] as const) {
    const rate = bandwidth[key];
    if (rate !== undefined && !(typeof rate === 'number' && rate > 0)) problems.push(`bandwidth.${key} must be a positive number of bytes per second`);
  }
  checkUserLimits(options.userLimits, 'userLimits', problems);
  return {
    progress: { intervalMs: progress.intervalMs ?? 1000, bytes: progress.bytes ?? 1 },
    bandwidth: { ...bandwidth },
    userLimits: { ...options.userLimits },
  };
}
