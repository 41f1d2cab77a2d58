import { FtpError } from '../errors.js';

/** Limits that keep hostile names out of every backend. */
export const MAX_PATH_LENGTH = 4096;
export const MAX_NAME_LENGTH = 255;

/**
 * Resolves a client's path argument against the working directory into a
 * normalized absolute virtual path ("/a/b"). The result can never climb above
 * "/": `..` at the root stays at the root, so every backend receives a path
 * already jailed to the user's tree.
 *
 * Backslashes count as separators (Windows clients send them, and a Windows
 * host would honour them), NUL, CR and LF are refused, and over-long paths or
 * names are refused before any storage call.
 */
export function resolvePath(cwd: string, argument: string): string {
  if (/[\0\r\n]/.test(argument)) throw new FtpError('name-not-allowed', 'File name not allowed.', { public: true });
  if (argument.length > MAX_PATH_LENGTH) throw new FtpError('name-not-allowed', 'Path too long.', { public: true });
  const input = argument.replace(/\\/g, '/');
  const segments = input.startsWith('/') ? [] : splitPath(cwd);
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      segments.pop();
      continue;
    }
    if (segment.length > MAX_NAME_LENGTH) {
      throw new FtpError('name-not-allowed', 'File name too long.', { public: true });
    }
    segments.push(segment);
  }
  return '/' + segments.join('/');
}

/** "/a/b" → ["a", "b"]; "/" → []. */
export function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

/** Parent of a normalized virtual path ("/" is its own parent). */
export function parentPath(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Last segment of a normalized virtual path ("" for "/"). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins a normalized directory and a single name. */
export function joinPath(dir: string, name: string): string {
  return dir === '/' ? `/${name}` : `${dir}/${name}`;
}

/** True when `path` is `root` or inside it (both normalized). */
export function isWithin(path: string, root: string): boolean {
  return root === '/' || path === root || path.startsWith(root + '/');
}
