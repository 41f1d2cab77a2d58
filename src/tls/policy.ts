import { isAnonymousName } from '../auth/login.js';
import type { FtpUser } from '../auth/types.js';
import type { CommandSpec } from '../commands/spec.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { Session } from '../session/session.js';
import { accessOptions } from '../virtual-hosts.js';
import { tlsCleared } from './state.js';

type Refusal = { code: number; message: string };

/**
 * Whether `what` must be protected for this session. `anonymous` is what is
 * known about the user: true/false, or undefined before anyone said who they
 * are (then only a requirement that includes anonymous users applies).
 */
export function tlsRequired(session: Session, what: 'control' | 'data', anonymous: boolean | undefined, user: FtpUser | undefined = session.user): boolean {
  if (user?.requireTls) return true;
  const tls = session.server.options.tls;
  if (!tls || (tls.require !== 'all' && tls.require !== what)) return false;
  return tls.requireAnonymous || anonymous === false;
}

/** Whether this session's data connections must be protected (PROT P). */
export function dataTlsRequired(session: Session): boolean {
  return tlsRequired(session, 'data', session.user ? session.user.anonymous === true : undefined);
}

/** Who the session is (about to be) logged in as: anonymous or not, or not known yet. */
function anonymity(session: Session, spec: CommandSpec, argument: string): boolean | undefined {
  const anonymousAllowed = Boolean(accessOptions(session).anonymous); // the virtual host's, when HOST chose one
  if (spec.name === 'USER') return anonymousAllowed && isAnonymousName(argument.trim());
  if (session.user) return session.user.anonymous === true;
  if (spec.name === 'PASS' && session.username !== undefined) return anonymousAllowed && isAnonymousName(session.username);
  return undefined;
}

/**
 * The TLS policy dispatch runs before every command (RFC 4217): without a
 * protected control connection only AUTH and its companions (specs marked
 * `beforeTls`) run where TLS is required (530); a transfer under PROT C is
 * refused where data must be protected (521).
 */
export function tlsCommandPolicy(session: Session, spec: CommandSpec, argument: string): Refusal | undefined {
  if (!session.server.options.tls && !session.user?.requireTls) return undefined;
  if (!session.secure && !spec.beforeTls && !tlsCleared(session) && tlsRequired(session, 'control', anonymity(session, spec, argument))) {
    return { code: ReplyCode.NotLoggedIn, message: session.t('tlsRequired') };
  }
  if (spec.dataConnection && !session.protectedData && dataTlsRequired(session)) {
    return { code: ReplyCode.ProtSettingRefused, message: session.t('tlsRequiredData') };
  }
  return undefined;
}

/**
 * Last check on an authenticated user: an account that requires TLS (the
 * user's `requireTls`, or the server's requirement) is not let in over a
 * plain control connection.
 */
export function tlsLoginRefusal(session: Session, user: FtpUser): { code: number; message: string; close: boolean } | undefined {
  if (session.secure || tlsCleared(session)) return undefined;
  if (!tlsRequired(session, 'control', user.anonymous === true, user)) return undefined;
  const key = session.server.options.tls ? 'tlsRequiredUser' : 'tlsNotOffered';
  return { code: ReplyCode.NotLoggedIn, message: session.t(key), close: false };
}
