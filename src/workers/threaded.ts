/**
 * `threaded()`: run a function in a worker process (or on the main loop).
 *
 * GJS has no JS threads (DESIGN.md §6), so what runs "in a thread" is the
 * function's *source*: it is shipped to a worker once (per worker) and
 * cached there, and each call ships only its arguments. The function sees
 * its arguments, the worker's globals (`kaa`, `GLib`, `Gio`, `GObject`,
 * `imports`) and whatever it imports itself (`await import('gi://Gst')`) —
 * not the variables around it where it was written; using one fails with
 * an error that names it.
 *
 * Bundlers rewrite a function's source: esbuild renames clashing imports
 * (`GLib` → `GLib2`; the worker binds such names of its globals) and turns
 * `ns.member` of a bundled namespace into a plain binding it cannot see.
 * In bundled code refer to worker globals as `imports.gi.GLib` or
 * `globalThis.kaa`, or put larger code in a `workerModule()`.
 * @module
 */
import { checkOptionsObject } from '../notifier/check.js';
import { describeValue } from '../notifier/errors.js';
import { defer } from '../notifier/scheduler.js';
import { InProgress, onAbort } from '../async/inprogress.js';
import { InProgressStatus } from '../async/status.js';
import { Encoder, isPlainArray } from './codec.js';
import { CALL, CALL_PROGRESS, encodeFrameParts } from './protocol.js';
import { ThreadPool } from './pool.js';
import { DEFAULT_POOL, poolNamed } from './registry.js';
import { gobjectPool } from './gobject.js';
import type { Job } from './worker.js';

import { GOBJECT, MAINTHREAD } from './targets.js';

export { GOBJECT, MAINTHREAD };

/** Where `threaded()` runs a function. */
export type ThreadTarget = string | ThreadPool | typeof MAINTHREAD | typeof GOBJECT;

/** Options of {@link threaded}. */
export interface ThreadedOptions {
    /** Queue order in the pool: higher runs first; equal ones in call order. @default 0 */
    priority?: number;
    /** `false`: wait for the result (nested loop) and return it instead of an InProgress. @default true */
    async?: boolean;
    /** Pass a progress status (`set(pos, max)`, `update(diff = 1)`) as the first argument. @default false */
    progress?: boolean;
    /** At shutdown, let a running call finish (up to 25 s) instead of stopping its worker. @default false */
    wait?: boolean;
}

/** The progress status a `{progress: true}` function gets as its first argument. */
export interface WorkerStatus {
    /** Sets the position (and the maximum). */
    set(pos: number, max?: number): unknown;
    /** Advances the position by `diff` (default 1). */
    update(diff?: number): unknown;
}

type Fn = (...args: never[]) => unknown;
type Rest<A> = A extends [unknown, ...infer R] ? R : never;
type CallArgs<F extends Fn, O> = O extends { progress: true } ? Rest<Parameters<F>> : Parameters<F>;

/** The function `threaded()` makes of `F` under options `O`. */
export type ThreadedFunction<F extends Fn, O> = (...args: CallArgs<F, O>) =>
    O extends { async: false } ? Awaited<ReturnType<F>> : ThreadInProgress<Awaited<ReturnType<F>>>;

/** What `threaded(target, options)` returns: wrap a function, or decorate a method. */
export type Threaded<O> =
    /**
     * Wraps `fn` (its calls run in the target), or decorates a method when
     * given the decorator `context` (then typed as the method itself: declare
     * it `async`, so that `await obj.method()` type-checks).
     */
    <F extends Fn, C extends ClassMethodDecoratorContext | undefined = undefined>(fn: F, context?: C) =>
        C extends ClassMethodDecoratorContext ? F : ThreadedFunction<F, O>;

/**
 * The InProgress of a `threaded()` call. Aborting it dequeues a queued call
 * or stops the worker running it (the pool replaces the worker).
 * @example
 * const ip = kaa.threaded()(() => 42)();
 * print(ip.state, await ip); // queued|running 42
 */
export class ThreadInProgress<T = unknown> extends InProgress<T> {
    /** The call's place: queued, running in a worker, or done. @internal */
    job: Job | null = null;

    /** `'queued'`, `'running'` (in a worker, or about to run on the main loop) or `'done'`. */
    get state(): 'queued' | 'running' | 'done' {
        return this.finished ? 'done' : this.job?.state ?? 'running';
    }

    /** The process id of the worker that runs (or ran) it; null on the main loop or while queued. */
    get pid(): number | null {
        return this.job?.worker?.pid ?? null;
    }
}

/** A function shipped to workers: its id and source, and the name of its calls' InProgress. */
interface Shipped {
    readonly id: number;
    readonly source: string;
    /**
     * `threaded <name>`, made once: a string built per call and stored in
     * each call's InProgress costs a nursery collection per call on GJS 1.74.
     */
    readonly label: string;
}

let nextFnId = 1;
let nextCallId = 1;

/**
 * Runs `fn` elsewhere: `threaded(target?, options?)(fn)` returns a function
 * whose calls return a {@link ThreadInProgress}. Targets: omitted → the
 * default pool `kaa::default` (one worker per core); a pool name (unknown →
 * a new 1-worker pool, registered) or a `ThreadPool`; `MAINTHREAD` → the
 * main loop (deferred to the next iteration; with `async: false` called at
 * once and its value returned); `GOBJECT` → the GObject worker. With a pool
 * and `async: false` the call waits (nested loop) and returns the value.
 * Also a method decorator: `@threaded('app::io') async load(path) {…}` (the
 * body runs in the worker: no `this`).
 * @param target - where to run, or the options.
 * @param options - `{priority = 0, async = true, progress = false, wait = false}`.
 * @returns the wrapper.
 * @throws TypeError for a bad target or option (and, from the wrapped
 *   function, for an argument that cannot be sent, naming its path).
 * @example
 * const sum = kaa.threaded()((n: number) => { let s = 0; for (let i = 0; i < n; i++) s += i; return s; });
 * print(await sum(1e8));
 */
export function threaded<const O extends ThreadedOptions = Record<never, never>>(options: O): Threaded<O>;
export function threaded<const O extends ThreadedOptions = Record<never, never>>(target?: ThreadTarget, options?: O): Threaded<O>;
export function threaded(first?: ThreadTarget | ThreadedOptions, second?: ThreadedOptions): Threaded<ThreadedOptions> {
    const isOptions = typeof first === 'object' && first !== null && !(first instanceof ThreadPool);
    const target = isOptions ? undefined : first as ThreadTarget | undefined;
    const options = checkOptions(isOptions ? first as ThreadedOptions : second ?? {});
    checkTarget(target);
    return ((fn: Fn, context?: ClassMethodDecoratorContext) => {
        if (typeof fn !== 'function')
            throw new TypeError(`threaded(): \`fn\` must be a function (got ${describeValue(fn)})`);
        if (context !== undefined && context?.kind !== 'method')
            throw new TypeError(`@threaded() decorates methods only (got a ${describeValue(context?.kind)} member)`);
        const label = `threaded ${fn.name || 'function'}`;
        const shipped: Shipped | null = target === MAINTHREAD ? null : { id: nextFnId++, source: functionSource(fn), label };
        return function (this: unknown, ...args: unknown[]): unknown {
            const pool = target === MAINTHREAD ? null : target === GOBJECT ? gobjectPool() : poolOf(target);
            if (pool === null)
                return runLocal(fn, this, args, options, label);
            const ip = submit(pool, shipped as Shipped, args, options);
            return options.async === false ? ip.wait() : ip;
        };
    }) as Threaded<ThreadedOptions>;
}

function poolOf(target: string | ThreadPool | undefined): ThreadPool {
    return target instanceof ThreadPool ? target : poolNamed(target ?? DEFAULT_POOL);
}

/**
 * Queues one call of a shipped function (or a module export) in `pool`. @internal
 * @param pool - the pool.
 * @param fn - the shipped function, or `{key, label}` of a module export (`'m:uri#name'`).
 * @param args - the arguments (encoded now: a snapshot).
 * @param options - the call's options.
 * @returns the call's InProgress.
 * @throws TypeError naming the path of an argument that cannot be sent.
 * @example
 * const ip = submit(pool, { key: 'm:file:///app/tasks.js#run', label: 'worker module run' }, [1], {});
 */
export function submit(pool: ThreadPool, fn: Shipped | { readonly key: string; readonly label: string }, args: unknown[],
    options: ThreadedOptions): ThreadInProgress<unknown> {
    const encoder = isPlainArray(args) ? null : new Encoder(); // plain JSON arguments: no Encoder, no walk
    const encoded = encoder ? encoder.encode(args, 'args') : args;
    const id = nextCallId++;
    const key = 'key' in fn ? fn.key : fn.id;
    const frame = encodeFrameParts([CALL, id, key, encoded, options.progress ? CALL_PROGRESS : 0], encoder);
    const ip = new ThreadInProgress<unknown>({ name: fn.label });
    const status = options.progress ? new InProgressStatus() : null;
    ip.progress = status;
    const job: Job = {
        id, frame, fn: 'key' in fn ? null : fn, priority: options.priority ?? 0, ip, status,
        wait: options.wait === true, state: 'queued', worker: null,
    };
    ip.job = job;
    onAbort(ip, () => pool.cancel(job));
    pool.submit(job);
    if (job.state === 'queued' && frame.length > 1)
        job.frame = concat(frame); // waits for a worker: a snapshot of the arguments, as they are now
    return ip;
}

function concat(parts: readonly Uint8Array[]): Uint8Array[] {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return [out];
}

function runLocal(fn: Fn, thisArg: unknown, args: unknown[], options: ThreadedOptions, label: string): unknown {
    const status = options.progress ? new InProgressStatus() : null;
    const call = () => (fn as (...a: unknown[]) => unknown).apply(thisArg, status ? [status, ...args] : args);
    if (options.async === false)
        return call();
    const ip = new ThreadInProgress<unknown>({ name: label });
    ip.progress = status;
    defer(() => {
        if (!ip.finished)
            ip.execute(call);
    });
    return ip;
}

/**
 * The source of `fn` as an expression a worker can evaluate: method
 * shorthand (`name(a) {…}`, from a decorator) becomes a function expression.
 * @param fn - the function.
 * @returns its source.
 * @throws TypeError for native and bound functions (no source) and classes.
 * @example
 * functionSource({ f(a) { return a; } }.f); // 'function (a) { return a; }'
 */
export function functionSource(fn: Fn): string {
    const source = Function.prototype.toString.call(fn).trim();
    if (/\{\s*\[native code\]\s*\}$/.test(source))
        throw new TypeError(`threaded(): ${fn.name || 'the function'} is native or bound: it has no source to run in a worker`);
    if (/^class\b/.test(source))
        throw new TypeError('threaded(): a class cannot run in a worker (wrap the work in a function)');
    if (/^(async\s+)?function\b/.test(source) || /^(async\s*)?(\([^)]*\)|[\w$]+)\s*=>/.test(source))
        return source;
    const m = /^(async\s+)?(\*\s*)?(?:get\s+|set\s+)?[^(]*/.exec(source) as RegExpExecArray;
    return `${m[1] ?? ''}function${m[2] ? '*' : ''} ${source.slice(m[0].length)}`;
}

function checkOptions(options: ThreadedOptions): ThreadedOptions {
    checkOptionsObject('threaded()', options, ['priority', 'async', 'progress', 'wait']);
    const { priority = 0, async = true, progress = false, wait = false } = options;
    if (typeof priority !== 'number' || !Number.isFinite(priority))
        throw new TypeError(`threaded(): \`priority\` must be a finite number (got ${describeValue(priority)})`);
    for (const [name, value] of [['async', async], ['progress', progress], ['wait', wait]] as const) {
        if (typeof value !== 'boolean')
            throw new TypeError(`threaded(): \`${name}\` must be a boolean (got ${describeValue(value)})`);
    }
    return { priority, async, progress, wait };
}

function checkTarget(target: unknown): void {
    if (target === undefined || target === MAINTHREAD || target === GOBJECT || target instanceof ThreadPool)
        return;
    if (typeof target === 'string' && target)
        return;
    throw new TypeError('threaded(): `target` must be a pool name, a ThreadPool, MAINTHREAD or GOBJECT ' +
        `(got ${describeValue(target)})`);
}
