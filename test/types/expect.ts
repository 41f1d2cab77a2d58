/** Compile-time assertions: a type that does not hold is a `tsc` error. */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

/** `expectTrue<Equal<A, B>>()` fails to compile unless A and B are the same type. */
export function expectTrue<T extends true>(): T | void {}
