import type { FileSystem } from '../fs/types.js';
import type { Session } from '../session/session.js';
import { virtualHostOf } from '../virtual-hosts.js';

type OptionalAbility = 'setModifiedTime' | 'setCreatedTime' | 'chmod' | 'hash' | 'availableSpace';

/**
 * Whether the session's storage has an optional ability, which switches its
 * commands and FEAT lines on. Before login the storage is not chosen yet: the
 * server's (or the selected virtual host's) configured filesystem answers, a
 * local root has every ability a LocalFileSystem has, and a per-user factory
 * is given the benefit of the doubt (the command answers 502 after login if
 * that user's storage lacks it).
 */
export function storageCan(session: Session, ability: OptionalAbility): boolean {
  if (session.fs) return typeof session.fs[ability] === 'function';
  const host = virtualHostOf(session);
  const configured = host?.filesystem ?? (host?.root === undefined ? session.server.options.filesystem : undefined);
  if (configured === undefined) return ability !== 'setCreatedTime' && ability !== 'hash';
  if (typeof configured === 'function') return true;
  return typeof (configured as FileSystem)[ability] === 'function';
}
