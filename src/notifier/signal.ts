/**
 * `Signal`: kaa's typed, re-entrant callback list (kaa.base's `kaa.Signal`); signals.ts adds
 * `Signals` and re-exports this file. Emission works on a snapshot of the connection list, like
 * GJS's `_signals.js`; the list is copied only when it changes during an emission, so a plain
 * `emit()` allocates nothing but its arguments. `inprogress()` hands out an object of the async
 * layer, which plugs itself in through signal-inprogress.ts.
 * @module
 */
import {
    Callable, WeakCallable, invokeCallable, requireFunction,
    type AnyFunction, type SignalHandler, type SignalMethod, type WeakMethod,
} from './callable.js';
import { SystemExit } from './errors.js';
import { logException } from './log.js';
import { makeSignalInProgress, type EmissionValue, type SignalInProgress } from './signal-inprogress.js';

/**
 * The `changed` hook: told after every connection and disconnection.
 * (Declared as a method so that `Signal<[string]>` stays assignable to `Signal<unknown[]>`.)
 */
export type SignalChangedHook<Args extends unknown[]> = {
    hook(signal: Signal<Args>, action: 'connected' | 'disconnected'): void;
}['hook'];

/**
 * One connection: `callable` is what connect returned; `fn` the function given; `direct` the raw
 * function when the call needs no argument merging (the hot path); `owned` when the signal made
 * the WeakCallable, so it kills it when the connection ends.
 */
interface Connection {
    readonly callable: Callable;
    readonly fn: unknown;
    readonly direct: ((...args: unknown[]) => unknown) | null;
    readonly weak: WeakCallable | null;
    readonly owned: boolean;
    readonly once: boolean;
    removed: boolean;
}

/**
 * A typed list of callbacks. `Args` is the tuple an emission passes:
 * `Signal<[line: string]>` calls its callbacks with a string (then each
 * callback's own user arguments). A callback that returns `false` makes
 * `emit()` return `false`; its exceptions are logged, not propagated.
 * @example
 * const lines = new Signal<[line: string]>();
 * lines.connect((line: string, tag: string) => print(tag, line), 'out:');
 * lines.emit('hello'); // prints "out: hello"
 */
export class Signal<Args extends unknown[] = unknown[]> {
    #connections: Connection[] = [];
    #emitting = 0;
    #deferred: unknown[][] = [];
    #flushing = false;
    #changed: SignalChangedHook<Args> | null = null;

    /**
     * @param changed - called `(signal, 'connected' | 'disconnected')` after each change.
     * @throws TypeError when `changed` is given and not a function.
     */
    constructor(changed: SignalChangedHook<Args> | null = null) {
        this.changed = changed;
    }

    /** The hook called after each connection or disconnection. @default null */
    get changed(): SignalChangedHook<Args> | null {
        return this.#changed;
    }

    set changed(hook: SignalChangedHook<Args> | null) {
        if (hook !== null && hook !== undefined)
            requireFunction('changed', hook);
        this.#changed = hook ?? null;
    }

    /** The number of live connections. */
    get count(): number {
        return this.#connections.reduce((n, c) => (c.weak === null || c.weak.alive ? n + 1 : n), 0);
    }

    /**
     * Connects `callback`, called on each emission with the emitted
     * arguments followed by `userArgs`.
     * @param callback - a function, or a `Callable`/`WeakCallable` used as is.
     * @param userArgs - arguments appended to every call.
     * @returns the `Callable` that `disconnect()` also accepts.
     * @throws TypeError when `callback` is not a function.
     * @example
     * signal.connect((value: number, name: string) => print(name, value), 'width');
     */
    connect<U extends unknown[]>(callback: SignalHandler<Args, U>, ...userArgs: U): Callable {
        return this.#connect(callback, userArgs, false, false);
    }

    /**
     * Like `connect`, but disconnected just before its first call.
     * @param callback - a function.
     * @param userArgs - arguments appended to the call.
     * @throws TypeError when `callback` is not a function.
     * @example
     * process.signals.exited.connectOnce(code => print('exit', code));
     */
    connectOnce<U extends unknown[]>(callback: SignalHandler<Args, U>, ...userArgs: U): Callable {
        return this.#connect(callback, userArgs, false, true);
    }

    /**
     * Like `connect`, but called before every callback connected so far.
     * @param callback - a function.
     * @param userArgs - arguments appended to every call.
     * @throws TypeError when `callback` is not a function.
     * @example
     * signal.connectFirst(validate); // runs before the others
     */
    connectFirst<U extends unknown[]>(callback: SignalHandler<Args, U>, ...userArgs: U): Callable {
        return this.#connect(callback, userArgs, true, false);
    }

    /**
     * `connectFirst` and `connectOnce` together.
     * @param callback - a function.
     * @param userArgs - arguments appended to the call.
     * @throws TypeError when `callback` is not a function.
     * @example
     * signal.connectFirstOnce(() => print('first, once'));
     */
    connectFirstOnce<U extends unknown[]>(callback: SignalHandler<Args, U>, ...userArgs: U): Callable {
        return this.#connect(callback, userArgs, true, true);
    }

    /**
     * Connects `method` of `target` (`this = target`) through a {@link WeakCallable}: the connection
     * drops itself when `target` dies (collected, or a GObject emitting `destroy`) or on `disconnectWeak`.
     * @param target - the object, held weakly.
     * @param method - a function called with `this = target`, or a method name of `target`.
     * @param userArgs - arguments appended to every call.
     * @throws TypeError when `target` is not an object or `method` is not a function or method name.
     * @example
     * channel.signals.readline.connectWeak(label, 'set_label');
     */
    connectWeak<T extends object, U extends unknown[]>(target: T, method: SignalMethod<T, Args, U>, ...userArgs: U): WeakCallable<T> {
        return this.#connectWeak(target, method, userArgs, false, false);
    }

    /**
     * `connectWeak`, disconnected just before its first call.
     * @param target - the object, held weakly.
     * @param method - a function or method name.
     * @param userArgs - arguments appended to the call.
     * @throws TypeError as `connectWeak`.
     * @example
     * signal.connectWeakOnce(this, 'onReady');
     */
    connectWeakOnce<T extends object, U extends unknown[]>(target: T, method: SignalMethod<T, Args, U>, ...userArgs: U): WeakCallable<T> {
        return this.#connectWeak(target, method, userArgs, false, true);
    }

    /**
     * `connectWeak`, called before every callback connected so far.
     * @param target - the object, held weakly.
     * @param method - a function or method name.
     * @param userArgs - arguments appended to every call.
     * @throws TypeError as `connectWeak`.
     * @example
     * signal.connectWeakFirst(this, 'onChange');
     */
    connectWeakFirst<T extends object, U extends unknown[]>(target: T, method: SignalMethod<T, Args, U>, ...userArgs: U): WeakCallable<T> {
        return this.#connectWeak(target, method, userArgs, true, false);
    }

    /**
     * `connectWeakFirst` and `connectWeakOnce` together.
     * @param target - the object, held weakly.
     * @param method - a function or method name.
     * @param userArgs - arguments appended to the call.
     * @throws TypeError as `connectWeak`.
     * @example
     * signal.connectWeakFirstOnce(this, 'onFirst');
     */
    connectWeakFirstOnce<T extends object, U extends unknown[]>(target: T, method: SignalMethod<T, Args, U>, ...userArgs: U): WeakCallable<T> {
        return this.#connectWeak(target, method, userArgs, true, true);
    }

    /**
     * Cuts every connection of `callback`: the function passed to a connect
     * method (or the method function of a weak one), or the Callable it returned.
     * @param callback - the function or Callable.
     * @returns whether anything was connected.
     * @example
     * signal.disconnect(onRead);
     */
    disconnect(callback: AnyFunction): boolean {
        return this.#removeWhere(c => c.callable === callback || c.fn === callback);
    }

    /**
     * Cuts every weak connection to `target`.
     * @param target - the object given to `connectWeak`.
     * @returns whether a connection to `target` existed.
     * @example
     * signal.disconnectWeak(widget);
     */
    disconnectWeak(target: object): boolean {
        return this.#removeWhere(c => c.weak !== null && c.weak.target === target);
    }

    /**
     * Cuts every connection; `changed` is told once, if anything was connected.
     * @example
     * signal.disconnectAll();
     */
    disconnectAll(): void {
        this.#removeWhere(() => true);
    }

    /**
     * Calls every connected callback with `args` (then its user arguments), on a snapshot: callbacks
     * connected meanwhile wait for the next emission, callbacks disconnected meanwhile are skipped, a
     * once-callback is removed before it is called. A callback's exception is logged; emission goes on.
     * @param args - the emitted arguments.
     * @returns `false` if any callback returned `false`, else `true`.
     * @throws SystemExit when a callback throws it (the emission stops there).
     * @example
     * if (!signal.emit(data)) print('someone said no');
     */
    emit(...args: Args): boolean {
        const list = this.#connections;
        const n = list.length;
        let result = true;
        this.#emitting++;
        try {
            for (let i = 0; i < n; i++) {
                const c = list[i];
                if (c.removed)
                    continue;
                if (c.weak !== null && !c.weak.alive) {
                    this.#removeOne(c, true);
                    continue;
                }
                if (c.once)
                    this.#removeOne(c, false);
                try {
                    const direct = c.direct;
                    const value = direct !== null && !c.callable.ignoreCallerArgs
                        ? direct(...args) : invokeCallable(c.callable, args);
                    if (value === false)
                        result = false;
                } catch (e) {
                    if (e instanceof SystemExit)
                        throw release(c, e);
                    logException(e, 'a callback connected to a Signal threw');
                }
                if (c.once)
                    release(c);
            }
        } finally {
            this.#emitting--;
        }
        return result;
    }

    /**
     * Emits now if a callback is connected; otherwise queues the emission
     * until the next callback connects (queued emissions then run in order).
     * @param args - the emitted arguments.
     * @example
     * ready.emitDeferred(); // whoever connects later still hears it
     */
    emitDeferred(...args: Args): void {
        if (this.count > 0)
            this.emit(...args);
        else
            this.#deferred.push(args);
    }

    /**
     * The same as {@link Signal.emitDeferred} (kaa.base's other name for it).
     * @param args - the emitted arguments.
     * @example
     * errors.emitWhenHandled(error);
     */
    emitWhenHandled(...args: Args): void {
        this.emitDeferred(...args);
    }

    /**
     * An InProgress that finishes on the next emission, with the argument of
     * a one-argument emission, the array of several, or `undefined`.
     * @returns the async layer's InProgress.
     * @throws Error when the async layer (src/async/) is not loaded.
     * @example
     * const line = await channel.signals.readline.inprogress();
     */
    inprogress(): SignalInProgress<EmissionValue<Args>> {
        const connectOnce = (cb: AnyFunction): void => void this.#connect(cb, [], false, true);
        return makeSignalInProgress(this, connectOnce) as SignalInProgress<EmissionValue<Args>>;
    }

    /**
     * The Callables of the live connections, in call order (a snapshot).
     * @example
     * for (const cb of signal) print(cb.name);
     */
    * [Symbol.iterator](): IterableIterator<Callable> {
        for (const c of this.#connections.slice()) {
            if (!c.removed && (c.weak === null || c.weak.alive))
                yield c.callable;
        }
    }

    #connect(callback: unknown, userArgs: unknown[], first: boolean, once: boolean): Callable {
        requireFunction('callback', callback);
        const reuse = callback instanceof Callable && userArgs.length === 0;
        const callable = reuse ? callback : new Callable(callback, ...userArgs);
        const weak = callable instanceof WeakCallable ? callable : null;
        const direct = reuse ? null : userArgs.length === 0 ? callback as (...args: unknown[]) => unknown : null;
        this.#add({ callable, fn: callback, direct, weak, owned: false, once, removed: false }, first);
        return callable;
    }

    #connectWeak<T extends object>(target: T, method: unknown, userArgs: unknown[], first: boolean, once: boolean): WeakCallable<T> {
        const weak = new WeakCallable(target, method as WeakMethod<T>, ...userArgs);
        const c: Connection = { callable: weak, fn: method, direct: null, weak, owned: true, once, removed: false };
        weak.onDead = () => this.#removeWhere(x => x === c);
        this.#add(c, first);
        return weak;
    }

    #add(c: Connection, first: boolean): void {
        // During an emission the list is copied, so the emission's snapshot stays intact.
        const list = this.#emitting > 0 ? this.#connections.slice() : this.#connections;
        if (first)
            list.unshift(c);
        else
            list.push(c);
        this.#connections = list;
        this.#notify('connected');
        if (this.#deferred.length > 0 && !this.#flushing)
            this.#flushDeferred();
    }

    /** Removes one connection. (A closure over `c` in `emit` would allocate on every iteration.) */
    #removeOne(c: Connection, doRelease: boolean): void {
        this.#removeWhere(x => x === c, doRelease);
    }

    /**
     * Removes the matching connections (and, with `doRelease`, kills the weak
     * callables the signal made); tells `changed` once; returns whether any matched.
     */
    #removeWhere(match: (c: Connection) => boolean, doRelease = true): boolean {
        const removed: Connection[] = [];
        const kept = this.#connections.filter(c => (match(c) ? (removed.push(c), false) : true));
        if (removed.length === 0)
            return false;
        this.#connections = kept;
        for (const c of removed) {
            c.removed = true;
            if (doRelease)
                release(c);
        }
        this.#notify('disconnected');
        return true;
    }

    #flushDeferred(): void {
        this.#flushing = true;
        try {
            while (this.#deferred.length > 0 && this.count > 0)
                this.emit(...(this.#deferred.shift() as Args));
        } finally {
            this.#flushing = false;
        }
    }

    #notify(action: 'connected' | 'disconnected'): void {
        const hook = this.#changed;
        if (hook === null)
            return;
        try {
            hook(this, action);
        } catch (e) {
            if (e instanceof SystemExit)
                throw e;
            logException(e, `the changed hook of a Signal threw (${action})`);
        }
    }
}

/**
 * Kills the WeakCallable of a cut connection if the signal made it (so its
 * destroy handler goes too); returns `error`, for `throw release(c, e)`.
 */
function release(c: Connection, error?: unknown): unknown {
    if (c.owned && c.weak !== null && c.removed) {
        c.weak.onDead = null;
        c.weak.kill();
    }
    return error;
}
