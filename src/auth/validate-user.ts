import { resolvePath } from '../session/paths.js';
import { ALL_PERMISSIONS, type FtpUser } from './types.js';

const REQUIRED_FS_METHODS = ['stat', 'list', 'read', 'write', 'delete', 'mkdir', 'rmdir', 'rename'] as const;

/**
 * What is wrong with a user object an authenticate hook returned, or undefined
 * when it is usable. A hook is host code: a malformed user must fail the login
 * cleanly (530) rather than log someone in with a session that errors on every
 * command.
 */
export function userProblem(user: unknown): string | undefined {
  if (typeof user !== 'object' || user === null || Array.isArray(user)) return 'not an object';
  const u = user as Record<keyof FtpUser, unknown>;
  if (typeof u.username !== 'string' || u.username === '') return 'username must be a non-empty string';
  for (const key of ['root', 'home', 'loginMessage', 'quitMessage'] as const) {
    if (u[key] !== undefined && typeof u[key] !== 'string') return `${key} must be a string`;
  }
  if (typeof u.home === 'string' && !resolvable(u.home)) return 'home must be a valid path';
  const p = u.permissions;
  const knownPermission = (x: unknown) => (ALL_PERMISSIONS as readonly unknown[]).includes(x);
  if (p !== undefined && p !== 'all' && p !== 'read-only' && !(Array.isArray(p) && p.every(knownPermission))) {
    return "permissions must be 'all', 'read-only' or a list of permissions";
  }
  if (u.rules !== undefined && !(Array.isArray(u.rules) && u.rules.every((r) => typeof r === 'object' && r !== null && typeof r.path === 'string'))) {
    return 'rules must be a list of { path, allow?, deny? }';
  }
  const fs = u.filesystem as Record<string, unknown> | undefined;
  if (fs !== undefined && (typeof fs !== 'object' || fs === null || REQUIRED_FS_METHODS.some((m) => typeof fs[m] !== 'function'))) {
    return `filesystem must implement ${REQUIRED_FS_METHODS.join(', ')}`;
  }
  return undefined;
}

/** Whether a path can be resolved at all (no NUL, CR or LF, not too long). */
function resolvable(path: string): boolean {
  try {
    resolvePath('/', path);
    return true;
  } catch {
    return false;
  }
}
