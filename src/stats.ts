/** Counters a host reads with `server.stats()`: for dashboards, health checks, metrics. */
export interface ServerStats {
  /** Sessions open now. */
  connections: number;
  /** Sessions logged in now. */
  loggedIn: number;
  /** Transfers (including listings) running now. */
  activeTransfers: number;
  /** Sessions accepted since the server started. */
  totalConnections: number;
  /** Successful logins. */
  logins: number;
  /** Refused logins (any reason). */
  failedLogins: number;
  /** File transfers (RETR, STOR, APPE, STOU) that completed with 226. */
  transfers: number;
  /** File transfers that did not: aborted, broken, refused by a limit or a hook. */
  failedTransfers: number;
  /** Directory listings sent (LIST, NLST, MLSD). */
  listings: number;
  /** File bytes sent to clients (completed and partial transfers). */
  bytesDownloaded: number;
  /** File bytes received from clients (completed and partial transfers). */
  bytesUploaded: number;
  /** Errors reported through the `error` event. */
  errors: number;
}

type Counters = Omit<ServerStats, 'connections' | 'loggedIn' | 'activeTransfers'>;

/**
 * Counts what sessions report. Fed directly by the server for every event,
 * whether or not the host listens to it, so `removeAllListeners()` cannot
 * break the numbers.
 */
export class StatsCounter {
  private readonly c: Counters = {
    totalConnections: 0,
    logins: 0,
    failedLogins: 0,
    transfers: 0,
    failedTransfers: 0,
    listings: 0,
    bytesDownloaded: 0,
    bytesUploaded: 0,
    errors: 0,
  };

  record(event: string, fields: { direction?: string; bytes?: number }): void {
    const c = this.c;
    switch (event) {
      case 'connection':
        c.totalConnections++;
        break;
      case 'login':
        c.logins++;
        break;
      case 'loginFailed':
        c.failedLogins++;
        break;
      case 'transferEnd':
      case 'transferAborted': {
        const { direction, bytes = 0 } = fields;
        if (direction === 'listing') {
          if (event === 'transferEnd') c.listings++;
          break;
        }
        if (event === 'transferEnd') c.transfers++;
        else c.failedTransfers++;
        if (direction === 'upload') c.bytesUploaded += bytes;
        else c.bytesDownloaded += bytes;
        break;
      }
    }
  }

  error(): void {
    this.c.errors++;
  }

  snapshot(now: { connections: number; loggedIn: number; activeTransfers: number }): ServerStats {
    return { ...now, ...this.c };
  }
}
