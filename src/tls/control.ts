import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Session } from '../session/session.js';
import { SocketTap } from './ccc.js';
import { renewsTicket } from './data.js';
import { TlsEngine } from './engine.js';
import { setDataProtection, tlsOf } from './state.js';

/**
 * The session's own TLS engine (certificate, ticket keys and session cache
 * private to it: a data connection that resumes it comes from this client).
 * Handshakes are bounded by `timeouts.dataConnection`, control and data alike.
 */
export function sessionEngine(session: Session): Promise<TlsEngine> {
  const { tls, timeouts } = session.server.options;
  return TlsEngine.create(tls!, timeouts.dataConnection, () => renewsTicket(session));
}

/**
 * The control connection becomes the server side of a TLS handshake; once it
 * is done the session reads commands from the TLS stream. Explicit FTPS calls
 * this right after the 234 reply went out in the clear, implicit FTPS before
 * the greeting. The caller paused reading (and, for AUTH TLS, discarded what
 * was pipelined in the clear); the TLS layer takes over in the same tick, so
 * no byte of the client's handshake can be taken for a command.
 *
 * TLS runs on a pass-through over the TCP socket rather than on the socket
 * itself: the session keeps a plain socket it can always end (even mid
 * handshake), and CCC can hand the plain connection back. A failed handshake
 * ends the session. Returns whether the connection is now protected.
 */
export async function startControlTls(session: Session, engine: TlsEngine): Promise<boolean> {
  const state = tlsOf(session);
  state.engine = engine;
  const raw = session.socket as Socket;
  const tap = new SocketTap(raw);
  state.tap = tap;
  let secure: TLSSocket;
  try {
    secure = await engine.secureControl(tap);
  } catch (error) {
    session.log.debug('tls', 'control connection handshake failed', { code: (error as NodeJS.ErrnoException).code });
    session.end('TLS handshake failed');
    return false;
  }
  if (session.closed) {
    secure.destroy();
    return false;
  }
  session.secure = true;
  const certificate = secure.getPeerCertificate();
  session.log.debug('tls', 'control connection protected', {
    protocol: secure.getProtocol(),
    cipher: secure.getCipher()?.name,
    clientCertificate: secure.authorized ? 'verified' : certificate && Object.keys(certificate).length > 0 ? 'unverified' : 'none',
  });
  session.replaceSocket(secure); // reads from the TLS stream from now on
  return true;
}

/** Implicit FTPS: TLS before the greeting, and data protected from the start. */
export async function startImplicitTls(session: Session, engine: TlsEngine): Promise<boolean> {
  session.pauseReading();
  const state = tlsOf(session);
  state.implicit = true;
  if (!(await startControlTls(session, engine))) return false;
  state.pbsz = true;
  setDataProtection(session, true);
  return true;
}
