/**
 * `coroutine(fn, options)`: runs a generator function (or an async function)
 * as a `CoroutineInProgress` (kaa.base's `@kaa.coroutine`).
 *
 * The body runs synchronously at call time until its first suspension. A
 * generator suspends with `yield`:
 * - an InProgress, a Promise, a Signal (anything `inprogress()` adapts):
 *   it resumes with the result, or the failure is thrown at the `yield`; an
 *   InProgress that has already finished resumes at once;
 * - `NotFinished`: it resumes from the loop as a zero-delay timer does (the
 *   scheduler lets other sources run in between), or after `interval`;
 * - anything else throws a TypeError at the `yield` (kaa.base's Python 2
 *   "yield the result" is `return` here).
 * `return value` finishes it (a thenable value is followed).
 *
 * The GJS 1.74 rule: a generator is resumed from GLib callbacks (a timer,
 * the finishing callback of what it waited for, a deferred call after a
 * Promise settled), never from a promise job, so `wait()` and
 * `main.loop()` work inside coroutine bodies. An async function body cannot
 * promise that after its first `await`.
 *
 * Policies share a state per object (`this`) and function — or per `group`
 * name, so methods of one object can share one state:
 * - `POLICY_SYNCHRONIZED`: calls queue and run one after another;
 * - `POLICY_SINGLETON`: while a call runs, calls return its InProgress;
 * - `POLICY_PASS_LAST`: `{last}` (the previous call, if unfinished) is
 *   passed as the last argument.
 * @module
 */
import { checkOptionsObject } from '../notifier/check.js';
import { SystemExit, describeValue, type InProgressAborted } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { FIRE } from '../notifier/entry.js';
import { scheduler, type ScheduledEntry } from '../notifier/scheduler.js';
import { inprogress } from './adapt.js';
import { InProgress } from './inprogress.js';
import { abortWaited, onAbort, react, unreact, type Reaction } from './internal.js';
import { isThenable, requireSeconds, timerEntry } from './support.js';
import { InProgressStatus } from './status.js';
import { callWithPolicy, type PolicyState } from './policy.js';
import { NotFinished } from './not-finished.js';

export { NotFinished };

/** Calls queue: each runs after the previous one finished. */
export const POLICY_SYNCHRONIZED = 'synchronized';
/** While a call runs, further calls return its InProgress and do not run the body. */
export const POLICY_SINGLETON = 'singleton';
/** `{last}` — the previous call's InProgress if it has not finished, else `null` — is passed as the last argument. */
export const POLICY_PASS_LAST = 'passLast';

/** One of the `POLICY_*` constants of coroutines. */
export type CoroutinePolicy = typeof POLICY_SYNCHRONIZED | typeof POLICY_SINGLETON | typeof POLICY_PASS_LAST;

/** The last argument a `POLICY_PASS_LAST` coroutine gets. */
export interface PassLast {
    /** The previous call, if it has not finished. */
    last: CoroutineInProgress<unknown> | null;
}

/** Options of {@link coroutine}. */
export interface CoroutineOptions {
    /** Seconds between a resumption becoming possible and the body running again. @default 0 */
    interval?: number;
    /** One of the `POLICY_*` constants. @default null */
    policy?: CoroutinePolicy | null;
    /** Pass a fresh InProgressStatus (or an instance of this subclass) as the first argument; it is also `.progress`. @default false */
    progress?: boolean | (new () => InProgressStatus);
    /** Share the policy state with the other coroutines of the same object that name this group. @default null */
    group?: string | null;
}

type Body<R> = Generator<unknown, R, never> | PromiseLike<R>;
type Step = 'next' | 'throw';
const GeneratorFunction: unknown = Object.getPrototypeOf(function* () {
    yield;
}).constructor;
const AsyncFunction: unknown = Object.getPrototypeOf(async () => undefined).constructor;

let startCoroutine: (ip: CoroutineInProgress<unknown>, call: () => unknown) => void;

/**
 * The InProgress of one coroutine call. `abort()` throws InProgressAborted
 * into the body at its `yield` (aborting what it waited for, when nothing
 * else waits for that); a body that catches it must then return or throw.
 * @example
 * const job = fetchAll(); // a coroutine
 * job.abort();
 */
export class CoroutineInProgress<T = unknown> extends InProgress<T> {
    #gen: Generator<unknown, unknown, unknown> | null = null;
    #interval: number;
    #started = false;
    #running = false;
    #aborting: InProgressAborted | null = null;
    #waiting: InProgress<unknown> | null = null;
    #reaction: Reaction | null = null;
    #entry: ScheduledEntry | null = null;

    /**
     * Made by the functions `coroutine()` returns.
     * @param name - the function's name, for messages.
     * @param interval - see {@link CoroutineOptions.interval}.
     */
    constructor(name: string | null, interval = 0) {
        requireSeconds('interval', interval);
        super({ name });
        this.#interval = interval;
    }

    /** True from the first run of the body until it finished (false while queued). */
    get active(): boolean {
        return this.#started && !this.finished;
    }

    /** Seconds between a resumption becoming possible and the body running again. @default 0 */
    get interval(): number {
        return this.#interval;
    }

    set interval(seconds: number) {
        requireSeconds('interval', seconds);
        this.#interval = seconds;
        const entry = this.#entry;
        if (entry !== null && scheduler.remove(entry))
            this.#schedule(entry[FIRE]);
    }

    #start(call: () => unknown): void {
        this.#started = true;
        let body: unknown;
        try {
            body = call();
        } catch (e) {
            if (e instanceof SystemExit)
                throw e;
            this.throw(e);
            return;
        }
        if (isThenable(body)) {
            this.waitFor(body as PromiseLike<T>);
            return;
        }
        this.#gen = body as Generator<unknown, unknown, unknown>;
        onAbort(this as InProgress<unknown>, e => this.#onAbort(e));
        this.#resume('next', undefined);
    }

    /** Runs the body from its `yield` until it suspends again or ends. */
    #resume(step: Step, value: unknown): void {
        const gen = this.#gen;
        if (gen === null)
            return;
        for (;;) {
            if (this.finished) { // finished from outside: stop the body
                this.#close(gen);
                return;
            }
            let r: IteratorResult<unknown, unknown>;
            this.#running = true;
            try {
                r = step === 'next' ? gen.next(value) : gen.throw(value);
            } catch (e) {
                this.#gen = null;
                this.#end(false, e);
                return;
            } finally {
                this.#running = false;
            }
            if (r.done) {
                this.#gen = null;
                this.#end(true, r.value);
                return;
            }
            if (this.#aborting !== null) {
                this.#yieldedAfterAbort(gen, r.value);
                return;
            }
            if (r.value === NotFinished) {
                this.#schedule(() => this.#resume('next', undefined));
                return;
            }
            let ip: InProgress<unknown>;
            try {
                ip = inprogress(r.value as InProgress<unknown>);
            } catch {
                step = 'throw';
                value = new TypeError(`${this}: yielded ${describeValue(r.value)}; yield an InProgress, a Promise, ` +
                    'a Signal or NotFinished, and return the result');
                continue;
            }
            if (ip.finished && this.#interval === 0) {
                [step, value] = ip.failed ? ['throw', ip.exception] : ['next', ip.result];
                continue;
            }
            this.#waiting = ip;
            this.#reaction = react(ip, v => this.#continue('next', v), e => this.#continue('throw', e));
            return;
        }
    }

    #continue(step: Step, value: unknown): void {
        this.#waiting = null;
        this.#reaction = null;
        if (this.#interval > 0)
            this.#schedule(() => this.#resume(step, value));
        else
            this.#resume(step, value);
    }

    #schedule(resume: () => void): void {
        const entry = timerEntry(this.#interval, () => {
            this.#entry = null;
            resume();
        });
        this.#entry = entry;
        scheduler.add(entry);
    }

    #end(ok: boolean, value: unknown): void {
        if (this.finished)
            return;
        if (!ok && value instanceof SystemExit) {
            this.throw(value);
            throw value;
        }
        try {
            if (ok)
                this.finish(value as T);
            else
                this.throw(value);
        } catch (e) {
            // Finished: a callback's SystemExit, which finish()/throw() rethrow
            // after every callback ran; it must reach the loop (issue 13).
            if (this.finished)
                throw e;
            this.throw(e); // finish(this): the TypeError fails it
        }
    }

    #onAbort(error: InProgressAborted): void {
        if (this.#running) { // abort() called from the body itself: raise it right there
            onAbort(this as InProgress<unknown>, e => this.#onAbort(e));
            throw error;
        }
        if (this.#entry !== null) {
            scheduler.remove(this.#entry);
            this.#entry = null;
        }
        const waited = this.#waiting;
        if (waited !== null) {
            unreact(waited, this.#reaction);
            this.#waiting = null;
            this.#reaction = null;
            abortWaited(waited, this as InProgress<unknown>);
        }
        this.#aborting = error;
        this.#resume('throw', error);
    }

    #yieldedAfterAbort(gen: Generator<unknown, unknown, unknown>, yielded: unknown): void {
        if (yielded instanceof InProgress)
            abortWaited(yielded, this as InProgress<unknown>);
        this.#gen = null;
        this.#close(gen);
        this.#end(false, new Error(`${this}: the body caught InProgressAborted and yielded again; ` +
            'after abort() a coroutine must return or throw', { cause: this.#aborting }));
    }

    #close(gen: Generator<unknown, unknown, unknown>): void {
        try {
            if (!gen.return(undefined).done)
                logException(new Error('a finally block yielded'), `${this}: the body did not stop when closed`);
        } catch (e) {
            logException(e, `${this}: the body threw while being closed`);
        }
    }

    static {
        startCoroutine = (ip, call) => ip.#start(call);
    }
}

/**
 * Makes a coroutine: a function whose calls run the generator (or async)
 * function `fn` and return its {@link CoroutineInProgress}. Also a standard
 * method decorator: `@coroutine` or `@coroutine({policy: POLICY_SINGLETON})`
 * (TypeScript then still sees the method's own return type; the field form
 * `fetch = coroutine(function* (this: Foo) {…})` is typed).
 * @param fn - a generator function or an async function.
 * @param options - `{interval, policy, progress, group}`.
 * @returns the coroutine function.
 * @throws TypeError when `fn` is neither a generator nor an async function,
 *   or an option is invalid.
 * @example
 * const countdown = kaa.coroutine(function* (n: number) {
 *     for (; n > 0; n--) { print(n); yield kaa.delay(1); }
 *     return 'liftoff';
 * });
 * countdown(3).connect(print);
 */
export function coroutine<F extends (...args: never[]) => unknown>(fn: F, context: ClassMethodDecoratorContext): F;
export function coroutine<This, A extends unknown[], R>(fn: (this: This, status: InProgressStatus, ...args: A) => Body<R>,
    options: CoroutineOptions & { progress: true | (new () => InProgressStatus); policy?: Exclude<CoroutinePolicy, typeof POLICY_PASS_LAST> | null }):
    (this: This, ...args: A) => CoroutineInProgress<Awaited<R>>;
export function coroutine<This, A extends unknown[], R>(fn: (this: This, ...args: [...A, PassLast]) => Body<R>,
    options: CoroutineOptions & { policy: typeof POLICY_PASS_LAST; progress?: false }): (this: This, ...args: A) => CoroutineInProgress<Awaited<R>>;
export function coroutine<This, A extends unknown[], R>(fn: (this: This, ...args: A) => Body<R>, options?: CoroutineOptions):
    (this: This, ...args: A) => CoroutineInProgress<Awaited<R>>;
export function coroutine(options: CoroutineOptions):
    <F extends (...args: never[]) => unknown>(fn: F, context: ClassMethodDecoratorContext) => F;
export function coroutine(fn: unknown, second?: unknown): unknown {
    if (typeof fn !== 'function') {
        const options = checkOptions(fn);
        return (method: unknown, context: ClassMethodDecoratorContext) => wrap(method, options, context);
    }
    if (isDecoratorContext(second))
        return wrap(fn, checkOptions({}), second);
    return wrap(fn, checkOptions(second ?? {}), null);
}

interface Checked {
    interval: number;
    policy: CoroutinePolicy | null;
    progress: (new () => InProgressStatus) | null;
    group: string | null;
}

function isDecoratorContext(x: unknown): x is ClassMethodDecoratorContext {
    return typeof x === 'object' && x !== null && typeof (x as { kind?: unknown }).kind === 'string' &&
        'addInitializer' in x;
}

function checkOptions(options: unknown): Checked {
    checkOptionsObject('coroutine()', options, ['interval', 'policy', 'progress', 'group']);
    const { interval = 0, policy = null, progress = false, group = null } = options as CoroutineOptions;
    requireSeconds('interval', interval);
    if (policy !== null && policy !== POLICY_SYNCHRONIZED && policy !== POLICY_SINGLETON && policy !== POLICY_PASS_LAST)
        throw new TypeError(`coroutine(): \`policy\` must be one of the POLICY_* constants (got ${describeValue(policy)})`);
    const ctor = progress === true ? InProgressStatus : progress === false ? null : progress;
    if (ctor !== null && !(typeof ctor === 'function' && (ctor === InProgressStatus || ctor.prototype instanceof InProgressStatus)))
        throw new TypeError(`coroutine(): \`progress\` must be a boolean or an InProgressStatus class (got ${describeValue(progress)})`);
    if (group !== null && typeof group !== 'string')
        throw new TypeError(`coroutine(): \`group\` must be a string (got ${describeValue(group)})`);
    return { interval, policy, progress: ctor, group };
}

function wrap(fn: unknown, options: Checked, context: ClassMethodDecoratorContext | null): (...args: unknown[]) => unknown {
    if (context !== null && context.kind !== 'method')
        throw new TypeError(`@coroutine decorates methods, not a ${context.kind} (${String(context.name)})`);
    if (!(fn instanceof (GeneratorFunction as FunctionConstructor)) && !(fn instanceof (AsyncFunction as FunctionConstructor)))
        throw new TypeError(`coroutine(): \`fn\` must be a generator function (function*) or an async function (got ${describeValue(fn)})`);
    const body = fn as (...args: unknown[]) => unknown;
    const name = body.name || (context ? String(context.name) : null);
    const ownState = new Map<unknown, PolicyState>();
    const wrapper = function (this: unknown, ...args: unknown[]): CoroutineInProgress<unknown> {
        return callWithPolicy(this, options.group ?? wrapper, ownState, options.policy, (state: PolicyState) => {
            const ip = new CoroutineInProgress<unknown>(name, options.interval);
            let callArgs = args;
            if (options.progress !== null) {
                const status = new options.progress();
                ip.progress = status;
                callArgs = [status, ...callArgs];
            }
            if (options.policy === POLICY_PASS_LAST)
                callArgs = [...callArgs, { last: state.last !== null && !state.last.finished ? state.last : null } as PassLast];
            const start = () => startCoroutine(ip, () => body.apply(this, callArgs));
            return { ip, start };
        });
    };
    Object.defineProperty(wrapper, 'name', { value: name ?? '' });
    return wrapper;
}
