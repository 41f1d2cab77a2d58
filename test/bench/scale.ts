/** How big each case is. `full` is the benchmark; the others are for quick looks and CI. */
export interface Scale {
  name: 'full' | 'quick' | 'tiny';
  /** Size of the big RETR/STOR file, in bytes. */
  bigFile: number;
  smallFiles: number;
  smallFileSize: number;
  noops: number;
  concurrentClients: number;
  listEntries: number;
  hugeListEntries: number;
  idleSessions: number;
  runs: number;
  /** Longest wait for any reply or data, per client (ms). */
  timeoutMs: number;
  /** How long memory is left to settle before it is read (ms). */
  settleMs: number;
}

const MiB = 1024 * 1024;

export const SCALES: Record<Scale['name'], Scale> = {
  full: {
    name: 'full',
    bigFile: 1024 * MiB,
    smallFiles: 1000,
    smallFileSize: 4096,
    noops: 10_000,
    concurrentClients: 500,
    listEntries: 50_000,
    hugeListEntries: 1_000_000,
    idleSessions: 1000,
    runs: 3,
    timeoutMs: 120_000,
    settleMs: 1000,
  },
  quick: {
    name: 'quick',
    bigFile: 256 * MiB,
    smallFiles: 200,
    smallFileSize: 4096,
    noops: 2000,
    concurrentClients: 100,
    listEntries: 10_000,
    hugeListEntries: 100_000,
    idleSessions: 200,
    runs: 3,
    timeoutMs: 60_000,
    settleMs: 1000,
  },
  tiny: {
    name: 'tiny',
    bigFile: 4 * MiB,
    smallFiles: 10,
    smallFileSize: 4096,
    noops: 100,
    concurrentClients: 10,
    listEntries: 200,
    hugeListEntries: 1000,
    idleSessions: 10,
    runs: 1,
    timeoutMs: 30_000,
    settleMs: 100,
  },
};

/** "1 GiB", "256 MiB", "50,000", for row labels. */
export function bytesLabel(bytes: number): string {
  return bytes >= 1024 * MiB ? `${bytes / (1024 * MiB)} GiB` : bytes >= MiB ? `${bytes / MiB} MiB` : `${bytes / 1024} KiB`;
}

export function countLabel(n: number): string {
  return n.toLocaleString('en-US');
}
