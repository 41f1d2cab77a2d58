import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { tlsOf } from './state.js';

/**
 * The control connection's TLS runs on this pass-through rather than on the
 * TCP socket itself (a TLSSocket built on the socket takes its handle): the
 * session can always end the plain socket, even mid handshake, and CCC (RFC
 * 4217 section 6) can stop the pass-through right after the server's
 * close_notify went out and carry plain commands on the TCP socket again.
 */
export class SocketTap extends Duplex {
  /** CCC began: nothing more is read into TLS. */
  private stopped = false;
  private released = false;
  private onReleased: ((released: boolean) => void) | undefined;
  private readonly onData = (chunk: Buffer) => {
    if (!this.push(chunk)) this.raw.pause();
  };
  private readonly onEnd = () => this.push(null);
  private readonly onClose = () => this.destroy();

  constructor(readonly raw: Socket) {
    super();
    raw.on('data', this.onData);
    raw.on('end', this.onEnd);
    raw.on('close', this.onClose);
  }

  override _read(): void {
    // Once CCC began, a resumed socket would hand the client's plain commands to nobody.
    if (!this.stopped) this.raw.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.raw.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.onReleased) {
      // The TLS layer wrote its close_notify and shuts down: the TCP socket stays open.
      this.detach();
      callback();
      return;
    }
    this.raw.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.released) {
      this.raw.destroy();
      // A CCC waiting for the close_notify must not wait for a connection that is gone.
      this.onReleased?.(false);
    }
    callback(error);
  }

  /**
   * CCC: stops feeding TLS at once (whatever the client sends from now on is
   * plain, or TLS records to skip) and resolves once TLS has written its
   * close_notify (after `tls.end()`); the TCP socket is then the caller's.
   * Resolves false when the connection went away first.
   */
  release(): Promise<boolean> {
    this.stopped = true;
    this.raw.off('data', this.onData);
    this.raw.pause();
    return new Promise((resolve) => (this.onReleased = resolve));
  }

  private detach(): void {
    this.released = true;
    this.raw.off('end', this.onEnd);
    this.raw.off('close', this.onClose);
    this.onReleased?.(true);
  }
}

/** A TLS record header: content type 20-23, version 3.x. Plain FTP commands never start like this. */
function tlsRecordLength(buffer: Buffer): number | undefined {
  if (buffer.length < 5) return buffer.length > 0 && (buffer[0]! < 20 || buffer[0]! > 23) ? undefined : 0;
  if (buffer[0]! < 20 || buffer[0]! > 23 || buffer[1] !== 3) return undefined;
  return 5 + buffer.readUInt16BE(3);
}

/**
 * CCC: 200 under TLS, then the server's close_notify, then plain commands on
 * the same TCP connection. The client's own close_notify (or anything else
 * left of TLS) is skipped record by record until the first plain byte.
 */
export async function clearControlTls(session: Session): Promise<void> {
  const state = tlsOf(session);
  const tap = state.tap;
  if (!tap || state.implicit) {
    // Implicit TLS: there is no plain protocol to go back to.
    session.say(ReplyCode.PolicyDenied, 'cccRefused');
    return;
  }
  const secure = session.socket as TLSSocket;
  const released = tap.release();
  session.pauseReading();
  session.discardPendingInput();
  session.say(ReplyCode.CommandOkay, 'cccOk');
  secure.end();
  if (!(await released)) {
    // The client reset the connection mid-CCC: the session ends through its close handler.
    secure.destroy();
    return;
  }
  const raw = tap.raw;
  state.tap = undefined;
  state.cleared = true;
  session.secure = false;
  session.replaceSocket(raw);
  session.pauseReading();
  secure.destroy();
  let pending = Buffer.alloc(0);
  const skipTls = (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      const length = tlsRecordLength(pending);
      if (length === undefined) break; // plain text starts here
      if (length === 0 || pending.length < length) return; // need more bytes
      pending = pending.subarray(length);
    }
    raw.off('data', skipTls);
    raw.pause();
    raw.unshift(pending);
    session.resumeReading();
  };
  raw.on('data', skipTls);
  raw.resume();
  session.log.debug('tls', 'control connection cleared (CCC)');
}
