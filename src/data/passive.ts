import type { Server, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { sameAddress, canonicalAddress } from '../net/address.js';
import { DataConnectionError, type Abortable, type DataSetup, type DataSocketWrapper } from './data-setup.js';
import type { PassivePortPool } from './port-pool.js';

export interface PassiveListenerOptions {
  pool: PassivePortPool;
  /** Local address to listen on: the one the control connection arrived at. */
  host: string;
  /** The control connection's remote address; others are strangers. */
  clientAddress: string;
  allowAnyAddress: boolean;
  wrap: DataSocketWrapper | undefined;
  onStranger(address: string): void;
}

/**
 * A passive data port waiting for its client. The client usually connects
 * before sending the transfer command, so the connection is accepted (and its
 * TLS handshake started) at once and kept until the command takes it. A
 * connection from any other address is refused and the port keeps waiting for
 * the real client: a stranger cannot steal or kill the transfer.
 */
export class PassiveListener implements DataSetup {
  readonly kind = 'passive';
  private server: Server | undefined;
  private stream: Duplex | undefined;
  private waiter: ((result: Duplex | Error) => void) | undefined;
  private closed = false;
  /** Sockets whose TLS handshake (PROT P) is still running (made for the first one). */
  private negotiating: Set<Socket> | undefined;
  /** Why the last protected connection was refused: the transfer's answer if no good one comes. */
  private refusal: Error | undefined;
  /** Once a transfer took the stream, the transfer owns (and closes) it. */
  private taken = false;

  private constructor(private readonly options: PassiveListenerOptions) {}

  static async open(options: PassiveListenerOptions): Promise<PassiveListener> {
    const listener = new PassiveListener(options);
    listener.server = await options.pool.listen(options.host, (socket) => listener.accept(socket));
    return listener;
  }

  get port(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  open(timeoutMs: number, transfer: Abortable): Promise<Duplex> {
    if (this.stream) {
      this.taken = true;
      return Promise.resolve(this.stream);
    }
    if (this.closed) return Promise.reject(new DataConnectionError('Data connection closed.', 'failed'));
    if (this.refusal && !this.handshaking) {
      const refusal = this.refusal;
      this.close();
      return Promise.reject(refusal);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new DataConnectionError('Data connection not opened in time.', 'timeout')), timeoutMs);
      const onAbort = () => finish(transfer.abortError);
      let unsubscribe = (): void => undefined;
      const finish = (result: Duplex | Error) => {
        clearTimeout(timer);
        unsubscribe();
        this.waiter = undefined;
        if (result instanceof Error) {
          this.close();
          reject(result);
        } else {
          this.taken = true;
          resolve(result);
        }
      };
      if (transfer.aborted) return onAbort();
      unsubscribe = transfer.onAbort(onAbort);
      this.waiter = finish;
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server?.close();
    this.server = undefined;
    if (!this.taken) this.stream?.destroy();
    if (this.negotiating) for (const socket of this.negotiating) socket.destroy();
  }

  /** A TLS handshake on a data connection is still running. */
  private get handshaking(): boolean {
    return this.negotiating !== undefined && this.negotiating.size > 0;
  }

  handshakeInFlight(): Promise<void> | undefined {
    return this.stream ? undefined : this.options.wrap?.readyForReply?.();
  }

  private accept(socket: Socket): void {
    socket.on('error', () => undefined); // reported through the transfer, never uncaught
    const { clientAddress, allowAnyAddress } = this.options;
    if (this.stream || this.closed) {
      socket.destroy();
      return;
    }
    if (!allowAnyAddress && !sameAddress(socket.remoteAddress, clientAddress)) {
      socket.destroy();
      this.options.onStranger(canonicalAddress(socket.remoteAddress));
      return;
    }
    socket.setNoDelay(true);
    let wrapped: Duplex | Promise<Duplex>;
    try {
      wrapped = this.options.wrap ? this.options.wrap(socket) : socket;
    } catch (error) {
      // In a connection handler a throw would be an uncaught exception in the host.
      socket.destroy();
      this.refusal = error instanceof Error ? error : new DataConnectionError("Can't open data connection.", 'failed');
      if (!this.handshaking) this.waiter?.(this.refusal);
      return;
    }
    if (!(wrapped instanceof Promise)) {
      this.use(wrapped);
      return;
    }
    // TLS: the handshake runs now, whenever the client starts it. A connection
    // that fails it (no session resumption: not our client) is refused and the
    // port keeps listening; a transfer waiting for it gets the reason.
    (this.negotiating ??= new Set()).add(socket);
    wrapped.then(
      (stream) => {
        this.negotiating!.delete(socket);
        if (this.stream || this.closed) stream.destroy();
        else this.use(stream);
      },
      (error: Error) => {
        this.negotiating!.delete(socket);
        this.refusal = error;
        if (!this.handshaking) this.waiter?.(error);
      },
    );
  }

  private use(stream: Duplex): void {
    // One connection per PASV: stop listening so the port is free again.
    this.server?.close();
    this.server = undefined;
    this.stream = stream;
    this.waiter?.(stream);
  }
}
