/**
 * `kaa.main`: the main loop. The only module that iterates the GLib main
 * context.
 *
 * One kaa iteration is a short list of phases:
 *   1. `iteration(block)` of the default `GLib.MainContext` (poll, dispatch);
 *   2. re-arm any kaa source GJS dropped (1.74 refuses callbacks during an
 *      incremental GC and GLib then removes the source);
 *   3. run the end-of-iteration callbacks (unhandled-failure reports …);
 *   4. emit `step` if the iteration dispatched kaa work.
 *
 * The GJS 1.74 trap: a blocking loop started inside a promise job (after any
 * `await`) never runs promise reactions again, and may spin. Every blocking
 * entry point probes its position first — it queues a promise reaction and
 * runs up to two non-blocking iterations; if the reaction did not run, it
 * throws at once and names `runAsync()`. `runAsync()` starts `run()` from a
 * GLib callback, which is always a safe position.
 */
import GLib from 'gi://GLib';
import type Gio from 'gi://Gio';
import system from 'system';
import { MAX_SECONDS, checkOptionsObject, checkRange } from './check.js';
import { now } from './clock.js';
import { describeValue } from './errors.js';
import { drainPromiseJobs } from './jobs.js';
import { logException } from './log.js';
import { coarseScheduler, deferred, entryIn, scheduler } from './scheduler.js';
import { rearmDropped } from './source.js';
import { addIdle, addUnixSignal, counters, liveSources, removeSource } from './sources.js';
import { state, type BackendName } from './state.js';
import type { Backend, InitOptions } from './backends/backend.js';
import { genericBackend } from './backends/generic.js';
import { gtkBackend } from './backends/gtk.js';
import { defaultHandler, threadBackend } from './backends/thread.js';

export type { InitOptions } from './backends/backend.js';

const context = GLib.MainContext.default();
const backends: Record<BackendName, Backend> = { generic: genericBackend, gtk: gtkBackend, thread: threadBackend };
const SIGINT = 2, SIGTERM = 15;

/** Options of {@link main.run}. */
export interface RunOptions {
    /** Attach kaa to a loop something else iterates (gjs console, a host app) and return at once. */
    threaded?: boolean;
    /** Run this `Gio.Application`/`Gtk.Application` as the loop (`application.run(argv)`). */
    application?: Gio.Application;
    /** argv for `application.run()`; default `[programInvocationName, ...ARGV]`. */
    argv?: string[];
    /** Handle SIGINT (Ctrl-C) by stopping the loop. Default true. SIGTERM is always handled while running. */
    sigint?: boolean;
}

/** What {@link main.statistics} reports. */
export interface LoopStatistics {
    /** Live kaa GLib sources by kind (`timers`, `deferred`, `fd`, `child` …). */
    sources: Record<string, number>;
    /** Scheduled timers (fine and coarse). */
    timers: number;
    /** Deferred calls waiting for the next iteration. */
    deferred: number;
    /** Nested kaa loops running now (run, loop, wait). */
    depth: number;
    /** Iterations kaa has driven since start-up. */
    iterations: number;
    /** kaa sources GJS dropped (a callback refused during GC) and kaa re-armed. */
    drops: number;
    /**
     * Live objects the layers above the notifier own, by kind (`processes`:
     * children not yet reaped; `workers` …), as registered with
     * {@link addStatisticsHook}.
     */
    live: Record<string, number>;
}

const iterationEnd: (() => void)[] = [];
const shutdownHooks: { name: string; fn: () => PromiseLike<unknown> | void }[] = [];
const statisticsHooks = new Map<string, () => number>();
let threadOptions: InitOptions = {};
let iterations = 0;
let hostFlushArmed = false;
let signalSources: number[] = [];

/**
 * Queues `fn` to run at the end of the current loop iteration (in a host-owned
 * loop: from an idle callback soon after). Used by the async layer to report
 * failures nobody took.
 */
export function atIterationEnd(fn: () => void): void {
    iterationEnd.push(fn);
    if (state.depth === 0)
        armHostFlush();
}

/**
 * Registers a shutdown hook (the process and worker layers do). Hooks run in
 * registration order during the shutdown sequence; a returned thenable is
 * waited for, with the loop running.
 */
export function addShutdownHook(name: string, fn: () => PromiseLike<unknown> | void): void {
    shutdownHooks.push({ name, fn });
}

/**
 * Registers a count of live objects a higher layer owns (the process layer's
 * unreaped children, the worker pools), reported by `main.statistics().live`
 * under `kind` and checked by the test suite's leak check. Registering a
 * kind again replaces its counter.
 */
export function addStatisticsHook(kind: string, count: () => number): void {
    statisticsHooks.set(kind, count);
}

function armHostFlush(): void {
    if (hostFlushArmed)
        return;
    hostFlushArmed = true;
    const flush = () => {
        hostFlushArmed = false;
        finishIteration(true);
    };
    if (state.backend === 'thread' && threadOptions.handler)
        threadOptions.handler(flush);
    else
        defaultHandler(flush);
}

counters.onHostDispatch = () => {
    if (state.depth === 0 && (state.running || iterationEnd.length))
        armHostFlush();
};

function finishIteration(dispatched: boolean): void {
    rearmDropped();
    while (iterationEnd.length) {
        // A microtask checkpoint first: code that awaits a failed InProgress
        // in a promise continuation has taken it before the report runs.
        drainPromiseJobs();
        const batch = iterationEnd.splice(0);
        for (const fn of batch) {
            try {
                fn();
            } catch (error) {
                logException(error, 'kaa: an end-of-iteration callback threw');
            }
        }
    }
    if (dispatched && state.signals.step.count)
        state.signals.step.emit();
}

function iterate(block: boolean): void {
    scheduler.nestedLoop();
    coarseScheduler.nestedLoop();
    deferred.nestedLoop();
    const before = counters.dispatches;
    context.iteration(block);
    iterations++;
    finishIteration(counters.dispatches !== before);
}

/** Throws if the caller sits in a promise job, where a blocking loop would stall every promise. */
function checkPosition(what: string): void {
    let ran = false;
    void Promise.resolve().then(() => {
        ran = true;
    });
    for (let i = 0; i < 2 && !ran; i++)
        context.iteration(false);
    if (!ran) {
        throw new Error(`kaa: ${what} was called inside a promise continuation (after an await), where GJS 1.74 ` +
            'cannot run promise reactions during a blocking loop. Use `await kaa.main.runAsync()` instead of run(), ' +
            'await the InProgress instead of wait(), or call it from a GLib or kaa callback (a timer, a signal handler).');
    }
}

function ensureInit(): void {
    if (!state.backend)
        init();
}

function takePendingError(): { error: unknown } | null {
    const pending = state.pendingError;
    state.pendingError = null;
    return pending;
}

/**
 * SIGTERM (and SIGINT unless declined) stop the loop with 128+signo. Under
 * the `thread` backend they are installed by `init()` already, since the
 * host may never call `run({threaded: true})`: unattached, a signal runs
 * kaa's shutdown sequence and then `options.shutdown()` (issue 13).
 */
function installSignalHandlers(sigint: boolean): void {
    removeSignalHandlers();
    const handle = (signo: number) => () => {
        state.requestStop(128 + signo);
        if (!state.running && state.backend === 'thread')
            endHostRun();
        return true;
    };
    signalSources = [addUnixSignal(SIGTERM, handle(SIGTERM))];
    if (sigint)
        signalSources.push(addUnixSignal(SIGINT, handle(SIGINT)));
}

function removeSignalHandlers(): void {
    signalSources.forEach(removeSource);
    signalSources = [];
}

/** Runs the shutdown sequence once: `shutdown` signal, hooks (processes, workers), reaping. */
function shutdown(): void {
    if (state.shuttingDown)
        return;
    state.shuttingDown = true;
    try {
        state.signals.shutdown.emit();
    } finally {
        state.signals.shutdown.disconnectAll();
        state.signals.step.disconnectAll();
    }
    const waiting: PromiseLike<unknown>[] = [];
    for (const hook of shutdownHooks) {
        try {
            const result = hook.fn();
            if (result && typeof result.then === 'function')
                waiting.push(result);
        } catch (error) {
            logException(error, `kaa: shutdown hook "${hook.name}" threw`);
        }
    }
    if (waiting.length) {
        let pending = waiting.length;
        const settle = () => {
            pending--;
        };
        for (const w of waiting)
            w.then(settle, error => {
                logException(error, 'kaa: a shutdown hook failed');
                settle();
            });
        const deadline = now() + 30;
        state.depth++;
        try {
            while (pending > 0 && now() < deadline)
                iterate(true);
        } finally {
            state.depth--;
        }
    }
    state.stopped = true;
}

function runBlocking(options: RunOptions): number {
    ensureInit();
    if (state.backend === 'thread')
        throw new Error("kaa.main.run(): the 'thread' backend is driven by its host; use run({threaded: true}) to attach");
    checkPosition('kaa.main.run()');
    beginRun(options);
    state.onStop = () => context.wakeup();
    state.depth++;
    let pending: { error: unknown } | null = null;
    try {
        do {
            iterate(!state.stopRequested && !state.pendingError);
            pending = takePendingError();
        } while (!state.stopRequested && !pending);
    } finally {
        state.depth--;
        endRun();
    }
    if (pending)
        throw pending.error;
    return state.exitCode;
}

function beginRun(options: RunOptions): void {
    state.running = true;
    state.shuttingDown = false;
    state.stopped = false;
    installSignalHandlers(options.sigint !== false && threadOptions.sigint !== false);
}

function endRun(): void {
    try {
        shutdown();
    } finally {
        removeSignalHandlers();
        state.running = false;
        state.stopRequested = false;
        state.onStop = null;
    }
}

function runApplication(app: Gio.Application, options: RunOptions): number {
    ensureInit();
    checkPosition('kaa.main.run({application})');
    beginRun(options);
    state.onStop = () => app.quit();
    const handler = app.connect('shutdown', () => {
        try {
            shutdown();
        } catch (error) {
            logException(error, 'kaa: shutdown failed');
        }
    });
    let status: number;
    try {
        status = app.run(options.argv ?? [system.programInvocationName, ...ARGV]);
    } finally {
        app.disconnect(handler);
        endRun();
    }
    const pending = takePendingError();
    if (pending)
        throw pending.error;
    return state.exitCode !== 0 ? state.exitCode : status;
}

function attach(options: RunOptions): number {
    ensureInit();
    beginRun(options);
    state.onStop = endHostRun;
    return 0;
}

/**
 * Ends kaa in a host-owned loop, from inside that loop (`options.handler`):
 * the shutdown sequence — through `endRun()` when `run({threaded: true})`
 * attached, else on its own (a signal with only `init('thread')`) — then
 * `options.shutdown()` so that the host quits. Once per run.
 */
function endHostRun(): void {
    (threadOptions.handler ?? defaultHandler)(() => {
        if (state.running) {
            const pending = takePendingError();
            if (pending)
                logException(pending.error, 'kaa: unhandled exception; stopping');
            endRun();
        } else if (!state.shuttingDown) {
            try {
                shutdown();
            } catch (error) {
                logException(error, 'kaa: shutdown failed');
            } finally {
                removeSignalHandlers();
                state.stopRequested = false;
            }
        } else {
            return;
        }
        threadOptions.shutdown?.();
    });
}

/**
 * Initializes the notifier with a backend: `'generic'` (a GLib main loop on
 * the default context), `'gtk'` (`Gtk.init()` first) or `'thread'` (a host
 * owns the loop). Called implicitly by `run()`, `loop()` and `step()`.
 * Calling it again with the same backend is a no-op (except `reset`).
 * @throws TypeError for an unknown backend; Error when switching backends.
 * @example
 * kaa.main.init('gtk');
 */
function init(backend: BackendName = 'generic', options: InitOptions = {}): void {
    if (!(backend in backends))
        throw new TypeError(`kaa.main.init(): unknown backend ${describeValue(backend)} (expected 'generic', 'gtk' or 'thread')`);
    checkOptionsObject('kaa.main.init()', options, ['reset', 'handler', 'shutdown', 'sigint']);
    if (options.sigint !== undefined && backend !== 'thread')
        throw new TypeError(`kaa.main.init('${backend}'): \`sigint\` is an option of the 'thread' backend; use run({sigint})`);
    if (state.backend && state.backend !== backend)
        throw new Error(`kaa.main.init(): already initialized with the '${state.backend}' backend; cannot switch to '${backend}'`);
    if (options.reset)
        deferred.clear();
    if (state.backend)
        return;
    backends[backend].setUp(options);
    threadOptions = backend === 'thread' ? options : {};
    state.backend = backend;
    if (backend === 'thread')
        installSignalHandlers(options.sigint !== false);
    state.signals.init.emit();
}

/**
 * Runs the main loop until `stop()`, SIGINT/SIGTERM, a `SystemExit` thrown in
 * a callback, or an unhandled callback exception (rethrown after shutdown).
 * @returns the exit status: 0 after `stop()`, a `SystemExit`'s code, 128+signo after a signal.
 * @throws TypeError for a bad option; Error if already running, or if called inside a promise continuation (use `runAsync()`).
 * @example
 * new kaa.OneShotTimer(() => kaa.main.stop()).start(1);
 * const status = kaa.main.run();
 */
function run(options: RunOptions = {}): number {
    checkRunOptions('kaa.main.run()', options);
    if (state.running)
        throw new Error('kaa.main.run(): the main loop is already running');
    if (options.threaded)
        return attach(options);
    if (options.application)
        return runApplication(options.application, options);
    return runBlocking(options);
}

/** Checks the options of `run()`/`runAsync()`: their names and types. */
function checkRunOptions(what: string, options: RunOptions): void {
    checkOptionsObject(what, options, ['threaded', 'application', 'argv', 'sigint']);
    const { threaded = false, sigint = true, application, argv } = options;
    for (const [name, value] of [['threaded', threaded], ['sigint', sigint]] as const) {
        if (typeof value !== 'boolean')
            throw new TypeError(`${what}: \`${name}\` must be a boolean (got ${describeValue(value)})`);
    }
    if (application !== undefined && application !== null && typeof (application as { run?: unknown }).run !== 'function')
        throw new TypeError(`${what}: \`application\` must be a Gio.Application (got ${describeValue(application)})`);
    if (argv !== undefined && !(Array.isArray(argv) && argv.every(a => typeof a === 'string')))
        throw new TypeError(`${what}: \`argv\` must be an array of strings (got ${describeValue(argv)})`);
}

/**
 * `run()` for any position, also after an `await` on GJS 1.74: the loop is
 * started from a GLib callback, never from a promise job.
 * @returns a Promise of the exit status (rejected with an unhandled exception).
 * @example
 * const status = await kaa.main.runAsync();
 */
function runAsync(options: RunOptions = {}): Promise<number> {
    checkRunOptions('kaa.main.runAsync()', options);
    return new Promise((resolve, reject) => {
        addIdle(() => {
            try {
                resolve(run(options));
            } catch (error) {
                reject(error);
            }
            return false;
        }, GLib.PRIORITY_DEFAULT, 'run-async');
    });
}

/**
 * Stops the running loop (status 0). May be called any number of times, from
 * any callback; before the loop runs, the next `run()` stops after one
 * iteration. Under the `thread` backend it also calls `options.shutdown()`.
 */
function stop(): void {
    state.requestStop(0);
}

/**
 * Iterates the loop while `condition()` is true (or the boolean is true),
 * until `timeout` seconds pass, or until the main loop stops. Re-entrant.
 * @throws TypeError/RangeError for a `timeout` that is not `Infinity` or 0 to 2**32 - 1 seconds;
 *   an unhandled exception raised by a callback during the loop.
 * @example
 * kaa.main.loop(() => !done, 5);
 */
function loop(condition: (() => unknown) | boolean, timeout?: number): void {
    if (typeof condition !== 'function' && typeof condition !== 'boolean')
        throw new TypeError(`kaa.main.loop(): \`condition\` must be a function or a boolean (got ${describeValue(condition)})`);
    if (timeout !== undefined && timeout !== null && !(typeof timeout === 'number' && timeout >= 0))
        throw new TypeError(`kaa.main.loop(): \`timeout\` must be a number >= 0 (got ${describeValue(timeout)})`);
    if (timeout !== undefined && timeout !== null && timeout !== Infinity)
        checkRange('kaa.main.loop()', 'timeout', timeout, 0, MAX_SECONDS, ' seconds, or Infinity');
    const test = typeof condition === 'function' ? condition : () => condition;
    if (!test())
        return;
    ensureInit();
    checkPosition('kaa.main.loop()');
    let timedOut = false;
    const entry = entryIn(timeout ?? Infinity, () => {
        timedOut = true;
    });
    if (timeout !== undefined && timeout !== null)
        scheduler.add(entry);
    state.depth++;
    let pending: { error: unknown } | null = null;
    try {
        while (!timedOut && !(state.running && state.stopRequested)) {
            iterate(true);
            pending = takePendingError();
            if (pending || !test())
                break;
        }
    } finally {
        state.depth--;
        scheduler.remove(entry);
    }
    if (pending)
        throw pending.error;
}

/**
 * Performs one blocking iteration of the loop and emits `step`.
 * @example
 * while (!done) kaa.main.step();
 */
function step(): void {
    ensureInit();
    checkPosition('kaa.main.step()');
    state.depth++;
    let pending: { error: unknown } | null = null;
    try {
        iterate(true);
        pending = takePendingError();
    } finally {
        state.depth--;
    }
    state.signals.step.emit();
    if (pending)
        throw pending.error;
}

/**
 * Stops the loop, runs the shutdown sequence, emits `exit(code)` and ends the
 * process with `code`.
 * @throws TypeError for a non-integer `code`; RangeError outside 0 to 255 (a status would be truncated).
 */
function exit(code = 0): never {
    if (!Number.isInteger(code))
        throw new TypeError(`kaa.main.exit(): \`code\` must be an integer (got ${describeValue(code)})`);
    checkRange('kaa.main.exit()', 'code', code, 0, 255);
    state.requestStop(code);
    shutdown();
    try {
        state.signals.exit.emit(code);
    } finally {
        system.exit(code);
    }
    throw new Error('unreachable');
}

/** The notifier's counters, for diagnostics and the leak checks of the test suite. */
function statistics(): LoopStatistics {
    return {
        sources: liveSources(),
        timers: scheduler.size + coarseScheduler.size,
        deferred: deferred.size,
        depth: state.depth,
        iterations,
        drops: counters.drops,
        live: Object.fromEntries([...statisticsHooks].map(([kind, count]) => [kind, count()])),
    };
}

/** `kaa.main`: run, stop and inspect the main loop. */
export const main = {
    init, run, runAsync, stop, loop, step, exit, statistics,
    /** True while `run()` is active or a kaa loop (loop, wait) is iterating. */
    isRunning: (): boolean => state.running || state.depth > 0,
    /** True from the start of the shutdown sequence until the next `run()`. */
    isShuttingDown: (): boolean => state.shuttingDown,
    /** True once a `run()` has finished its shutdown sequence. */
    isStopped: (): boolean => state.stopped,
    /** True once a backend has been initialized. */
    isInitialized: (): boolean => state.backend !== null,
};

/** `kaa.signals`: `init`, `exception(error)`, `shutdown`, `step`, `exit(code)`. */
export const signals = state.signals;
