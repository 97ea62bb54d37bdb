/**
 * The bridge from signals to the async layer. `Signal.inprogress()` and
 * `Signals.any()/all()` hand out InProgress objects, but the InProgress class
 * lives in src/async/, which the notifier must never import (DESIGN.md §2).
 * So the async layer registers its factories here when it loads
 * ({@link setInProgressFactory}, {@link setInProgressCombinators}) and types
 * the results by merging into {@link InProgressTypes}:
 *
 *     declare module '../notifier/signal-inprogress.js' {
 *         interface InProgressTypes<T> { inprogress: InProgress<T> }
 *     }
 *
 * Until then those methods throw an Error saying the async layer is missing.
 * @module
 */
import { requireFunction } from './callable.js';

/**
 * What `signal.inprogress()` finishes with: the argument of a one-argument
 * emission, the array of several, `undefined` for none (`unknown` when the
 * signal's arity is not fixed).
 */
export type EmissionValue<Args extends unknown[]> = number extends Args['length'] ? unknown
    : Args extends [] ? undefined : Args extends [infer A] ? A : Args;

/**
 * The async layer merges `{inprogress: InProgress<T>}` into this interface,
 * so that `inprogress()`, `any()` and `all()` are typed with its InProgress.
 * @example
 * declare module '../notifier/signal-inprogress.js' {
 *     interface InProgressTypes<T> { inprogress: InProgress<T> }
 * }
 */
export interface InProgressTypes<T> {
    /** Never set: keeps `T` used until the async layer merges in `inprogress`. */
    readonly unresolved?: PromiseLike<T>;
}

/** The InProgress type of the async layer once it declared it, else a thenable. */
export type SignalInProgress<T> = InProgressTypes<T> extends { inprogress: infer P } ? P : PromiseLike<T>;

/** What the async layer's factory gets from `signal.inprogress()`. */
export interface SignalInProgressHook {
    /** The signal `inprogress()` was called on. */
    readonly signal: object;
    /**
     * Calls `finish` on the next emission only, with the emission's value
     * (see {@link emissionValue}).
     * @returns a function that cuts that connection (for `abort()`).
     */
    once(finish: (value: unknown) => void): () => void;
}

/** Builds the InProgress that `signal.inprogress()` returns. */
export type InProgressFactory = (hook: SignalInProgressHook) => PromiseLike<unknown>;

/** Options of `Signals.any()`/`all()`, passed through to InProgressAny/All (`{finish, filter}`). */
export type CombinatorOptions = Readonly<Record<string, unknown>>;

/** Builds the InProgress of `Signals.any()` or `Signals.all()` over some signals. */
export type InProgressCombinator = (signals: readonly object[], options?: CombinatorOptions) => PromiseLike<unknown>;

/** The pair the async layer registers with {@link setInProgressCombinators}. */
export interface InProgressCombinators {
    /** Finishes with `[index, value]` when the first of `signals` emits. */
    readonly any: InProgressCombinator;
    /** Finishes with the array of values once every one of `signals` emitted. */
    readonly all: InProgressCombinator;
}

let factory: InProgressFactory | null = null;
let combinators: InProgressCombinators | null = null;

const NOT_LOADED = 'needs kaa\'s async layer (src/async/), which is not loaded: ' +
    'import kaa from its entry point (dist/kaa.js or src/index.ts), not from src/notifier/';

/**
 * Registers how `signal.inprogress()` builds its InProgress; called by the
 * async layer when it loads.
 * @param f - the factory, or `null` to unregister.
 * @throws TypeError when `f` is neither a function nor `null`.
 * @example
 * setInProgressFactory(hook => { const ip = new InProgress(); hook.once(v => ip.finish(v)); return ip; });
 */
export function setInProgressFactory(f: InProgressFactory | null): void {
    if (f !== null)
        requireFunction('factory', f);
    factory = f;
}

/**
 * Registers how `Signals.any()` and `Signals.all()` build their InProgress;
 * called by the async layer when it loads.
 * @param c - `{any, all}`, or `null` to unregister.
 * @throws TypeError when `any` or `all` is not a function.
 * @example
 * setInProgressCombinators({ any: (s, o) => new InProgressAny(s, o), all: (s, o) => new InProgressAll(s, o) });
 */
export function setInProgressCombinators(c: InProgressCombinators | null): void {
    if (c !== null) {
        requireFunction('any', c.any);
        requireFunction('all', c.all);
    }
    combinators = c;
}

/**
 * Builds a signal's InProgress with the registered factory, handing it a
 * {@link SignalInProgressHook} whose `once(finish)` connects through
 * `connectOnce` and finishes with the {@link emissionValue}.
 * @param signal - the signal.
 * @param connectOnce - connects a callback to the signal's next emission only.
 * @returns the InProgress.
 * @throws Error when no factory is registered.
 * @example
 * return makeSignalInProgress(this, cb => this.connectOnce(cb)) as SignalInProgress<V>;
 */
export function makeSignalInProgress(
    signal: { disconnect(cb: (...args: unknown[]) => void): boolean },
    connectOnce: (cb: (...args: unknown[]) => void) => void,
): PromiseLike<unknown> {
    if (factory === null)
        throw new Error(`Signal.inprogress() ${NOT_LOADED}`);
    const once = (finish: (value: unknown) => void): (() => void) => {
        requireFunction('finish', finish);
        const cb = (...args: unknown[]): void => finish(emissionValue(args));
        connectOnce(cb);
        return () => void signal.disconnect(cb);
    };
    return factory({ signal, once });
}

/**
 * Builds the InProgress of `any()` or `all()` with the registered combinators.
 * @param kind - `'any'` or `'all'`.
 * @param signals - the signals to wait on.
 * @param options - passed through.
 * @returns the InProgress.
 * @throws Error when no combinators are registered.
 * @example
 * return combineSignals('any', this.values(), options);
 */
export function combineSignals(kind: 'any' | 'all', signals: readonly object[], options?: CombinatorOptions): PromiseLike<unknown> {
    if (combinators === null)
        throw new Error(`Signals.${kind}() ${NOT_LOADED}`);
    return combinators[kind](signals, options);
}

/**
 * Maps an emission's arguments to one value: the single argument, the array
 * of several, or `undefined` for none (what `inprogress()` finishes with).
 * @param args - the emitted arguments.
 * @returns the value.
 * @example
 * emissionValue(['a']); // 'a'
 * emissionValue(['a', 1]); // ['a', 1]
 */
export function emissionValue(args: readonly unknown[]): unknown {
    if (args.length === 0)
        return undefined;
    return args.length === 1 ? args[0] : args.slice();
}
