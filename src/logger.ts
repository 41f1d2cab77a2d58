import createDebug from 'debug';

/**
 * A pino-compatible logger (pino, bunyan-style or anything with these methods).
 * `child()` is used, when present, to bind the session id once per session.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child?(bindings: Record<string, unknown>): Logger;
}

export type LogArea = 'server' | 'session' | 'command' | 'data' | 'tls' | 'auth' | 'hooks';

const namespaces = {
  server: createDebug('ftpkit:server'),
  session: createDebug('ftpkit:session'),
  command: createDebug('ftpkit:command'),
  data: createDebug('ftpkit:data'),
  tls: createDebug('ftpkit:tls'),
  auth: createDebug('ftpkit:auth'),
  hooks: createDebug('ftpkit:hooks'),
} satisfies Record<LogArea, createDebug.Debugger>;

/**
 * Logs to the `debug` namespace of its area and, when the host gave one, to its
 * logger. Callers never pass secrets: the PASS argument is redacted before it
 * reaches any log.
 */
export class Log {
  constructor(
    private readonly logger: Logger | undefined,
    private readonly prefix = '',
  ) {}

  /** A log bound to one session (a pino child when the host logger has `child`). */
  forSession(sessionId: string): Log {
    const logger = this.logger?.child ? this.logger.child({ session: sessionId }) : this.logger;
    return new Log(logger, `[${sessionId}] `);
  }

  debug(area: LogArea, msg: string, fields: Record<string, unknown> = {}): void {
    this.write('debug', area, msg, fields);
  }

  info(area: LogArea, msg: string, fields: Record<string, unknown> = {}): void {
    this.write('info', area, msg, fields);
  }

  warn(area: LogArea, msg: string, fields: Record<string, unknown> = {}): void {
    this.write('warn', area, msg, fields);
  }

  error(area: LogArea, msg: string, fields: Record<string, unknown> = {}): void {
    this.write('error', area, msg, fields);
  }

  private write(level: 'debug' | 'info' | 'warn' | 'error', area: LogArea, msg: string, fields: Record<string, unknown>): void {
    const ns = namespaces[area];
    if (ns.enabled) ns('%s%s%s %o', this.prefix, level === 'debug' || level === 'info' ? '' : level.toUpperCase() + ' ', msg, fields);
    if (!this.logger) return;
    try {
      this.logger[level]({ area, ...fields }, msg);
    } catch {
      // A broken logger must not break FTP.
    }
  }

  /** Whether anything would record a debug line of `area` (so hot paths can skip building it). */
  records(area: LogArea): boolean {
    return this.logger !== undefined || namespaces[area].enabled;
  }
}

