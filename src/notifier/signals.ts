/**
 * `Signals`: a named, typed set of {@link Signal}s (kaa.base's
 * `kaa.Signals`), the shape of every `obj.signals` in kaa. This module is
 * the signals API of the notifier: it re-exports signal.ts (`Signal`) and
 * signal-inprogress.ts (the async layer's registration functions).
 *
 * Each signal is an own, read-only, enumerable property (`signals.read`),
 * so a name may not shadow a method of `Signals` (`any`, `all`, `get`,
 * `keys`, `values`, ...) or of `Object.prototype`.
 * @module
 */
import { isPlainObject } from './check.js';
import { describeValue } from './errors.js';
import { Signal } from './signal.js';
import { combineSignals, type CombinatorOptions, type SignalInProgress } from './signal-inprogress.js';

export * from './signal.js';
export * from './signal-inprogress.js';
export { requireFunction, type SignalHandler, type SignalMethod, type SignalMethodName } from './callable.js';

/** A map from signal names to argument tuples: `{read: [Uint8Array]; closed: [boolean]}`. */
export type SignalMap<M> = { [K in keyof M]: unknown[] };

/**
 * What `new Signals(...)` accepts: a name (makes a new Signal), an object of
 * existing Signals, or `[name, signal]` pairs (another Signals, a Map).
 */
export type SignalsItem<M> = NoInfer<keyof M & string> | { readonly [name: string]: Signal<unknown[]> }
    | Iterable<readonly [string, Signal<unknown[]>]>;

/** The methods every `Signals` has; the signals themselves are added per instance. */
class SignalsBase<M extends SignalMap<M>> {
    readonly #signals = new Map<string, Signal<unknown[]>>();

    constructor(...items: SignalsItem<M>[]) {
        for (const item of items) {
            if (typeof item === 'string')
                this.#add(item, new Signal());
            else if (typeof item === 'object' && item !== null && Symbol.iterator in item)
                for (const pair of item as Iterable<unknown>) this.#addPair(item, pair);
            else if (isPlainObject(item))
                Object.entries(item).forEach(([name, signal]) => this.#add(name, signal));
            else
                throw new TypeError(`\`items\` must be signal names, objects of Signals or [name, Signal] pairs (got ${describeValue(item)})`);
        }
    }

    /**
     * The signal called `name`, or `undefined` (for names known only at run time).
     * @param name - the signal's name.
     * @returns the Signal.
     * @example
     * obj.signals.get('read')?.connect(cb);
     */
    get<K extends keyof M & string>(name: K): Signal<M[K]> | undefined {
        return this.#signals.get(name) as Signal<M[K]> | undefined;
    }

    /**
     * The signal names, in the order they were given.
     * @returns the names.
     * @example
     * signals.keys(); // ['read', 'closed']
     */
    keys(): (keyof M & string)[] {
        return [...this.#signals.keys()] as (keyof M & string)[];
    }

    /**
     * The signals, in the order they were given.
     * @returns the Signals.
     * @example
     * for (const s of obj.signals.values()) s.disconnectAll();
     */
    values(): Signal<M[keyof M]>[] {
        return [...this.#signals.values()] as Signal<M[keyof M]>[];
    }

    /**
     * An InProgress that finishes with `[index, value]` when the first of
     * these signals emits (InProgressAny).
     * @param options - `{finish, filter}`, as for `InProgress.any()`.
     * @returns the async layer's InProgress.
     * @throws Error when the async layer is not loaded.
     * @example
     * const [which] = await proc.signals.any();
     */
    any(options?: CombinatorOptions): SignalInProgress<[number, unknown]> {
        return combineSignals('any', this.values(), options) as SignalInProgress<[number, unknown]>;
    }

    /**
     * An InProgress that finishes once every one of these signals emitted,
     * with the array of their values (InProgressAll).
     * @param options - `{finish}`, as for `InProgress.all()`.
     * @returns the async layer's InProgress.
     * @throws Error when the async layer is not loaded.
     * @example
     * await channel.signals.all();
     */
    all(options?: CombinatorOptions): SignalInProgress<unknown[]> {
        return combineSignals('all', this.values(), options) as SignalInProgress<unknown[]>;
    }

    /**
     * `[name, signal]` pairs, in order.
     * @example
     * for (const [name, signal] of obj.signals) print(name, signal.count);
     */
    * [Symbol.iterator](): IterableIterator<[keyof M & string, Signal<M[keyof M]>]> {
        yield* [...this.#signals] as unknown as [keyof M & string, Signal<M[keyof M]>][];
    }

    /** Adds one `[name, signal]` entry of the iterable `item`. */
    #addPair(item: object, pair: unknown): void {
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
            throw new TypeError('`items` must be signal names, objects of Signals or [name, Signal] pairs ' +
                `(got ${describeValue(item)} holding ${describeValue(pair)})`);
        }
        this.#add(pair[0], pair[1]);
    }

        #add(name: string, signal: unknown): void {
        if (!(signal instanceof Signal))
            throw new TypeError(`signal \`${name}\` must be a Signal (got ${describeValue(signal)})`);
        if (this.#signals.has(name))
            throw new TypeError(`signal \`${name}\` is given twice`);
        if (name in this)
            throw new TypeError(`\`${name}\` cannot be a signal name: it is a method of Signals`);
        this.#signals.set(name, signal as Signal<unknown[]>);
        Object.defineProperty(this, name, { value: signal, enumerable: true });
    }
}

/**
 * A set of named signals typed by a map of argument tuples: each name is a
 * {@link Signal} property (`signals.read.connect(...)`), plus `any()`,
 * `all()`, `get()`, `keys()`, `values()` and iteration over `[name, signal]`.
 */
export type Signals<M extends SignalMap<M> = Record<string, unknown[]>> =
    SignalsBase<M> & { readonly [K in keyof M & string]: Signal<M[K]> };

/** The constructor type of {@link Signals}. */
export interface SignalsConstructor {
    /**
     * @param items - signal names (each makes a new Signal), or objects
     *   (or other Signals) whose Signals are taken as they are.
     * @throws TypeError on a name given twice, a name that is a method of
     *   Signals, or an item that is neither a name nor an object of Signals.
     */
    new <M extends SignalMap<M> = Record<string, unknown[]>>(...items: SignalsItem<M>[]): Signals<M>;
    readonly prototype: Signals<Record<string, unknown[]>>;
}

/**
 * Makes one {@link Signal} per name, typed by the map `M`.
 * @example
 * const signals = new Signals<{ read: [data: Uint8Array]; closed: [expected: boolean] }>('read', 'closed');
 * signals.read.connect(data => print(data.length));
 * signals.closed.emit(true);
 */
export const Signals = SignalsBase as unknown as SignalsConstructor;
