import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, Server as TlsServer, TLSSocket, type SecureContext } from 'node:tls';
import type { ResolvedTlsOptions } from './options.js';

/** TLS 1.2 sessions kept per control session for session-id resumption (data connections only need a few). */
const MAX_CACHED_SESSIONS = 32;

/**
 * The TLS side of one control session: its own ticket keys, its own session-id
 * context and its own session cache, used for the control connection and that
 * session's data connections only. A ticket or session id issued to any other
 * session cannot be decrypted or found here, so `isSessionReused()` on a data
 * connection proves that it was opened by the client that holds this control
 * connection's TLS session.
 *
 * The control connection goes through a (never listening) tls.Server, so Node
 * itself checks client certificates (`authorized`, and refusal when they are
 * required). Data connections are plain server-side TLSSockets on a context
 * with the same keys, so their handshake can be watched from its first byte.
 */
export class TlsEngine {
  private readonly sessions = new Map<string, Buffer>();

  private constructor(
    private readonly control: TlsServer,
    private readonly dataContext: SecureContext,
  ) {}

  /**
   * Builds the engine from the current certificate (the `context` function
   * runs here: reloads take effect per session). `renewTicket` decides, for
   * each resumed data connection, whether it gets a fresh ticket.
   */
  static async create(options: ResolvedTlsOptions, handshakeTimeout: number, renewTicket: () => boolean = () => true): Promise<TlsEngine> {
    const contextOptions = await options.context();
    // 48 bytes: key name, HMAC key, AES key, as Node's ticketKeys.
    const ticketKeys = randomBytes(48);
    const common = {
      ...contextOptions,
      // tls.Server's default; the data context must choose ciphers the same
      // way, or a client that prefers another suite (Go) gets one whose hash
      // cannot resume the control connection's TLS 1.3 session.
      honorCipherOrder: contextOptions.honorCipherOrder ?? true,
      minVersion: options.minVersion,
      // Binds session ids to this engine; OpenSSL also needs it to resume when client certificates are requested.
      sessionIdContext: randomBytes(16).toString('hex'),
      ticketKeys,
    };
    const requestCert = options.clientCertificates !== 'off';
    const control = new TlsServer({ ...common, requestCert, rejectUnauthorized: options.clientCertificates === 'require', handshakeTimeout });
    const dataContext = createSecureContext(common);
    renewTicketsOnResumption(dataContext, ticketKeys, renewTicket);
    const engine = new TlsEngine(control, dataContext);
    engine.serveSessions(control);
    return engine;
  }

  /**
   * The server side of the control connection's handshake, on `socket` (the
   * pass-through over the TCP socket, see control.ts). The TLS socket is
   * created synchronously, so it reads before the client's hello can arrive;
   * the promise settles when the handshake, and the client certificate
   * check, are over.
   */
  secureControl(socket: Duplex): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const onSecure = (secure: TLSSocket) => {
        this.control.off('tlsClientError', onError);
        resolve(secure);
      };
      const onError = (error: Error, secure: TLSSocket) => {
        this.control.off('secureConnection', onSecure);
        secure.destroy();
        reject(error);
      };
      this.control.once('secureConnection', onSecure);
      this.control.once('tlsClientError', onError);
      this.control.emit('connection', socket);
    });
  }

  /**
   * Starts the server side of a data connection's handshake. `onHello` runs
   * when Node asks for a session by id: every TLS 1.3 hello (clients send a
   * legacy session id) and TLS 1.2 hellos without a ticket. A TLS 1.2 hello
   * with a ticket does not call it; such tickets are reusable, so nothing
   * needs to wait for them (see protectedDataWrapper).
   */
  wrapData(socket: Socket, onHello?: () => void): TLSSocket {
    const store = new EventEmitter();
    this.serveSessions(store, onHello);
    return new TLSSocket(socket, { isServer: true, secureContext: this.dataContext, server: store as never });
  }

  /**
   * With these listeners Node parses the client's hello first and asks here
   * for session-id resumption (TLS 1.2 clients without tickets, such as
   * Java's), from this engine's own cache.
   */
  private serveSessions(emitter: EventEmitter, onHello?: () => void): void {
    emitter.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
      this.sessions.set(id.toString('hex'), data);
      if (this.sessions.size > MAX_CACHED_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
      done();
    });
    emitter.on('resumeSession', (id: Buffer, done: (error: Error | null, data: Buffer | null) => void) => {
      onHello?.();
      done(null, this.sessions.get(id.toString('hex')) ?? null);
    });
  }
}

/** Node's native context object; the ticket key hook below is on it but not in the typings (Node keeps it for its own tests). */
interface NativeContext {
  enableTicketKeyCallback?: () => void;
  onticketkeycallback?: (name: Buffer, iv: Buffer, encrypt: boolean) => unknown[];
}

/**
 * Issues a fresh session ticket on resumed data connections (when `renew`
 * says so). OpenSSL clients (curl) use a TLS 1.3 ticket once and then keep the
 * session of their latest connection; Node never renews a ticket on
 * resumption, so that session has no ticket and the next data connection
 * cannot resume (curl got 425 on every other download and on every upload
 * after the first). The keys are the engine's own and the format is Node's
 * (key name, AES-128-CBC, HMAC-SHA256), so tickets from the control
 * connection decrypt here. Without the hook (another Node version) tickets
 * simply are not renewed.
 */
function renewTicketsOnResumption(context: SecureContext, ticketKeys: Buffer, renew: () => boolean): void {
  const native = (context as unknown as { context?: NativeContext }).context;
  if (typeof native?.enableTicketKeyCallback !== 'function') return;
  const name = ticketKeys.subarray(0, 16);
  const hmacKey = ticketKeys.subarray(16, 32);
  const aesKey = ticketKeys.subarray(32, 48);
  // Node reads the keys whatever the verdict (a missing one is a native
  // assertion, not an exception), so every answer carries them.
  native.onticketkeycallback = (keyName, _iv, encrypt) => {
    if (encrypt) return [1, hmacKey, aesKey, name, randomBytes(16)];
    // 2: good ticket, send a new one (RFC 5077 renewal); 0: not ours, full handshake.
    return [keyName.equals(name) ? (renew() ? 2 : 1) : 0, hmacKey, aesKey];
  };
  native.enableTicketKeyCallback();
}
