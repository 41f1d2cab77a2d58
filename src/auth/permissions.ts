import { isWithin, parentPath, resolvePath } from '../session/paths.js';
import { ALL_PERMISSIONS, READ_ONLY_PERMISSIONS, type FtpUser, type PathRule, type Permission } from './types.js';

/** The permission set a user has before path rules apply. */
export function basePermissions(user: FtpUser): ReadonlySet<Permission> {
  const p = user.permissions ?? (user.anonymous ? 'read-only' : 'all');
  if (p === 'all') return new Set(ALL_PERMISSIONS);
  if (p === 'read-only') return new Set(READ_ONLY_PERMISSIONS);
  return new Set(p);
}

/**
 * Whether `user` may do `permission` at `path` (a normalized virtual path). The
 * most specific rule whose path covers `path` decides (the deeper rule; at equal
 * depth, deny); without one, the user's base permissions do. Every command and
 * every alias of it reaches this through dispatch or `session.may`.
 */
export function isAllowed(user: FtpUser, permission: Permission, path: string): boolean {
  const rule = mostSpecificRule(user.rules, permission, path);
  if (rule === 'allow') return true;
  if (rule === 'deny') return false;
  // Asked for every entry of an MLSD listing: look, do not build a set each time.
  const p = user.permissions ?? (user.anonymous ? 'read-only' : 'all');
  if (p === 'all') return ALL_PERMISSIONS.includes(permission);
  if (p === 'read-only') return READ_ONLY_PERMISSIONS.includes(permission);
  return p.includes(permission);
}

function mostSpecificRule(rules: readonly PathRule[] | undefined, permission: Permission, path: string): 'allow' | 'deny' | undefined {
  if (!rules) return undefined;
  let best: { depth: number; verdict: 'allow' | 'deny' } | undefined;
  for (const rule of rules) {
    const root = rulePath(rule);
    if (root === null) continue;
    const applies = rule.recursive === false ? path === root || (path !== '/' && parentPath(path) === root) : isWithin(path, root);
    if (!applies) continue;
    const verdict = rule.deny?.includes(permission) ? 'deny' : rule.allow?.includes(permission) ? 'allow' : undefined;
    if (!verdict) continue;
    const depth = root === '/' ? 0 : root.split('/').length;
    // Deeper rules win; at equal depth, deny wins.
    if (!best || depth > best.depth || (depth === best.depth && verdict === 'deny')) best = { depth, verdict };
  }
  return best?.verdict;
}

const rulePaths = new WeakMap<PathRule, string | null>();

/** A rule's path normalized like a client's ("a//b/../c" → "/a/c"), once per rule; null if it cannot be a path. */
function rulePath(rule: PathRule): string | null {
  let path = rulePaths.get(rule);
  if (path === undefined) {
    try {
      path = resolvePath('/', String(rule.path));
    } catch {
      path = null;
    }
    rulePaths.set(rule, path);
  }
  return path;
}
