import type { Authenticate, FtpUser } from '../auth/types.js';
import type { AnonymousOptions, StaticUser } from '../options.js';
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

/** One authenticator per list of static users (the server's, or a virtual host's): its digests are made once. */
const staticAuthenticators = new WeakMap<readonly StaticUser[], Authenticate>();

function staticAuthenticator(users: readonly StaticUser[]): Authenticate {
  let authenticate = staticAuthenticators.get(users);
  if (!authenticate) staticAuthenticators.set(users, (authenticate = staticUsers(users)));
  return authenticate;
}

function anonymousUser(anonymous: AnonymousOptions): FtpUser {
  return {
    username: 'anonymous',
    anonymous: true,
    permissions: anonymous.writable ? 'all' : 'read-only',
    ...(anonymous.root !== undefined ? { root: anonymous.root } : {}),
    ...(anonymous.filesystem !== undefined ? { filesystem: anonymous.filesystem } : {}),
  } as FtpUser;
}

/**
 * The host's authenticate hook, with a time limit and an abort signal: if it
 * throws, hangs or the client leaves, PASS still settles (with the reason).
 */
async function askHost(session: Session, authenticate: Authenticate, username: string, password: string): Promise<{ user: FtpUser | null | undefined | false } | { failure: LoginFailureReason }> {
  const controller = new AbortController();
  const onEnd = () => controller.abort(session.signal.reason);
  session.signal.addEventListener('abort', onEnd, { once: true });
  try {
    const socket = session.socket;
    const certificate = 'getPeerCertificate' in socket ? socket.getPeerCertificate() : undefined;
    const hasCertificate = certificate !== undefined && certificate !== null && Object.keys(certificate).length > 0;
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
    return { user: await withTimeout(untilAborted(pending, session.signal), session.server.options.timeouts.auth, 'authenticate') };
  } catch (error) {
    controller.abort(error);
    if (error instanceof HookTimeoutError) return { failure: 'auth-timeout' };
    if (session.signal.aborted) return { failure: 'auth-error' }; // the client left
    session.server.reportError(error, session);
    return { failure: 'auth-error' };
  } finally {
    session.signal.removeEventListener('abort', onEnd);
  }
}

/**
 * USER + PASS → a user and their storage, or a reason for refusal. The host's
 * hook runs with a time limit and an abort signal; if it throws, hangs or
 * returns garbage the login fails cleanly instead of hanging PASS.
 */
export async function authenticateSession(session: Session, username: string, password: string): Promise<LoginResult> {
  // A locked-out address or name is refused without asking the host: no more guesses.
  if (session.server.loginAllowed && !session.server.loginAllowed(session, username)) return { ok: false, reason: 'throttled' };
  const access = accessOptions(session); // the virtual host's logins, when HOST chose one
  let user: FtpUser | null | undefined | false;
  if (access.anonymous && isAnonymousName(username)) {
    user = anonymousUser(access.anonymous);
  } else if (!access.authenticate) {
    // The server's own list: synchronous and ours, so no time limit or abort to arm.
    // The signal is a getter: the list never reads it, so the session's is never made for it.
    user = staticAuthenticator(access.users)({
      username,
      password,
      session,
      get signal() {
        return session.signal;
      },
    }) as FtpUser | null;
  } else {
    const answer = await askHost(session, access.authenticate, username, password);
    if ('failure' in answer) return { ok: false, reason: answer.failure };
    user = answer.user;
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
