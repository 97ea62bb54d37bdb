/**
 * `InProgress<T>`: the result of work that finishes later (kaa.base's
 * `kaa.InProgress`) — a thenable (`await ip` works) with kaa's synchronous
 * callbacks, abort and nested waiting.
 *
 * Rules this file keeps (DESIGN.md §5, §10):
 * - callbacks run synchronously inside `finish()`/`throw()`, in the order
 *   they were connected (`connect`, `connectBoth`, `then`, InProgress that
 *   wait for this one), then the `signals.finished`/`signals.exception`
 *   callbacks; what a connected callback throws goes to
 *   `kaa.signals.exception` (support.ts `guarded`), a SystemExit is
 *   rethrown once all ran, and the others still run. A callback connected
 *   after the end runs at once;
 * - finishing with a thenable (another InProgress, a Promise) chains to it,
 *   so an InProgress never finishes with a thenable and `await` cannot loop.
 *   A Promise is followed from a GLib callback (`defer()`), never from the
 *   promise job that settled it: on GJS 1.74 a nested loop (`wait()`)
 *   cannot run inside a promise job, and callbacks may call `wait()`;
 * - a failure nobody took (an exception callback, `then`/`await`, reading
 *   `result` or `exception`, an InProgress chained to it) by the end of the
 *   loop iteration it happened in is logged, with the creation stack in debug
 *   mode. GJS 1.74 never runs finalizers, so nothing waits for a GC. The
 *   failure that `abort()` causes is never reported: the caller asked for it;
 * - `abort()` runs exactly what the work registered to undo itself
 *   (`internals.onAbort`, support.ts) after `signals.abort` accepted it (STYLE.md §5).
 * @module
 */
import { now } from '../notifier/clock.js';
import { creationStack } from '../notifier/debug.js';
import { checkOptionsObject } from '../notifier/check.js';
import { InProgressAborted, SystemExit, TimeoutException, describeValue } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { atIterationEnd, main } from '../notifier/loop.js';
import { defer } from '../notifier/scheduler.js';
import { Signal, Signals, requireFunction } from '../notifier/signals.js';
import type { InProgressStatus } from './status.js';
import { guarded, internals, isThenable, reportUnhandled, requireSeconds, type Reaction } from './support.js';
import { mirrorWithTimeout } from './timeout.js';
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

const PENDING = 0, FINISHED = 1, FAILED = 2;
type State = typeof PENDING | typeof FINISHED | typeof FAILED;

/**
 * Registers how to undo the work behind `ip` (the io, process and worker
 * layers use it): `abort()` runs `fn` once the `abort` signal accepted the
 * abort, before the InProgress fails with the InProgressAborted. Nothing
 * happens when `ip` has finished.
 * @param ip - the InProgress of the work.
 * @param fn - undoes the work; gets the InProgressAborted.
 * @example
 * onAbort(ip, () => scheduler.remove(entry));
 */
export function onAbort<T>(ip: InProgress<T>, fn: (error: InProgressAborted) => void): void {
    internals.onAbort(ip as InProgress<unknown>, fn);
}

export { isThenable, requireSeconds, timerEntry } from './support.js';

type Combine = (kind: 'any' | 'all', args: unknown[]) => InProgress<unknown>;
let combine: Combine | null = null;

/**
 * Registers `InProgress.any()`/`all()` (combinators.ts does at load time). @internal
 * @param fn - builds an InProgressAny or InProgressAll.
 */
export function setCombine(fn: Combine): void {
    combine = fn;
}

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
    #state: State = PENDING;
    #value: unknown = undefined;
    #reactions: Reaction[] | null = [];
    #signals: InProgressSignals<T> | null = null;
    #draining = 0;
    #abortable: boolean;
    #handled = false;
    /** wait() calls running a nested loop for it: they will take a failure. */
    #waits = 0;
    #abortError: InProgressAborted | null = null;
    #abortActions: ((error: InProgressAborted) => void)[] | null = null;
    /** finish(thenable)/waitFor() locked the outcome to another thenable. */
    #locked = false;
    #waitingOn: InProgress<unknown> | null = null;
    #unchain: (() => void) | null = null;
    readonly #name: string | null;
    readonly #createdAt: string | null;

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
        this.#abortable = abortable;
        this.#name = name;
        this.#createdAt = creationStack(1);
    }

    /** True after `finish()` or `throw()` (with a chained thenable: once that one ended). */
    get finished(): boolean {
        return this.#state !== PENDING;
    }

    /** True when it ended with a failure. */
    get failed(): boolean {
        return this.#state === FAILED;
    }

    /**
     * The result; reading it takes the failure (it is then not reported).
     * @throws the failure, when it failed; an Error when it has not finished.
     */
    get result(): T {
        if (this.#state === PENDING)
            throw new Error(`${this}: has not finished yet, there is no result`);
        if (this.#state === FAILED) {
            this.#handled = true;
            throw this.#value;
        }
        return this.#value as T;
    }

    /** The failure, or `null` when it did not fail; reading it takes the failure. */
    get exception(): unknown {
        if (this.#state !== FAILED)
            return null;
        this.#handled = true;
        return this.#value;
    }

    /** Whether `abort()` is allowed. @default true */
    get abortable(): boolean {
        return this.#abortable;
    }

    set abortable(value: boolean) {
        if (typeof value !== 'boolean')
            throw new TypeError(`InProgress: \`abortable\` must be a boolean (got ${describeValue(value)})`);
        this.#abortable = value;
    }

    /** `finished(result)`, `exception(error)` and `abort(error)`; made on first use. */
    get signals(): InProgressSignals<T> {
        if (this.#signals === null) {
            const late = (signal: Signal<never>, action: 'connected' | 'disconnected') => {
                if (action === 'connected')
                    this.#lateConnect(signal as unknown as Signal<[unknown]>);
            };
            this.#signals = new Signals<{ finished: [result: T]; exception: [error: unknown]; abort: [error: InProgressAborted] }>({
                finished: new Signal<[T]>(late),
                exception: new Signal<[unknown]>(late),
                abort: new Signal<[InProgressAborted]>(),
            });
        }
        return this.#signals;
    }

    /**
     * Finishes with `value` and calls the result callbacks. A thenable value
     * (another InProgress, a Promise) is followed instead: this one ends as it ends.
     * @param value - the result, or a thenable to follow.
     * @returns this InProgress.
     * @throws Error when it has already finished (or follows a thenable);
     *   TypeError when `value` is this InProgress (or waits for it).
     * @example
     * new InProgress<number>().finish(42).result; // 42
     */
    finish(value: T | PromiseLike<T>): this {
        this.#checkOpen('finish');
        if (isThenable(value))
            this.#chain(value);
        else
            this.#settle(FINISHED, value);
        return this;
    }

    /**
     * Fails with `error` and calls the exception callbacks.
     * @param error - the failure, usually an Error.
     * @returns this InProgress.
     * @throws Error when it has already finished.
     * @example
     * ip.throw(new Error('no route to host'));
     */
    throw(error: unknown): this {
        this.#checkOpen('throw');
        this.#settle(FAILED, error);
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
        this.#addReaction({ ok: callback as (v: unknown) => unknown, err: null, fn: callback, passive: false });
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
        this.#addReaction({ ok: onFinished as (v: unknown) => unknown, err, fn: onFinished, passive: false });
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
        const list = this.#reactions;
        if (!list)
            return false;
        const kept = list.filter(r => r.fn !== callback && r.err !== callback);
        this.#reactions = kept;
        return kept.length !== list.length;
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
        return new Promise<T>((resolve, reject) => {
            internals.react(this as InProgress<unknown>, resolve as (v: unknown) => void, reject);
        }).then(onFulfilled, onRejected);
    }

    /**
     * Aborts the work: `signals.abort` is emitted (a handler that returns
     * `false` refuses), the work's own undo runs (a Gio cancellable is
     * cancelled, a timer removed, a coroutine gets the error at its `yield`),
     * and the InProgress fails with `error` unless the work ended otherwise.
     * That failure is not reported as unhandled.
     * @param error - an InProgressAborted; by default a new one.
     * @throws Error when it has finished, is not abortable, or a handler refused;
     *   TypeError when `error` is not an InProgressAborted.
     * @example
     * const ip = kaa.delay(10);
     * ip.abort(); // ip fails with InProgressAborted, the timer is gone
     */
    abort(error?: InProgressAborted): void {
        if (this.#state !== PENDING)
            throw new Error(`${this}.abort(): it has already finished`);
        if (!this.#abortable)
            throw new Error(`${this}.abort(): it is not abortable`);
        if (error !== undefined && !(error instanceof InProgressAborted))
            throw new TypeError(`abort(): \`error\` must be an InProgressAborted (got ${describeValue(error)})`);
        const reason = error ?? new InProgressAborted(`${this} was aborted`, { inprogress: this });
        if (this.#signals !== null && !this.#signals.abort.emit(reason))
            throw new Error(`${this}.abort(): an abort handler refused`);
        if (this.#state !== PENDING)
            return;
        this.#abortError = reason;
        const actions = this.#abortActions ?? [];
        this.#abortActions = null;
        const waited = this.#waitingOn;
        this.#unchain?.();
        this.#unchain = null;
        this.#waitingOn = null;
        if (waited !== null)
            internals.abortWaited(waited, this as InProgress<unknown>);
        for (const action of actions)
            action(reason);
        if (this.#state === PENDING)
            this.#settle(FAILED, reason);
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
        const mirror = newInProgress<T>({ name: `${this.#name ?? 'InProgress'}.timeout(${seconds})` });
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
        const wrapper = newInProgress<T>({ abortable: false, name: this.#name });
        wrapper.progress = this.progress;
        return wrapper.waitFor(this);
    }

    /**
     * Calls `fn(...args)` and finishes with what it returns (following a
     * thenable), or fails with what it throws (a SystemExit goes through).
     * @param fn - the function.
     * @param args - its arguments.
     * @returns this InProgress.
     * @throws TypeError when `fn` is not a function; Error when already finished.
     * @example
     * new InProgress<string>().execute(JSON.stringify, { a: 1 }).result; // '{"a":1}'
     */
    execute<A extends unknown[]>(fn: (...args: A) => T | PromiseLike<T>, ...args: A): this {
        requireFunction('fn', fn);
        this.#checkOpen('execute');
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
     * @throws Error when already finished; TypeError when `other` is not a
     *   thenable, is this InProgress, or waits for it.
     * @example
     * const ip = new InProgress<string>().waitFor(readName());
     */
    waitFor(other: InProgress<T> | PromiseLike<T>): this {
        this.#checkOpen('waitFor');
        if (!isThenable(other))
            throw new TypeError(`waitFor(): \`other\` must be an InProgress or a Promise (got ${describeValue(other)})`);
        this.#chain(other);
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
        if (timeout !== undefined)
            requireSeconds('timeout', timeout);
        if (this.#state === PENDING) {
            const start = now();
            this.#waits++;
            try {
                main.loop(() => this.#state === PENDING, timeout);
            } finally {
                this.#waits--;
            }
            if (this.#state === PENDING) {
                if (timeout !== undefined && now() - start >= timeout)
                    throw new TimeoutException(`${this}.wait(${timeout}) timed out`, { inprogress: this });
                throw new Error(`${this}.wait(): the main loop stopped before it finished`);
            }
        }
        return this.result;
    }

    /**
     * Names it in messages: `InProgress "fetch" (pending)`.
     * @returns the description.
     * @example
     * print(String(ip)); // InProgress (finished)
     */
    toString(): string {
        const state = this.#state === PENDING ? 'pending' : this.#state === FINISHED ? 'finished' : 'failed';
        return `${this.constructor.name}${this.#name ? ` "${this.#name}"` : ''} (${state})`;
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
        return combineOrThrow('any', args) as InProgressAny<unknown>;
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
        return combineOrThrow('all', args) as InProgressAll<unknown>;
    }

    #checkOpen(method: string): void {
        if (this.#state !== PENDING)
            throw new Error(`${this}.${method}(): it has already finished`);
        if (this.#locked)
            throw new Error(`${this}.${method}(): it already follows another InProgress or Promise`);
    }

    #addReaction(reaction: Reaction): void {
        if (this.#reactions !== null) {
            this.#reactions.push(reaction);
            return;
        }
        const fn = this.#state === FINISHED ? reaction.ok : reaction.err;
        if (this.#state === FAILED && reaction.err !== null && !reaction.passive)
            this.#handled = true;
        const exit = { error: null as SystemExit | null };
        if (fn !== null)
            guarded(fn, this.#value, this, exit);
        if (exit.error)
            throw exit.error;
    }

    #chain(other: PromiseLike<unknown>): void {
        if (other === this)
            throw new TypeError(`${this} cannot finish with itself`);
        if (isInProgress(other)) {
            for (let p: InProgress<unknown> | null = other; p !== null; p = p.#waitingOn) {
                if (p === this)
                    throw new TypeError(`${this} cannot wait for ${other}: that one waits for it (a cycle)`);
            }
            this.#locked = true;
            this.#waitingOn = other;
            const r = internals.react(other, v => this.#settle(FINISHED, v), e => this.#settle(FAILED, e));
            if (this.#state === PENDING)
                this.#unchain = () => internals.unreact(other, r);
            return;
        }
        this.#locked = true;
        let live = true;
        this.#unchain = () => {
            live = false;
        };
        // Settled from a GLib callback, never from the promise job (GJS 1.74: nested loops).
        const settle = (state: State, v: unknown) => defer(() => {
            if (!live || this.#state !== PENDING)
                return;
            if (state === FINISHED && isThenable(v)) {
                this.#locked = false;
                this.#chain(v);
            } else {
                this.#settle(state, v);
            }
        });
        try {
            other.then(v => settle(FINISHED, v), e => settle(FAILED, e));
        } catch (e) {
            live = false;
            this.#settle(FAILED, e);
        }
    }

    #settle(state: State, value: unknown): void {
        this.#state = state;
        this.#value = value;
        this.#waitingOn = null;
        this.#unchain = null;
        this.#abortActions = null;
        const reactions = this.#reactions ?? [];
        this.#reactions = null;
        const signals = this.#signals;
        if (state === FAILED && !this.#handled) {
            if ((this.#abortError !== null && value === this.#abortError) || this.#waits > 0 || reactions.some(r => r.err !== null && !r.passive) ||
                (signals !== null && signals.exception.count > 0))
                this.#handled = true;
            else
                atIterationEnd(() => this.#reportIfUnhandled());
        }
        const exit = { error: null as SystemExit | null };
        for (const r of reactions) {
            const fn = state === FINISHED ? r.ok : r.err;
            if (fn !== null)
                guarded(fn, value, this, exit);
        }
        if (signals !== null)
            this.#drain(state === FINISHED ? signals.finished as Signal<[unknown]> : signals.exception, value);
        if (exit.error)
            throw exit.error;
    }

    /** Emits `value` to every connection of `signal`, then cuts them; again for any made meanwhile. */
    #drain(signal: Signal<[unknown]>, value: unknown): void {
        this.#draining++;
        try {
            while (signal.count > 0) {
                const snapshot = [...signal];
                signal.emit(value);
                for (const c of snapshot)
                    signal.disconnect(c);
            }
        } finally {
            this.#draining--;
        }
    }

    /** The `changed` hook of `signals.finished`/`exception`: a late connection runs at once. */
    #lateConnect(signal: Signal<[unknown]>): void {
        if (this.#state === PENDING || this.#draining > 0 || this.#signals === null)
            return;
        const mine = this.#state === FINISHED ? this.#signals.finished : this.#signals.exception;
        if (signal !== (mine as unknown)) {
            signal.disconnectAll(); // it can never fire
            return;
        }
        if (this.#state === FAILED)
            this.#handled = true;
        this.#drain(signal, this.#value);
    }

    #reportIfUnhandled(): void {
        if (this.#handled)
            return;
        this.#handled = true;
        reportUnhandled(this.#value, String(this), this.#createdAt);
    }

    #waiterCount(): number {
        let n = 0;
        for (const r of this.#reactions ?? []) {
            if (!r.passive)
                n++;
        }
        return n + (this.#signals === null ? 0 : this.#signals.finished.count + this.#signals.exception.count);
    }

    static {
        internals.react = (ip, ok, err, passive = false) => {
            const r: Reaction = { ok, err, fn: null, passive };
            if (ip.#reactions === null) {
                ip.#addReaction(r);
                return null;
            }
            ip.#reactions.push(r);
            return r;
        };
        internals.unreact = (ip, reaction) => {
            const list = ip.#reactions;
            const i = reaction === null || list === null ? -1 : list.indexOf(reaction);
            if (i >= 0)
                list?.splice(i, 1);
        };
        internals.onAbort = (ip, fn) => {
            if (ip.#state === PENDING)
                (ip.#abortActions ??= []).push(fn);
        };
        internals.abortWaited = (target, origin) => {
            if (target.#state !== PENDING || !target.#abortable || target.#waiterCount() > 0)
                return;
            try {
                target.abort(new InProgressAborted(`${target} was aborted with ${origin}`, { inprogress: target, origin }));
            } catch (e) {
                if (!(e instanceof Error && /abort handler refused/.test(e.message)))
                    logException(e, `aborting ${target} (waited for by ${origin}) failed`);
            }
        };
    }
}

// Outside the class body, so that the bundler keeps the class's own name (`constructor.name`).
function newInProgress<T>(options: InProgressOptions): InProgress<T> {
    return new InProgress<T>(options);
}

function isInProgress(x: unknown): x is InProgress<unknown> {
    return x instanceof InProgress;
}

function combineOrThrow(kind: 'any' | 'all', args: unknown[]): InProgress<unknown> {
    if (combine === null)
        throw new Error(`InProgress.${kind}() needs src/async/combinators.ts, which is not loaded`);
    return combine(kind, args);
}
