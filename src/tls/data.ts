import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { DataConnectionError, type DataSocketWrapper } from '../data/data-setup.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import type { TlsEngine } from './engine.js';
import { tlsOf } from './state.js';

/** How long a transfer command waits for a data TLS hello while it is not known when this client sends one. */
const HELLO_WAIT_MS = 25;
/** The same, once this client is known to start TLS before it gets 150. */
const KNOWN_EARLY_HELLO_WAIT_MS = 500;

/**
 * PROT P: each data socket is handed to this session's TLS engine the moment it
 * is accepted or connected, so the handshake runs whenever the client starts
 * it (curl and basic-ftp before the transfer command, ftplib and lftp after
 * 150). The transfer awaits the result only after 150 has gone out.
 *
 * By default the data connection must resume this control session's TLS
 * session: the engine is private to the session, so a resumed handshake proves
 * the data connection comes from the client holding the control connection.
 * Anything else is refused (425) before a byte of the file moves.
 *
 * TLS 1.3 and single-use tickets: OpenSSL clients (curl) drop a ticket once
 * used, so each data connection must hand the client a fresh one (the engine
 * renews tickets on resumption) and the client must read it before it closes
 * that connection. A client that starts TLS before 150 would otherwise send a
 * small file and close before the ticket arrives, and its next data connection
 * could not resume. So when the client is starting its handshake around the
 * transfer command, 150 waits for that handshake and its ticket. Whether a
 * client starts TLS before 150 is learned on its first transfer (a short wait
 * for a hello), so clients that start after 150 are not kept waiting.
 */
export function protectedDataWrapper(session: Session, engine: TlsEngine): DataSocketWrapper {
  /** Handshakes whose hello arrived and that are not over yet. */
  const running = new Set<Promise<unknown>>();
  /** Settles at the next hello, for a transfer command waiting for one. */
  let nextHello: { arrived: Promise<boolean>; resolve: (arrived: boolean) => void } | undefined;

  const wrapper: DataSocketWrapper = (socket: Socket) => {
    const handshake = negotiate(session, engine, socket, () => {
      running.add(settled);
      nextHello?.resolve(true);
      nextHello = undefined;
    });
    const settled: Promise<unknown> = handshake.then(
      () => running.delete(settled),
      () => running.delete(settled),
    );
    return handshake;
  };

  wrapper.readyForReply = async () => {
    const state = tlsOf(session);
    if (running.size === 0) {
      if (state.helloBeforeReply === false) return;
      if (!nextHello) {
        let resolve!: (arrived: boolean) => void;
        nextHello = { arrived: new Promise((r) => (resolve = r)), resolve };
      }
      const wait = state.helloBeforeReply ? KNOWN_EARLY_HELLO_WAIT_MS : HELLO_WAIT_MS;
      const arrived = await Promise.race([nextHello.arrived, delay(wait, false)]);
      state.helloBeforeReply ??= arrived;
      if (!arrived) return;
    }
    state.helloBeforeReply ??= true;
    await Promise.race(running);
  };
  return wrapper;
}

/** The server side of one data connection's handshake, with the resumption check. */
function negotiate(session: Session, engine: TlsEngine, socket: Socket, onHello: () => void): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    // Half-open (the TLS socket inherits it): a client that knows the size may
    // close its side first (curl, right after 150 for an empty file), and the
    // server still finishes a download with its own close_notify instead of
    // having the socket torn down under a transfer that is in fact complete.
    // When the client is the sender (upload) or nothing is running, its
    // close_notify is answered at once, as clients that wait for it expect.
    socket.allowHalfOpen = true;
    const secure = engine.wrapData(socket, onHello);
    secure.on('end', () => {
      const direction = session.transfer?.info.direction;
      if (direction !== 'download' && direction !== 'listing') secure.end();
    });
    // Errors after the handshake reach the transfer through its own listener.
    secure.on('error', () => undefined);
    const refuse = (key: 'dataTlsTimeout' | 'dataTlsFailed' | 'dataTlsNotResumed', code: number) => {
      done();
      secure.destroy();
      reject(new DataConnectionError(session.t(key), 'tls', code));
    };
    const timer = setTimeout(() => refuse('dataTlsTimeout', ReplyCode.CannotOpenDataConnection), session.server.options.timeouts.dataConnection);
    const onError = (error: Error) => {
      session.log.debug('tls', 'data connection handshake failed', { code: (error as NodeJS.ErrnoException).code });
      refuse('dataTlsFailed', ReplyCode.TlsNegotiationFailed);
    };
    const onClose = () => refuse('dataTlsFailed', ReplyCode.TlsNegotiationFailed);
    const done = () => {
      clearTimeout(timer);
      secure.off('error', onError);
      secure.off('close', onClose);
    };
    secure.once('error', onError);
    secure.once('close', onClose);
    secure.once('secure', () => {
      if (session.server.options.tls?.requireSessionReuse !== false && !secure.isSessionReused()) {
        session.log.warn('tls', 'refused a data connection that did not resume the control TLS session', { address: socket.remoteAddress });
        refuse('dataTlsNotResumed', ReplyCode.CannotOpenDataConnection);
        return;
      }
      done();
      session.log.debug('tls', 'data connection protected', { protocol: secure.getProtocol(), resumed: secure.isSessionReused() });
      // Let the native side finish its turn first: the session ticket it
      // issues after the handshake then goes out before any reply we send.
      setImmediate(() => resolve(secure));
    });
  });
}

/**
 * Whether a resumed data connection gets a fresh ticket. Not for an upload to
 * a client that starts TLS after 150: it never reads that connection, and a
 * ticket left unread turns its close into a reset that can cut the end of the
 * upload (Go clients: rclone). Such clients resume with the control
 * connection's ticket every time and need no new one; clients that start TLS
 * before 150 (curl, which uses a ticket once) read it when they close.
 */
export function renewsTicket(session: Session): boolean {
  return !(tlsOf(session).helloBeforeReply === false && session.transfer?.info.direction === 'upload');
}

function delay<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}
