import type { FtpUser } from '../auth/types.js';
import type { LoginFailureReason } from '../events.js';
import { guardFileSystem, untilAborted } from '../fs/guard.js';
import type { FileSystem } from '../fs/types.js';
import { HookTimeoutError, withTimeout } from '../hooks.js';
import type { Session } from '../session/session.js';
import { accessOptions } from '../virtual-hosts.js';
import { staticUsers } from './static-users.js';
import { userProblem } from './validate-user.js';

export type LoginResult = { ok: true; user: FtpUser; filesystem: FileSystem } | { ok: false; reason: LoginFailureReason };

const ANONYMOUS_NAMES = new Set(['anonymous', 'ftp']);

export function isAnonymousName(name: string): boolean {
  return ANONYMOUS_NAMES.has(name.toLowerCase());
}

/**
 * USER + PASS → a user and their storage, or a reason for refusal. The host's
 * hook runs with a time limit and an abort signal; if it throws, hangs or
 * returns garbage the login fails cleanly instead of hanging PASS.
 */
export async function authenticateSession(session: Session, username: string, password: string): Promise<LoginResult> {
  const { options } = session.server;
  // A locked-out address or name is refused without asking the host: no more guesses.
  if (session.server.loginAllowed && !session.server.loginAllowed(session, username)) return { ok: false, reason: 'throttled' };
  const access = accessOptions(session); // the virtual host's logins, when HOST chose one
  const anonymous = access.anonymous && isAnonymousName(username);
  let user: FtpUser | null | undefined | false;
  const controller = new AbortController();
  const onEnd = () => controller.abort(session.signal.reason);
  session.signal.addEventListener('abort', onEnd, { once: true });
  try {
    if (anonymous) {
      user = {
        username: 'anonymous',
        anonymous: true,
        permissions: access.anonymous?.writable ? 'all' : 'read-only',
        ...(access.anonymous?.root !== undefined ? { root: access.anonymous.root } : {}),
        ...(access.anonymous?.filesystem !== undefined ? { filesystem: access.anonymous.filesystem } : {}),
      } as FtpUser;
    } else {
      const authenticate = access.authenticate ?? staticUsers<FtpUser>(access.users as never);
      const socket = session.socket;
      const certificate = 'getPeerCertificate' in socket ? socket.getPeerCertificate() : undefined;
      const hasCertificate = certificate !== undefined && certificate !== null && Object.keys(certificate).length > 0;
      // The time limit, and the session's end, settle PASS even if the hook never does.
      const pending: Promise<FtpUser | null | undefined | false> = Promise.resolve().then(() =>
        authenticate({
          username,
          password,
          certificate: hasCertificate ? certificate : undefined,
          certificateAuthorized: hasCertificate && 'authorized' in socket && socket.authorized === true,
          session,
          signal: controller.signal,
        }),
      );
      user = await withTimeout(untilAborted(pending, session.signal), options.timeouts.auth, 'authenticate');
    }
  } catch (error) {
    controller.abort(error);
    if (error instanceof HookTimeoutError) return { ok: false, reason: 'auth-timeout' };
    if (session.signal.aborted) return { ok: false, reason: 'auth-error' }; // the client left
    session.server.reportError(error, session);
    return { ok: false, reason: 'auth-error' };
  } finally {
    session.signal.removeEventListener('abort', onEnd);
  }
  if (user === null || user === undefined || user === false) return { ok: false, reason: 'bad-credentials' };
  let problem: string | undefined;
  try {
    problem = userProblem(user);
  } catch (error) {
    problem = `reading it threw (${error instanceof Error ? error.message : String(error)})`; // a getter or a Proxy
  }
  if (problem) {
    session.server.reportError(new TypeError(`authenticate returned an unusable user: ${problem}`), session);
    return { ok: false, reason: 'auth-error' };
  }
  try {
    const filesystem = await session.server.filesystemFor(user, session);
    if (!filesystem) return { ok: false, reason: 'no-storage' };
    return { ok: true, user, filesystem: guardFileSystem(filesystem) };
  } catch (error) {
    session.server.reportError(error, session);
    return { ok: false, reason: 'no-storage' };
  }
}
