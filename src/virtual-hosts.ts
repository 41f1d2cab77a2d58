import type { Authenticate } from './auth/types.js';
import { hostKey, type VirtualHost } from './extension-options.js';
import type { FileSystem } from './fs/types.js';
import type { AnonymousOptions, FileSystemFactory, StaticUser } from './options.js';
import type { Session } from './session/session.js';

/** The virtual host the session selected with HOST, if any. */
export function virtualHostOf(session: Session): VirtualHost | undefined {
  if (session.virtualHost === undefined) return undefined;
  return session.server.options.virtualHosts.get(hostKey(session.virtualHost));
}

/** Who may log in and where their files are: the selected host's settings, else the server's. */
export interface AccessOptions {
  authenticate: Authenticate | undefined;
  users: readonly StaticUser[];
  anonymous: AnonymousOptions | undefined;
  filesystem: FileSystem | FileSystemFactory | undefined;
  root: string | undefined;
}

export function accessOptions(session: Session): AccessOptions {
  const { options } = session.server;
  const host = virtualHostOf(session);
  if (!host) return options;
  // A host with its own logins does not inherit the server's, and the other way round.
  const ownLogins = host.authenticate !== undefined || host.users !== undefined;
  const ownStorage = host.filesystem !== undefined || host.root !== undefined;
  return {
    authenticate: ownLogins ? host.authenticate : options.authenticate,
    users: ownLogins ? (host.users ?? []) : options.users,
    anonymous: host.anonymous === undefined ? options.anonymous : host.anonymous === true ? {} : host.anonymous || undefined,
    filesystem: ownStorage ? host.filesystem : options.filesystem,
    root: ownStorage ? host.root : options.root,
  };
}
