import type { Session } from '../session/session.js';
import type { SocketTap } from './ccc.js';
import { protectedDataWrapper } from './data.js';
import type { TlsEngine } from './engine.js';

/** What TLS remembers per session, next to `session.secure` and `session.protectedData`. */
export interface SessionTls {
  /** This session's TLS engine, once AUTH TLS (or implicit TLS) started one. */
  engine: TlsEngine | undefined;
  /** PBSZ 0 was sent (or implied by implicit TLS, AUTH SSL, AUTH TLS-P). */
  pbsz: boolean;
  /** CCC took TLS off the control connection after login: the control requirement was met. */
  cleared: boolean;
  /** The pass-through under the control connection's TLS (CCC takes the plain socket back from it). */
  tap: SocketTap | undefined;
  /** Implicit FTPS: there is no plain protocol to go back to (no CCC). */
  implicit: boolean;
  /** Learned on the first protected transfer: does this client start data TLS before 150 (curl) or after (ftplib)? */
  helloBeforeReply: boolean | undefined;
}

const states = new WeakMap<Session, SessionTls>();

/**
 * Whether CCC took TLS off this session's control connection. Asked at every
 * login, so it makes no state for the sessions that never used TLS.
 */
export function tlsCleared(session: Session): boolean {
  return states.get(session)?.cleared === true;
}

export function tlsOf(session: Session): SessionTls {
  let state = states.get(session);
  if (!state) states.set(session, (state = { engine: undefined, pbsz: false, cleared: false, tap: undefined, implicit: false, helloBeforeReply: undefined }));
  return state;
}

/** PROT P / PROT C: data connections of this session are (or are no longer) wrapped in TLS. */
export function setDataProtection(session: Session, protect: boolean): void {
  const { engine } = tlsOf(session);
  // A data setup prepared under the other level would carry the wrong protection.
  if (protect !== session.protectedData) session.closeDataSetup();
  session.protectedData = protect && engine !== undefined;
  session.dataWrapper = session.protectedData ? protectedDataWrapper(session, engine!) : undefined;
}
