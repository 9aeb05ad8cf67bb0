/**
 * `f(v)`, without waiting a promise turn when `v` is already there: a cache hit on the read path
 * (a verified token, a rate-limit estimate) answers in the same turn.
 */
export function andThen<T, R>(v: T | Promise<T>, f: (v: T) => R): R | Promise<Awaited<R>> {
  // A promise that resolves to a promise flattens, which then()'s type does not say.
  return v instanceof Promise ? (v.then(f) as Promise<Awaited<R>>) : f(v);
}
