import type { FileSystem, OptionalFsMethod } from './types.js';

/** Optional methods whose first argument is a path. */
export const PATH_METHODS = ['setModifiedTime', 'setCreatedTime', 'chmod', 'hash', 'availableSpace'] as const satisfies readonly OptionalFsMethod[];
export type PathMethod = (typeof PATH_METHODS)[number];

type AnyMethod = (...args: unknown[]) => unknown;

/**
 * Gives `wrapper` each of `names` that `inner` has, and no other: an optional
 * method switches its commands and FEAT lines on by its mere presence, so a
 * wrapper must never announce what the storage under it cannot do. Calls go
 * through `call(name, args)`, which maps paths (or refuses).
 */
export function forwardOptional(
  wrapper: FileSystem,
  inner: FileSystem,
  names: readonly OptionalFsMethod[],
  call: (method: AnyMethod, name: OptionalFsMethod, args: unknown[]) => unknown = (method, _name, args) => method.apply(inner, args),
): void {
  for (const name of names) {
    const method = inner[name] as AnyMethod | undefined;
    if (typeof method !== 'function') continue;
    Object.defineProperty(wrapper, name, {
      value: (...args: unknown[]) => call(method, name, args),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

/**
 * Base of the wrappers: declares the optional methods so TypeScript knows
 * them, without defining any (a declared field emits nothing). Each wrapper's
 * constructor then defines exactly those its inner filesystem has.
 */
export abstract class OptionalMethods {
  declare setModifiedTime?: NonNullable<FileSystem['setModifiedTime']>;
  declare setCreatedTime?: NonNullable<FileSystem['setCreatedTime']>;
  declare chmod?: NonNullable<FileSystem['chmod']>;
  declare hash?: NonNullable<FileSystem['hash']>;
  declare availableSpace?: NonNullable<FileSystem['availableSpace']>;
  declare usedSpace?: NonNullable<FileSystem['usedSpace']>;
}
