import { createHash, timingSafeEqual } from 'node:crypto';
import type { StaticUser } from '../options.js';
import type { Authenticate, FtpUser } from './types.js';

/**
 * Authenticates against a fixed list. Passwords are compared through SHA-256
 * digests with `timingSafeEqual`, so neither the content nor the length of a
 * password leaks through timing, and an unknown user costs the same as a known
 * one with a wrong password.
 */
export function staticUsers<U extends FtpUser = FtpUser>(users: readonly (StaticUser & Partial<U>)[]): Authenticate<U> {
  const byName = new Map(users.map((u) => [u.username, u]));
  const decoy = digest('\0no such user\0');
  return ({ username, password }) => {
    const entry = byName.get(username);
    const ok = timingSafeEqual(digest(password), entry ? digest(entry.password) : decoy) && entry !== undefined;
    if (!ok) return null;
    const { password: _secret, ...user } = entry;
    return user as unknown as U;
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
