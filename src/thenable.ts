/** Whether `value` is a promise (or any thenable): what a call that may answer synchronously returned. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}
