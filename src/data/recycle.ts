import type { Readable } from 'node:stream';

/**
 * A source that can take a chunk back once its consumer is done with it, to
 * read the next chunk into the same memory. Only a consumer that knows the
 * chunk is gone (its socket write completed) may hand it back; everyone else
 * simply never calls it.
 */
export const RECYCLE = Symbol('ftpkit.recycle');

export interface Recycling {
  [RECYCLE](chunk: Buffer): void;
}

/** The source's recycle function, when it has one. */
export function recyclerOf(source: Readable): ((chunk: Buffer) => void) | undefined {
  const recycling = source as Readable & Partial<Recycling>;
  return recycling[RECYCLE] ? (chunk) => recycling[RECYCLE]!(chunk) : undefined;
}
