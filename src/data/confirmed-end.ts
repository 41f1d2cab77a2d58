import { Socket } from 'node:net';
import { Transform, type TransformCallback } from 'node:stream';
import { TLSSocket } from 'node:tls';

/**
 * An upload ends when the client closes the data connection, but an end is not
 * always a clean close: when a reset arrives together with the last bytes,
 * libuv reports the end of the stream (it takes the hang-up as EOF without
 * reading the error). Stored as complete, a truncated file would then get 226.
 *
 * This pass-through holds the end back until a zero-length write on the socket
 * has settled: after a clean close it succeeds and sends nothing; after a
 * reset it fails with the error the read never saw, and the upload fails with
 * it (426) instead of being kept as complete. Plain TCP sockets only: under
 * TLS the TCP socket belongs to the TLS layer. Node takes a TCP close without
 * close_notify as a clean end there too, so TLS uploads share plain FTP's
 * limit (docs/reliability.md, "The limit of stream mode").
 */
export class ConfirmedEnd extends Transform {
  constructor(private readonly socket: unknown) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    confirmEnd(this.socket, (error) => done(error));
  }
}

/** The check itself: `done()` after a clean close, `done(error)` after a reset (see ConfirmedEnd). */
export function confirmEnd(socket: unknown, done: (error?: Error) => void): void {
  if (!(socket instanceof Socket) || socket instanceof TLSSocket || socket.destroyed || !socket.writable) {
    done();
    return;
  }
  socket.write(Buffer.alloc(0), (error) => done(error ?? undefined));
}
