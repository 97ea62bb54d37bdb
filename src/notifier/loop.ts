/**
 * `kaa.main`: the main loop's API, a facade over the parts that do the
 * work (src/README.md tells how they fit):
 * - iteration.ts — one iteration as named phases (timers, poll/dispatch,
 *   re-arm, end-of-iteration work, step); the only code that iterates the
 *   GLib main context, with the drivers;
 * - backends/ — the drivers: the blocking loop (`generic`, `gtk`), a
 *   `Gio.Application`, a host-owned loop (`thread`), sharing one start, stop
 *   and error path (run.ts, state.ts);
 * - source.ts — the one source lifecycle, and the re-arm phase;
 * - shutdown.ts — the shutdown sequence and its hooks.
 */
import GLib from 'gi://GLib';
import system from 'system';
import { MAX_SECONDS, checkOptionsObject, checkRange } from './check.js';
import { describeValue } from './errors.js';
import { checkPosition, drive, iterate, iterationCount, setHostHandler } from './iteration.js';
import { coarseScheduler, deferred, entryIn, scheduler } from './scheduler.js';
import { shutdown } from './shutdown.js';
import { addIdle, counters, liveSources } from './sources.js';
import { state, type BackendName } from './state.js';
import type { Backend, InitOptions, RunOptions } from './backends/backend.js';
import { ApplicationDriver } from './backends/application.js';
import { blockingDriver } from './backends/blocking.js';
import { genericBackend } from './backends/generic.js';
import { gtkBackend } from './backends/gtk.js';
import { HostDriver } from './backends/host.js';
import { installSignalHandlers } from './backends/run.js';
import { threadBackend } from './backends/thread.js';

export type { InitOptions, RunOptions } from './backends/backend.js';
export { atIterationEnd } from './iteration.js';
export { addShutdownHook } from './shutdown.js';

const backends: Record<BackendName, Backend> = { generic: genericBackend, gtk: gtkBackend, thread: threadBackend };

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

const statisticsHooks = new Map<string, () => number>();
/** The `thread` backend's options and driver (null under the others). */
let threadOptions: InitOptions = {};
let hostDriver: HostDriver | null = null;

/**
 * Registers a count of live objects a higher layer owns (the process layer's
 * unreaped children, the worker pools), reported by `main.statistics().live`
 * under `kind` and checked by the test suite's leak check. Registering a
 * kind again replaces its counter.
 * @param kind - the name in `live`.
 * @param count - returns the count.
 * @example
 * addStatisticsHook('processes', liveChildren);
 */
export function addStatisticsHook(kind: string, count: () => number): void {
    statisticsHooks.set(kind, count);
}

function ensureInit(): void {
    if (!state.backend)
        init();
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
    state.backend = backend;
    if (backend === 'thread') {
        threadOptions = options;
        hostDriver = new HostDriver(options);
        setHostHandler(options.handler ?? null);
        installSignalHandlers(options.sigint !== false, hostDriver);
    }
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
    ensureInit();
    const sigint = options.sigint !== false && threadOptions.sigint !== false;
    if (options.threaded)
        return (hostDriver ??= new HostDriver(threadOptions)).run(sigint);
    if (options.application)
        return new ApplicationDriver(options.application).run(options.argv, sigint);
    if (state.backend === 'thread')
        throw new Error("kaa.main.run(): the 'thread' backend is driven by its host; use run({threaded: true}) to attach");
    return blockingDriver.run(sigint);
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
    try {
        drive(frame => {
            while (!timedOut && !(state.running && state.stopRequested)) {
                iterate(true);
                if (frame.error || !test())
                    break;
            }
        });
    } finally {
        scheduler.remove(entry);
    }
}

/**
 * Performs one blocking iteration of the loop and emits `step`.
 * @example
 * while (!done) kaa.main.step();
 */
function step(): void {
    ensureInit();
    checkPosition('kaa.main.step()');
    try {
        drive(() => iterate(true));
    } finally {
        state.signals.step.emit();
    }
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
        iterations: iterationCount(),
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
