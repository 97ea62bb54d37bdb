/**
 * `InProgress<T>`: the result of work that finishes later (kaa.base's
 * `kaa.InProgress`) — a thenable (`await ip` works) with kaa's synchronous
 * callbacks, abort and nested waiting (DESIGN.md §5, §10).
 *
 * This class is the public face; its state lives in one private Core, and
 * each part of the behaviour in its own module:
 * - core.ts: the states (pending, following, finished, failed, aborted) and
 *   the moves between them; callbacks and their order;
 * - chain.ts: finishing with a thenable follows it;
 * - abort.ts: `abort()` and the undo actions the work registers;
 * - unhandled.ts: the report of failures nobody took;
 * - wait.ts: `wait()`; timeout.ts: `timeout()`;
 * - internal.ts: what the rest of the layer may do with an InProgress.
 * @module
 */
import { creationStack } from '../notifier/debug.js';
import { checkOptionsObject } from '../notifier/check.js';
import { SystemExit, describeValue, type InProgressAborted } from '../notifier/errors.js';
import { requireFunction, type Signals } from '../notifier/signals.js';
import { abort } from './abort.js';
import { follow } from './chain.js';
import { Core } from './core.js';
import { bindCores, combineWith } from './internal.js';
import type { InProgressStatus } from './status.js';
import { Hop, isThenable, requireSeconds } from './support.js';
import { mirrorWithTimeout } from './timeout.js';
import { takeFailure } from './unhandled.js';
import { wait } from './wait.js';
import type { AnyAllOptions, AnyResult, InProgressAll, InProgressAny, Waitable, WaitedValues } from './combinators.js';

declare module '../notifier/signal-inprogress.js' {
    interface InProgressTypes<T> {
        inprogress: InProgress<T>;
    }
}

/** The signals of an InProgress: `finished(result)`, `exception(error)`, `abort(error)`. */
export type InProgressSignals<T> = Signals<{
    finished: [result: T];
    exception: [error: unknown];
    abort: [error: InProgressAborted];
}>;

/** Options of the {@link InProgress} constructor. */
export interface InProgressOptions {
    /** Whether `abort()` is allowed. @default true */
    abortable?: boolean;
    /** A name for messages (`InProgress "fetch" (pending)`). @default null */
    name?: string | null;
}

/** Options of {@link InProgress.timeout}. */
export interface TimeoutOptions {
    /** Abort the original InProgress when the time runs out. @default false */
    abort?: boolean;
}

/** For io/, process/ and workers/: `onAbort(ip, fn)` registers how to undo the work (internal.ts). */
export { onAbort } from './internal.js';
export { isThenable, requireSeconds, timerEntry } from './support.js';

/**
 * The result of work that finishes later: `finish(value)` or `throw(error)`
 * it once; wait with `connect`, `await`, `wait()` or by yielding it from a
 * coroutine. Thenable: `then()` returns a real Promise.
 * @example
 * const ip = new InProgress<number>();
 * ip.connect(n => print('got', n));
 * ip.finish(42);            // prints "got 42"
 * print(await ip, ip.result); // 42 42
 */
export class InProgress<T = unknown> implements PromiseLike<T> {
    /** Everything it knows (core.ts); the rest of the layer reaches it through internal.ts. */
    readonly #core: Core;

    /** The progress of the work, when it reports any. @default null */
    progress: InProgressStatus | null = null;

    /**
     * @param options - `{abortable = true, name = null}`.
     * @throws TypeError when an option has the wrong type.
     */
    constructor(options: InProgressOptions = {}) {
        checkOptionsObject('InProgress', options, ['abortable', 'name']);
        const { abortable = true, name = null } = options;
        if (typeof abortable !== 'boolean')
            throw new TypeError(`InProgress: \`abortable\` must be a boolean (got ${describeValue(abortable)})`);
        if (name !== null && typeof name !== 'string')
            throw new TypeError(`InProgress: \`name\` must be a string (got ${describeValue(name)})`);
        this.#core = new Core(this as InProgress<unknown>, abortable, name, creationStack(1));
    }

    /** True after `finish()` or `throw()` (with a chained thenable: once that one ended). */
    get finished(): boolean {
        return this.#core.ended;
    }

    /** True when it ended with a failure. */
    get failed(): boolean {
        return this.#core.failed;
    }

    /**
     * The result; reading it takes the failure (it is then not reported).
     * @throws the failure, when it failed; InProgressStateError when it has not finished.
     */
    get result(): T {
        return this.#core.result() as T;
    }

    /** The failure, or `null` when it did not fail; reading it takes the failure. */
    get exception(): unknown {
        const core = this.#core;
        if (!core.failed)
            return null;
        takeFailure(core);
        return core.value;
    }

    /** Whether `abort()` is allowed. @default true */
    get abortable(): boolean {
        return this.#core.abortable;
    }

    set abortable(value: boolean) {
        if (typeof value !== 'boolean')
            throw new TypeError(`InProgress: \`abortable\` must be a boolean (got ${describeValue(value)})`);
        this.#core.abortable = value;
    }

    /** `finished(result)`, `exception(error)` and `abort(error)`; made on first use. */
    get signals(): InProgressSignals<T> {
        return this.#core.signals() as InProgressSignals<T>;
    }

    /**
     * Finishes with `value` and calls the result callbacks. A thenable value
     * (another InProgress, a Promise) is followed instead: this one ends as it ends.
     * @param value - the result, or a thenable to follow.
     * @returns this InProgress.
     * @throws InProgressStateError when it has already finished (or follows a thenable);
     *   TypeError when `value` is this InProgress (or waits for it).
     * @example
     * new InProgress<number>().finish(42).result; // 42
     */
    finish(value: T | PromiseLike<T>): this {
        this.#core.checkOpen('finish');
        if (isThenable(value))
            follow(this.#core, value);
        else
            this.#core.end(true, value);
        return this;
    }

    /**
     * Fails with `error` and calls the exception callbacks.
     * @param error - the failure, usually an Error.
     * @returns this InProgress.
     * @throws InProgressStateError when it has already finished (or follows a thenable).
     * @example
     * ip.throw(new Error('no route to host'));
     */
    throw(error: unknown): this {
        this.#core.checkOpen('throw');
        this.#core.end(false, error);
        return this;
    }

    /**
     * Calls `callback(result)` when it finishes successfully (once); at once
     * if it already has.
     * @param callback - gets the result.
     * @returns this InProgress.
     * @throws TypeError when `callback` is not a function.
     * @example
     * channel.read().connect(data => print(data.length));
     */
    connect(callback: (result: T) => unknown): this {
        requireFunction('callback', callback);
        this.#core.react({ ok: callback as (v: unknown) => unknown, err: null, fn: callback, passive: false });
        return this;
    }

    /**
     * Calls `onFinished(result)` or `onException(error)` (once), at once if
     * it already ended. Without `onException`, `onFinished` gets the error too.
     * Connecting an exception callback takes the failure.
     * @param onFinished - gets the result.
     * @param onException - gets the failure.
     * @returns this InProgress.
     * @throws TypeError when a callback is not a function.
     * @example
     * job.connectBoth(r => print('ok', r), e => print('failed', e));
     */
    connectBoth(onFinished: (result: T) => unknown, onException: (error: unknown) => unknown): this;
    connectBoth(callback: (resultOrError: unknown) => unknown): this;
    connectBoth(onFinished: (result: T) => unknown, onException?: (error: unknown) => unknown): this {
        requireFunction('onFinished', onFinished);
        const err = onException ?? onFinished as (e: unknown) => unknown;
        requireFunction('onException', err);
        this.#core.react({ ok: onFinished as (v: unknown) => unknown, err, fn: onFinished, passive: false });
        return this;
    }

    /**
     * Cuts the callbacks connected with `connect`/`connectBoth` as `callback`.
     * @param callback - a function passed to `connect` or `connectBoth`.
     * @returns whether anything was connected.
     * @example
     * ip.disconnect(onResult);
     */
    disconnect(callback: (...args: never[]) => unknown): boolean {
        return this.#core.disconnect(callback);
    }

    /**
     * The Promise protocol: `await ip` and `Promise.resolve(ip)` use it.
     * It takes the failure (a rejection is then the Promise's to handle).
     * @param onFulfilled - gets the result.
     * @param onRejected - gets the failure.
     * @returns a Promise of what the callback returns.
     * @example
     * const data = await channel.read();
     */
    then<R1 = T, R2 = never>(onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
        onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null): Promise<R1 | R2> {
        // One Promise, resolved with a Hop (support.ts) that runs the callback in a promise job.
        let settle!: (hop: Hop) => void;
        const promise = new Promise<R1 | R2>(resolve => (settle = resolve as (hop: Hop) => void));
        const f = onFulfilled as ((v: unknown) => unknown) | null | undefined;
        const r = onRejected as ((e: unknown) => unknown) | null | undefined;
        this.#core.react({ ok: v => settle(new Hop(true, v, f, r)), err: e => settle(new Hop(false, e, f, r)), fn: null, passive: false });
        return promise;
    }

    /**
     * Aborts the work: `signals.abort` is emitted (a handler that returns
     * `false` refuses), the work's own undo runs (a Gio cancellable is
     * cancelled, a timer removed, a coroutine gets the error at its `yield`),
     * and the InProgress fails with `error` unless the work ended otherwise.
     * That failure is not reported as unhandled.
     * @param error - an InProgressAborted; by default a new one.
     * @throws InProgressStateError when it has finished; AbortRefused when it is
     *   not abortable or a handler refused;
     *   TypeError when `error` is not an InProgressAborted.
     * @example
     * const ip = kaa.delay(10);
     * ip.abort(); // ip fails with InProgressAborted, the timer is gone
     */
    abort(error?: InProgressAborted): void {
        abort(this.#core, error);
    }

    /**
     * A new InProgress that ends as this one, or fails with a
     * TimeoutException after `seconds`. With `{abort: true}` this one is
     * aborted first when the time runs out. Aborting the new one removes its
     * timer (and aborts this one with `{abort: true}`).
     * @param seconds - how long to wait.
     * @param options - `{abort = false}`.
     * @returns the new InProgress.
     * @throws TypeError when `seconds` is not a finite number >= 0 or an option is unknown; RangeError above 2**32 - 1 s.
     * @example
     * const data = await socket.read().timeout(5, { abort: true });
     */
    timeout(seconds: number, options: TimeoutOptions = {}): InProgress<T> {
        requireSeconds('seconds', seconds);
        checkOptionsObject('timeout()', options, ['abort']);
        const mirror = newInProgress<T>({ name: `${this.#core.name ?? 'InProgress'}.timeout(${seconds})` });
        mirror.progress = this.progress;
        return mirrorWithTimeout(this, seconds, options?.abort === true, mirror);
    }

    /**
     * A new InProgress that ends as this one but cannot be aborted, to hand
     * out without letting others cancel the work.
     * @returns the new InProgress.
     * @example
     * return this.#connecting.noabort();
     */
    noabort(): InProgress<T> {
        const wrapper = newInProgress<T>({ abortable: false, name: this.#core.name });
        wrapper.progress = this.progress;
        return wrapper.waitFor(this);
    }

    /**
     * Calls `fn(...args)` and finishes with what it returns (following a
     * thenable), or fails with what it throws (a SystemExit goes through).
     * @param fn - the function.
     * @param args - its arguments.
     * @returns this InProgress.
     * @throws TypeError when `fn` is not a function; InProgressStateError when already finished.
     * @example
     * new InProgress<string>().execute(JSON.stringify, { a: 1 }).result; // '{"a":1}'
     */
    execute<A extends unknown[]>(fn: (...args: A) => T | PromiseLike<T>, ...args: A): this {
        requireFunction('fn', fn);
        this.#core.checkOpen('execute');
        let value: T | PromiseLike<T>;
        try {
            value = fn(...args);
        } catch (e) {
            if (e instanceof SystemExit)
                throw e;
            return this.throw(e);
        }
        return this.finish(value);
    }

    /**
     * Ends as `other` ends (kaa's `waitfor`): its result or failure becomes
     * this one's. Aborting this one aborts `other` when nothing else waits for it.
     * @param other - an InProgress or a Promise/thenable.
     * @returns this InProgress.
     * @throws InProgressStateError when already finished; TypeError when `other` is not a
     *   thenable, is this InProgress, or waits for it.
     * @example
     * const ip = new InProgress<string>().waitFor(readName());
     */
    waitFor(other: InProgress<T> | PromiseLike<T>): this {
        this.#core.checkOpen('waitFor');
        if (!isThenable(other))
            throw new TypeError(`waitFor(): \`other\` must be an InProgress or a Promise (got ${describeValue(other)})`);
        follow(this.#core, other);
        return this;
    }

    /**
     * Runs a nested main loop until it has finished, then returns the result
     * or throws the failure. Call it from a GLib or kaa callback (a timer, a
     * signal handler, a coroutine body): inside a promise continuation GJS
     * 1.74 cannot run a nested loop and `main.loop()` throws, naming `runAsync()`.
     * @param timeout - seconds to wait at most; default forever.
     * @returns the result.
     * @throws TimeoutException on expiry; the failure; Error when the main
     *   loop stops first or the call is in a promise continuation.
     * @example
     * const text = kaa.inprogress(file, 'load_contents_async', 'load_contents_finish', null).wait(5);
     */
    wait(timeout?: number): T {
        return wait(this.#core, timeout) as T;
    }

    /**
     * Names it in messages: `InProgress "fetch" (pending)`.
     * @returns the description.
     * @example
     * print(String(ip)); // InProgress (finished)
     */
    toString(): string {
        const name = this.#core.name;
        return `${this.constructor.name}${name ? ` "${name}"` : ''} (${this.#core.publicState})`;
    }

    /**
     * An InProgress that ends when the first of `children` does
     * ({@link InProgressAny}); by default with `[index, result]`, or the
     * child's failure. Options last: `{finish, filter}`.
     * @param children - InProgress, Promises, Signals (or one array of them).
     * @returns the InProgressAny.
     * @throws TypeError on an argument that cannot be waited for.
     * @example
     * const [index, value] = await InProgress.any(read, kaa.delay(5));
     */
    static any<const A extends readonly Waitable[]>(children: A): InProgressAny<AnyResult<A>>;
    static any<const A extends readonly Waitable[]>(...children: A): InProgressAny<AnyResult<A>>;
    static any(...args: [...(Waitable | readonly Waitable[])[], AnyAllOptions]): InProgressAny<unknown>;
    static any(...args: unknown[]): InProgressAny<unknown> {
        return combineWith('any', args) as InProgressAny<unknown>;
    }

    /**
     * An InProgress that ends when all of `children` did
     * ({@link InProgressAll}); by default with the array of their results,
     * failing as soon as one fails (like `Promise.all`). Options last: `{finish, filter}`.
     * @param children - InProgress, Promises, Signals (or one array of them).
     * @returns the InProgressAll.
     * @throws TypeError on an argument that cannot be waited for.
     * @example
     * const [a, b] = await InProgress.all(readA(), readB());
     */
    static all<const A extends readonly Waitable[]>(children: A): InProgressAll<WaitedValues<A>>;
    static all<const A extends readonly Waitable[]>(...children: A): InProgressAll<WaitedValues<A>>;
    static all(...args: [...(Waitable | readonly Waitable[])[], AnyAllOptions]): InProgressAll<unknown>;
    static all(...args: unknown[]): InProgressAll<unknown> {
        return combineWith('all', args) as InProgressAll<unknown>;
    }

    // The one reader of `#core` outside this class: internal.ts explains why.
    static {
        bindCores(x => typeof x === 'object' && x !== null && #core in x ? (x as InProgress<unknown>).#core : null);
    }
}

// Outside the class body, so that the bundler keeps the class's own name (`constructor.name`).
function newInProgress<T>(options: InProgressOptions): InProgress<T> {
    return new InProgress<T>(options);
}
