import { authenticateSession, isAnonymousName } from '../auth/login.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import type { LoginFailureReason } from '../events.js';
import type { MessageKey } from '../protocol/messages.js';
import { accessOptions } from '../virtual-hosts.js';
import { resetHashState } from './hash.js';
import { command } from './spec.js';

/** Reply texts of failed logins: one text for every credential problem, so none hints whether the user exists. */
const failureMessage: Partial<Record<LoginFailureReason, MessageKey>> = { 'no-storage': 'noStorage', throttled: 'loginLockedOut' };

export const USER = command({
  name: 'USER',
  beforeLogin: true,
  argument: 'required',
  help: 'USER <sp> username',
  handler({ session, argument }) {
    if (session.server.draining) {
      session.say(ReplyCode.ServiceNotAvailable, 'shuttingDown');
      session.end('draining');
      return;
    }
    // A new USER starts a new login, as most servers allow (clients re-login).
    if (session.user) session.logout('user');
    session.username = argument;
    const anonymous = accessOptions(session).anonymous && isAnonymousName(argument);
    // The same reply for every name: no hint whether the user exists.
    if (anonymous) session.say(ReplyCode.NeedPassword, 'anonymousPassword');
    else session.say(ReplyCode.NeedPassword, 'passwordRequired', { user: argument });
  },
});

export const PASS = command({
  name: 'PASS',
  beforeLogin: true,
  argument: 'optional',
  help: 'PASS <sp> password',
  async handler({ session, argument }) {
    if (session.user) {
      session.say(ReplyCode.BadSequence, 'alreadyLoggedIn');
      return;
    }
    const username = session.username;
    if (username === undefined) {
      session.say(ReplyCode.BadSequence, 'userFirst');
      return;
    }
    if (session.server.draining) {
      session.say(ReplyCode.ServiceNotAvailable, 'shuttingDown');
      session.end('draining');
      return;
    }
    const result = await authenticateSession(session, username, argument);
    if (session.closed) return;
    if (!result.ok) {
      session.username = undefined;
      session.emit('loginFailed', { username, reason: result.reason });
      await session.server.loginFailed(session, username, result.reason);
      if (!session.closed) session.say(ReplyCode.NotLoggedIn, failureMessage[result.reason] ?? 'loginFailed');
      return;
    }
    const { user, filesystem } = result;
    const refusal = session.server.admit(session, user);
    if (refusal) {
      session.username = undefined;
      session.emit('loginFailed', { username, reason: 'not-allowed' });
      if (refusal.failedLogin) {
        await session.server.loginFailed(session, username, 'not-allowed');
        if (session.closed) return;
      }
      session.reply(refusal.code, refusal.message);
      if (refusal.close) session.end('login refused');
      return;
    }
    // Everything that can fail comes before the session counts as logged in.
    const home = user.home ? session.resolve(user.home) : '/';
    session.user = user;
    session.fs = filesystem;
    session.cwd = home;
    session.server.sessionLoggedIn(session, user);
    session.emit('login', { user });
    session.reply(ReplyCode.UserLoggedIn, user.loginMessage ?? session.t('loginOk', { user: user.username }));
  },
});

export const ACCT = command({
  name: 'ACCT',
  beforeLogin: true,
  argument: 'required',
  help: 'ACCT <sp> account',
  handler({ session }) {
    session.say(ReplyCode.CommandSuperfluous, 'accountNotNeeded');
  },
});

export const REIN = command({
  name: 'REIN',
  beforeLogin: true,
  argument: 'none',
  help: 'REIN (reinitialize the session)',
  handler({ session }) {
    session.logout();
    resetHashState(session); // OPTS HASH and RANG end with REIN (draft-bryan-ftpext-hash)
    session.say(ReplyCode.ServiceReady, 'reinitialized');
  },
});

export const QUIT = command({
  name: 'QUIT',
  beforeLogin: true,
  beforeTls: true,
  duringTransfer: true,
  argument: 'optional',
  help: 'QUIT (end the session, after a running transfer)',
  handler({ session }) {
    session.quit();
  },
});
