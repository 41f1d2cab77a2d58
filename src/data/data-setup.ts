import type { Duplex } from 'node:stream';

/**
 * A data connection being prepared by PASV/EPSV (a listener) or PORT/EPRT (a
 * target to dial). The transfer command opens it exactly once.
 */
export interface DataSetup {
  readonly kind: 'passive' | 'active';
  /** The connected (and, with PROT P, TLS-wrapped) data stream. */
  open(timeoutMs: number, signal: AbortSignal): Promise<Duplex>;
  /** Free the port or socket without opening. Safe to call twice. */
  close(): void;
}

/** Turns a raw data socket into the stream to transfer on (TLS under PROT P). */
export type DataSocketWrapper = (socket: import('node:net').Socket) => Duplex;

export class DataConnectionError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'refused' | 'failed' | 'tls',
  ) {
    super(message);
    this.name = 'DataConnectionError';
  }
}
