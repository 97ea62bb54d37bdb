/**
 * `resultOf(x)`: the typed way to wait inside a generator coroutine.
 *
 * TypeScript gives every `yield` expression in a generator one type (the
 * generator's `TNext`), so `const n = yield double(4)` cannot know that this
 * `yield` resumes with a number. Delegating with `yield*` to a one-step
 * generator whose return type is the waited value can: `yield*` evaluates to
 * the inner generator's return value, which TypeScript infers per call.
 * At run time `resultOf(x)` yields `x` to the coroutine driver exactly as
 * `yield x` would, and returns what the driver resumes it with; a failure is
 * thrown at the `yield*`.
 * @module
 */
import type { WaitedValue } from './adapt.js';
import type { Waitable } from './combinators.js';

/**
 * Waits for `x` in a generator coroutine, typed: `yield* resultOf(x)`
 * evaluates to what `x` finishes with (`T` for an `InProgress<T>` or a
 * `Promise<T>`, the emission value for a Signal), and throws its failure.
 * Plain `yield x` does the same at run time, untyped.
 * @param x - an InProgress, a Promise or other thenable, a Signal, or an object with `inprogress()`.
 * @returns a generator to delegate to with `yield*` (outside a coroutine it does nothing).
 * @throws TypeError (at the `yield*`) when `x` is nothing a coroutine can wait for.
 * @example
 * const job = kaa.coroutine(function* () {
 *     const [out] = yield* kaa.resultOf(new kaa.Process('uname -a').communicate());   // out: string
 *     const n = yield* kaa.resultOf(square(7));                                      // n: number
 *     return `${out.trim()} ${n}`;
 * });
 */
export function* resultOf<X extends Waitable>(x: X): Generator<X, WaitedValue<X>, unknown> {
    return (yield x) as WaitedValue<X>;
}
