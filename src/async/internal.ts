/**
 * The async layer's internal protocol with InProgress: what delay(),
 * timeout(), the combinators, coroutines, call policies and the Gio adapter
 * need and the public class does not offer — callbacks that take no failure
 * or count as no waiter, undo actions for `abort()`, aborting what nobody
 * else waits for. The package index never re-exports this module; io/,
 * process/ and workers/ reach `onAbort` through inprogress.ts.
 *
 * An InProgress keeps its whole state in one private `Core` (core.ts). A
 * private field cannot be read from another module, so the class hands this
 * module the one function that can ({@link bindCores}, from its static
 * block). The alternatives cost more: a WeakMap from InProgress to Core
 * costs ~4 µs per InProgress on GJS 1.74 (measured: 1e6 constructions 4.5 s
 * against 0.13 s), and a public or symbol-keyed property would show in
 * dist/types.
 * @module
 */
import type { InProgressAborted } from '../notifier/errors.js';
import { abortWaited as abortCore, onAbort as onAbortCore } from './abort.js';
import type { Core, Reaction } from './core.js';
import type { InProgress } from './inprogress.js';

export type { Reaction } from './core.js';

let lookup: ((x: unknown) => Core | null) | null = null;

/**
 * Gives this module the function that reads the private Core of an
 * InProgress; the InProgress class calls it once, as it is defined.
 * @param fn - returns the Core of an InProgress, null for anything else.
 * @throws Error when called twice.
 * @example
 * static { bindCores(x => typeof x === 'object' && x !== null && #core in x ? x.#core : null); }
 */
export function bindCores(fn: (x: unknown) => Core | null): void {
    if (lookup !== null)
        throw new Error('bindCores(): the InProgress class is already bound');
    lookup = fn;
}

/**
 * The Core of `x` when it is an InProgress, else null.
 * @param x - anything.
 * @returns its Core or null.
 * @example
 * const target = maybeCore(other);
 */
export function maybeCore(x: unknown): Core | null {
    return (lookup as (x: unknown) => Core | null)(x);
}

/**
 * The Core of an InProgress.
 * @param ip - an InProgress.
 * @returns its Core.
 * @throws TypeError when `ip` is not an InProgress.
 * @example
 * coreOf(ip).waiterCount();
 */
export function coreOf(ip: InProgress<unknown>): Core {
    const core = maybeCore(ip);
    if (core === null)
        throw new TypeError(`expected an InProgress (got ${String(ip)})`);
    return core;
}

/**
 * Connects internal callbacks (no checks; what they throw goes where a
 * connected callback's exception goes). A finished InProgress calls one at once.
 * @param ip - the InProgress.
 * @param ok - gets the result.
 * @param err - gets the failure (and takes it, unless `passive`).
 * @param passive - neither takes a failure nor counts as a waiter (abortWaited()).
 * @returns the reaction for {@link unreact}, or null when it ran at once.
 * @example
 * const r = react(child, v => done(v), e => fail(e));
 */
export function react(ip: InProgress<unknown>, ok: ((v: unknown) => unknown) | null, err: ((e: unknown) => unknown) | null,
    passive = false): Reaction | null {
    return coreOf(ip).react({ ok, err, fn: null, passive });
}

/**
 * Removes a reaction {@link react} returned (harmless for null or one already gone).
 * @param ip - the InProgress.
 * @param reaction - what `react` returned.
 * @example
 * unreact(child, r);
 */
export function unreact(ip: InProgress<unknown>, reaction: Reaction | null): void {
    coreOf(ip).unreact(reaction);
}

/**
 * Registers how to undo the work behind `ip`: `abort()` runs `fn` once the
 * `abort` signal accepted the abort, before the InProgress fails with the
 * InProgressAborted. Nothing happens when `ip` has finished. An `fn` that
 * throws makes `abort()` throw (coroutines raise into a running body so).
 * @param ip - the InProgress of the work.
 * @param fn - undoes the work; gets the InProgressAborted.
 * @example
 * onAbort(ip, () => scheduler.remove(entry));
 */
export function onAbort<T>(ip: InProgress<T>, fn: (error: InProgressAborted) => void): void {
    onAbortCore(coreOf(ip as InProgress<unknown>), fn);
}

/**
 * Aborts `target` for `origin` when it is unfinished, abortable and nothing
 * else waits for it (a refusal is quiet, another error logged).
 * @param target - the InProgress `origin` waited for.
 * @param origin - the InProgress that waited (and is being aborted).
 * @example
 * abortWaited(child, self);
 */
export function abortWaited(target: InProgress<unknown>, origin: InProgress<unknown>): void {
    abortCore(coreOf(target), coreOf(origin));
}

/** Builds an InProgressAny or InProgressAll (combinators.ts). */
export type Combine = (kind: 'any' | 'all', args: unknown[]) => InProgress<unknown>;
let combine: Combine | null = null;

/**
 * Registers `InProgress.any()`/`all()`; combinators.ts does at load time
 * (it extends InProgress, so inprogress.ts cannot import it).
 * @param fn - builds an InProgressAny or InProgressAll.
 * @example
 * registerCombine((kind, args) => kind === 'any' ? new InProgressAny(...args) : new InProgressAll(...args));
 */
export function registerCombine(fn: Combine): void {
    combine = fn;
}

/**
 * Builds `InProgress.any()`/`all()`.
 * @param kind - which.
 * @param args - their arguments.
 * @returns the combinator.
 * @throws Error when combinators.ts is not loaded.
 * @example
 * return combineWith('any', args);
 */
export function combineWith(kind: 'any' | 'all', args: unknown[]): InProgress<unknown> {
    if (combine === null)
        throw new Error(`InProgress.${kind}() needs src/async/combinators.ts, which is not loaded`);
    return combine(kind, args);
}
