import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { DataConnectionError, type Abortable, type DataSetup, type DataSocketWrapper } from './data-setup.js';

/** PORT/EPRT: the server dials the client when the transfer command comes. */
export class ActiveTarget implements DataSetup {
  readonly kind = 'active';
  private socket: ReturnType<typeof connect> | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly localAddress: string | undefined,
    private readonly wrap: DataSocketWrapper | undefined,
  ) {}

  open(timeoutMs: number, transfer: Abortable): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, ...(this.localAddress ? { localAddress: this.localAddress } : {}), noDelay: true });
      this.socket = socket;
      const timer = setTimeout(() => fail(new DataConnectionError('Data connection not opened in time.', 'timeout')), timeoutMs);
      const onAbort = () => fail(transfer.abortError);
      let unsubscribe = (): void => undefined;
      const cleanup = () => {
        clearTimeout(timer);
        unsubscribe();
        socket.off('error', onError);
      };
      const fail = (error: Error) => {
        cleanup();
        socket.destroy();
        reject(error);
      };
      const onError = () => fail(new DataConnectionError("Can't open data connection.", 'refused'));
      socket.on('error', onError);
      socket.once('connect', () => {
        socket.on('error', () => undefined); // reported through the transfer
        let wrapped: Duplex | Promise<Duplex>;
        try {
          wrapped = this.wrap ? this.wrap(socket) : socket;
        } catch (error) {
          // In an event handler a throw would be an uncaught exception in the host.
          fail(error instanceof Error ? error : new DataConnectionError("Can't open data connection.", 'failed'));
          return;
        }
        if (!(wrapped instanceof Promise)) {
          cleanup();
          resolve(wrapped);
          return;
        }
        // TLS: still abortable (and timed) until the handshake settles.
        wrapped.then(
          (stream) => {
            cleanup();
            resolve(stream);
          },
          (error: Error) => fail(error),
        );
      });
      unsubscribe = transfer.onAbort(onAbort);
    });
  }

  close(): void {
    this.socket?.destroy();
  }
}
