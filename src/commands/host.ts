import { isIP } from 'node:net';
import { hostKey } from '../extension-options.js';
import { sameAddress } from '../net/address.js';
import { ReplyCode } from '../protocol/reply-codes.js';
import { command } from './spec.js';

/**
 * RFC 7151 HOST <name>: chooses a virtual host before login — its own logins,
 * storage and greeting (the `virtualHosts` option). Offered only when virtual
 * hosts are configured. An unknown name is 434 (the session keeps its current
 * host), HOST once USER was sent or after login is 503. The address the client
 * connected to (`HOST 192.0.2.1`, `HOST [2001:db8::1]`) names the default host.
 */
export const HOST = command({
  name: 'HOST',
  beforeLogin: true,
  beforeTls: true,
  argument: 'required',
  feat: 'HOST',
  help: 'HOST <sp> host-name (choose a virtual host before logging in)',
  enabled: (session) => session.server.options.virtualHosts.size > 0,
  handler({ session, argument }) {
    if (session.user || session.username !== undefined) {
      session.say(ReplyCode.BadSequence, 'hostTooLate');
      return;
    }
    const requested = argument.trim();
    const key = hostKey(requested);
    const host = session.server.options.virtualHosts.get(key);
    if (host) {
      session.virtualHost = host.name;
      session.log.info('session', 'virtual host selected', { host: host.name });
      session.reply(ReplyCode.ServiceReady, host.greeting ?? session.t('hostOk', { host: host.name }));
      return;
    }
    if (isIP(key) !== 0 && sameAddress(key, session.localAddress)) {
      session.virtualHost = undefined;
      session.reply(ReplyCode.ServiceReady, session.server.options.greeting ?? session.t('hostOk', { host: requested }));
      return;
    }
    session.say(ReplyCode.RequestedHostUnavailable, 'hostUnknown', { host: requested.slice(0, 255) });
  },
});
