import type { Duplex } from 'node:stream';
import { ReplyCode } from '../protocol/reply-codes.js';

/**
 * A data connection being prepared by PASV/EPSV (a listener) or PORT/EPRT (a
 * target to dial). The transfer command opens it exactly once.
 */
/** What a data connection waits on besides its timeout: the transfer being stopped. */
export interface Abortable {
  readonly aborted: boolean;
  /** The error a stopped transfer fails with. */
  readonly abortError: Error;
  /** Calls `listener` once, when stopped (at once if it was); returns how to unsubscribe. */
  onAbort(listener: () => void): () => void;
}

export interface DataSetup {
  readonly kind: 'passive' | 'active';
  /** The connected (and, with PROT P, TLS-wrapped) data stream. */
  open(timeoutMs: number, transfer: Abortable): Promise<Duplex>;
  /** Free the port or socket without opening. Safe to call twice. */
  close(): void;
  /**
   * Settles once a TLS handshake the client started around the transfer
   * command (curl, basic-ftp) has finished, or at once when there is none.
   * The transfer awaits it (bounded) before 150: the session ticket issued at
   * the end of the handshake then reaches the client before it can send a
   * file and close, so its next data connection can resume (OpenSSL clients
   * use each TLS 1.3 ticket once). Clients that start TLS after 150 are not
   * kept waiting (see tls/data.ts).
   */
  handshakeInFlight?(): Promise<void> | undefined;
}

/**
 * Turns a raw data socket into the stream to transfer on (TLS under PROT P).
 * A promise settles when the stream is usable (the TLS handshake is done) or
 * refused; it is called as soon as the socket connects, and awaited only by
 * the transfer, after its 150 reply.
 */
export interface DataSocketWrapper {
  (socket: import('node:net').Socket): Duplex | Promise<Duplex>;
  /** See `DataSetup.handshakeInFlight`: settles when 150 may go out while no wrapped stream is ready yet. */
  readyForReply?(): Promise<void>;
}

export class DataConnectionError extends Error {
  constructor(
    message: string,
    readonly reason: 'timeout' | 'refused' | 'failed' | 'tls',
    /** Reply to the transfer command (522 when TLS negotiation failed, RFC 4217). */
    readonly code: number = ReplyCode.CannotOpenDataConnection,
  ) {
    super(message);
    this.name = 'DataConnectionError';
  }
}
