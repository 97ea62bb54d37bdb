/**
 * `Callable` and `WeakCallable`: function objects that carry bound arguments
 * (kaa.base's `kaa.Callable`), the unit signals and timers call; and the
 * types of the functions and method names they and signals accept.
 *
 * A `Callable` is a real function (`typeof c === 'function'`, `c.call`,
 * `c.apply` work) whose prototype chain also holds `Callable.prototype`, so
 * `c instanceof Callable` is true and its settings are plain properties.
 *
 * Weak references on GJS 1.74: `WeakRef` targets are never collected there
 * and `FinalizationRegistry` callbacks never run. A `WeakCallable` therefore
 * also dies when its target is a GObject that emits `destroy` (every
 * `Gtk.Widget`) and when `kill()` is called; where the runtime does collect
 * WeakRef targets it dies with its target as well. Nothing may rely on
 * finalization to release anything.
 * @module
 */
import type GObject from 'gi://GObject';
import { CallableError, describeValue } from './errors.js';
import { logException } from './log.js';

/** Any function, whatever its parameters (the widest function type without `any`). */
export type AnyFunction = (...args: never[]) => unknown;

/** The keys of `T` whose values are functions: the method names a weak callable accepts. */
export type MethodName<T> = Extract<
    { [K in keyof T]-?: T[K] extends AnyFunction ? K : never }[keyof T], string | symbol>;

/** What `WeakCallable` calls on its target: a function called with `this = target`, or a method name. */
export type WeakMethod<T, R = unknown> = ((this: T, ...args: never[]) => R) | MethodName<T>;

/** A callback for a `Signal<Args>` with user arguments `U` appended. */
export type SignalHandler<Args extends unknown[], U extends unknown[] = []> = (...args: [...Args, ...U]) => unknown;

/** The method names of `T` that can handle a `Signal<Args>` with user arguments `U`. */
export type SignalMethodName<T, Args extends unknown[], U extends unknown[] = []> = Extract<
    { [K in keyof T]-?: T[K] extends SignalHandler<Args, U> ? K : never }[keyof T], string | symbol>;

/** What `connectWeak` calls on its target: a function with `this = target`, or a method name. */
export type SignalMethod<T, Args extends unknown[], U extends unknown[] = []> =
    ((this: T, ...args: [...Args, ...U]) => unknown) | SignalMethodName<T, Args, U>;

type Invocable = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Throws a `TypeError` naming the argument and the value unless `value` is a function.
 * @param name - the argument's name as the caller wrote it, e.g. `'fn'`.
 * @param value - the value received.
 * @throws TypeError `` `fn` must be a function (got 42) ``.
 * @example
 * requireFunction('callback', cb);
 */
export function requireFunction(name: string, value: unknown): asserts value is AnyFunction {
    if (typeof value !== 'function')
        throw new TypeError(`\`${name}\` must be a function (got ${describeValue(value)})`);
}

/** Makes the function it is given the instance (return override), with `new.target`'s prototype. */
class FunctionObject {
    constructor(fn: object) {
        Object.setPrototypeOf(fn, new.target.prototype);
        return fn as FunctionObject;
    }
}
Object.setPrototypeOf(FunctionObject.prototype, Function.prototype);

/**
 * Calls a callable's function with `args` as call-time arguments, without
 * the wrapper's own call overhead. Internal: signals use it on their hot path.
 * @internal
 */
export let invokeCallable: (callable: Callable, args: unknown[]) => unknown;

// The call signature of a Callable, merged into the class's instance type.
export interface Callable<R = unknown> {
    /** Calls the wrapped function with the call-time and bound arguments. */
    (...args: unknown[]): R;
}

/**
 * A function object wrapping `fn` with bound arguments: calling it calls
 * `fn(...callArgs, ...boundArgs)` (or bound first, see `initArgsFirst`) with
 * the caller's `this`, and returns what `fn` returns.
 * @example
 * const cb = new Callable((line: string, prefix: string) => print(prefix + line), '> ');
 * cb('hello'); // prints "> hello"
 * cb.initArgsFirst = true; // now fn('> ', 'hello')
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Callable<R = unknown> extends FunctionObject {
    /**
     * Pass the bound arguments before the call-time ones.
     * @default false
     */
    initArgsFirst = false;
    /**
     * Pass only the bound arguments, dropping the call-time ones.
     * @default false
     */
    ignoreCallerArgs = false;
    readonly #fn: Invocable;
    readonly #args: unknown[];

    /**
     * @param fn - the function to call.
     * @param args - arguments bound after (or before) the call-time ones.
     * @throws TypeError when `fn` is not a function.
     */
    constructor(fn: (...args: never[]) => R, ...args: unknown[]) {
        requireFunction('fn', fn);
        const self = function (this: unknown, ...callArgs: unknown[]): unknown {
            return (self as unknown as Callable).#invoke(callArgs, this);
        };
        Object.defineProperty(self, 'name', { value: fn.name, configurable: true });
        super(self);
        this.#fn = fn as unknown as Invocable;
        this.#args = args;
    }

    static {
        invokeCallable = (callable, args) => callable.#invoke(args, undefined);
    }

    /** The arguments bound at construction (a copy). */
    get boundArgs(): unknown[] {
        return this.#args.slice();
    }

    #invoke(callArgs: unknown[], thisArg: unknown): unknown {
        const bound = this.#args;
        let args = callArgs;
        if (this.ignoreCallerArgs)
            args = bound;
        else if (bound.length > 0)
            args = this.initArgsFirst ? bound.concat(callArgs) : callArgs.concat(bound);
        return this.#fn.apply(thisArg, args);
    }
}

/**
 * A Callable that calls `method` on `target` with `this = target`, holding
 * `target` through a `WeakRef`. It dies when the target is collected (where
 * the runtime collects WeakRef targets), when a GObject target emits
 * `destroy`, or on `kill()`; calling it then throws {@link CallableError}.
 * Bound arguments are held strongly.
 * @example
 * const refresh = new WeakCallable(label, 'set_label', 'done');
 * refresh();            // label.set_label('done')
 * label.destroy();      // (a Gtk.Widget) refresh.alive === false
 * refresh();            // throws CallableError
 */
export class WeakCallable<T extends object = object, R = unknown> extends Callable<R> {
    /** Called once when the callable dies (not when it is called dead). @default null */
    onDead: ((callable: WeakCallable) => void) | null = null;
    readonly #ref: WeakRef<object>;
    readonly #method: PropertyKey | AnyFunction;
    #dead = false;
    #destroyHandler = 0;

    static readonly #finalizer = new FinalizationRegistry<WeakRef<{ kill(): void }>>(
        ref => ref.deref()?.kill());
    /**
     * Whether the runtime collects WeakRef targets at all. GJS 1.74 never
     * clears the objects a `new WeakRef(x)` keeps alive, so a `WeakRef` to
     * each callable (for the finalizer) kept every callable forever: 100k
     * connectWeak/disconnect cycles grew RSS by ~80 MiB and slowed down.
     * The finalizer is used only once this probe's target was collected.
     */
    static #probe: WeakRef<object> | null = new WeakRef({});
    /**
     * Callables waiting to be registered with the finalizer. From GJS 1.78.5
     * every `new WeakRef(x)` keeps `x` alive until GJS next drains its
     * promise jobs, so making the finalizer's `WeakRef` to a callable at once
     * kept every callable made in one job — 200k connectWeak/disconnect
     * cycles in one callback grew RSS by ~175 MiB on 1.82 and 1.90. They are
     * registered from a promise reaction instead, and only those still alive
     * then: a connection made and cut in the same job costs nothing.
     */
    static #pending = new Set<WeakCallable>();
    static #flushQueued = false;

    static #queueRegistration(callable: WeakCallable): void {
        WeakCallable.#pending.add(callable);
        if (WeakCallable.#flushQueued)
            return;
        WeakCallable.#flushQueued = true;
        void Promise.resolve().then(() => {
            WeakCallable.#flushQueued = false;
            const batch = [...WeakCallable.#pending];
            WeakCallable.#pending.clear();
            for (const c of batch) {
                const target = c.#ref.deref();
                if (!c.#dead && target !== undefined)
                    WeakCallable.#finalizer.register(target, new WeakRef(c), c);
            }
        });
    }

    /**
     * @param target - the object to call `method` on; held weakly.
     * @param method - a function called with `this = target`, or the name of a method of `target`.
     * @param args - arguments bound after (or before) the call-time ones.
     * @throws TypeError when `target` is not an object or `method` is neither a function nor a method name of `target`.
     */
    constructor(target: T, method: WeakMethod<T, R>, ...args: unknown[]) {
        if ((typeof target !== 'object' && typeof target !== 'function') || target === null)
            throw new TypeError(`\`target\` must be an object (got ${describeValue(target)})`);
        if (typeof method !== 'function' && ((typeof method !== 'string' && typeof method !== 'symbol') ||
            typeof (target as Record<PropertyKey, unknown>)[method] !== 'function')) {
            throw new TypeError('`method` must be a function or the name of a method of `target` ' +
                `(got ${describeValue(method)})`);
        }
        // The function handed to Callable runs only after construction, when `holder.self` is set.
        const holder: { self?: WeakCallable<T, R> } = {};
        super(function (this: unknown, ...callArgs: unknown[]): R {
            return (holder.self as WeakCallable<T, R>).#callTarget(callArgs);
        }, ...args);
        holder.self = this;
        this.#ref = new WeakRef(target);
        this.#method = method;
        if (WeakCallable.#probe === null || WeakCallable.#probe.deref() === undefined) {
            WeakCallable.#probe = null;
            WeakCallable.#queueRegistration(this);
        }
        this.#watchDestroy(target);
    }

    /** False once the target was collected or disposed, or `kill()` was called. */
    get alive(): boolean {
        return !this.#dead && this.#ref.deref() !== undefined;
    }

    /** The target while the callable is alive, else `undefined`. */
    get target(): T | undefined {
        return this.#dead ? undefined : this.#ref.deref() as T | undefined;
    }

    /**
     * Marks the callable dead now: later calls throw, `onDead` runs once, and
     * its `destroy` handler on a GObject target is disconnected. Harmless twice.
     * @example
     * cb.kill(); // cb.alive === false
     */
    kill(): void {
        this.#die();
    }

    #callTarget(args: unknown[]): R {
        const target = this.target;
        if (target === undefined) {
            this.#die();
            throw new CallableError(`a WeakCallable of ${describeMethod(this.#method)} was called after its target died`);
        }
        const method = this.#method;
        const fn = typeof method === 'function' ? method : (target as Record<PropertyKey, unknown>)[method];
        if (typeof fn !== 'function')
            throw new CallableError(`${describeMethod(method)} is no longer a method of the target (got ${describeValue(fn)})`);
        return (fn as (...a: unknown[]) => R).apply(target, args);
    }

    #watchDestroy(target: T): void {
        // Only a GI type has a $gtype: GObject is reached then only, through the
        // legacy importer (importing it at start-up costs ~0.7 MiB on GJS 1.90).
        const gtype = (target as { constructor?: { $gtype?: GObject.GType } }).constructor?.$gtype;
        if (gtype === undefined)
            return;
        const gobject = imports.gi.GObject;
        if (target instanceof gobject.Object && gobject.signal_lookup('destroy', gtype) !== 0)
            this.#destroyHandler = target.connect('destroy', () => this.#die());
    }

    #die(): void {
        if (this.#dead)
            return;
        this.#dead = true;
        const target = this.#ref.deref();
        if (this.#destroyHandler !== 0 && target instanceof imports.gi.GObject.Object)
            target.disconnect(this.#destroyHandler);
        this.#destroyHandler = 0;
        WeakCallable.#pending.delete(this);
        WeakCallable.#finalizer.unregister(this);
        const onDead = this.onDead;
        this.onDead = null;
        try {
            onDead?.(this);
        } catch (e) {
            logException(e, 'the onDead hook of a WeakCallable threw');
        }
    }
}

function describeMethod(method: unknown): string {
    if (typeof method === 'function')
        return method.name ? `${method.name}()` : 'an anonymous function';
    return `method ${String(method)}`;
}
