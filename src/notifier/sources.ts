/**
 * The one place kaa adds GLib sources to the default main context.
 *
 * Every GLib callback kaa installs is wrapped here, so that:
 * - GLib's `SOURCE_CONTINUE`/`SOURCE_REMOVE` never reaches other code: a
 *   wrapped function returns `true` to keep its source, `false` to remove it;
 * - an exception never escapes into GJS (which would only log it and remove
 *   the source): it goes to {@link reportException}, i.e. `kaa.signals.exception`;
 * - the loop can tell whether an iteration dispatched kaa work (the `step`
 *   signal) and how many sources kaa holds (`statistics()`, the leak checks);
 * - a source whose callback GJS refused to run (1.74 to 1.80 do that during
 *   an incremental GC, and GLib then removes the source) can be detected with
 *   {@link sourceExists}: the loop's re-arm phase (source.ts, the one place
 *   that re-arms) does, for every kaa `Source`, on every GJS version
 *   (~1.5 µs a look-up; docs/gjs-versions.md);
 * - a kaa callback that a loop kaa does not iterate dispatched wakes the
 *   driver of the running loop, which runs the end of the iteration.
 *
 * Source ids are kept; `GLib.Source` objects are never held in JS (GJS frees
 * their wrappers only at GC).
 */
import GLib from 'gi://GLib';
import system from 'system';
import { SystemExit } from './errors.js';
import { logException } from './log.js';
import { drainPromiseJobs } from './jobs.js';
import { fdAdd, signalAdd } from './platform.js';
import { state } from './state.js';

const context = GLib.MainContext.default();
const live = new Map<number, string>();

/** How many kaa callbacks GLib has dispatched so far; the loop diffs it per iteration. */
export const counters = {
    dispatches: 0,
    /** Sources GJS dropped (callback refused during GC) that kaa re-armed. */
    drops: 0,
    /** Garbage collections kaa finished because GJS refused (or may have refused) a callback. */
    gcs: 0,
    /** kaa callbacks running now (nested). */
    depth: 0,
};

/**
 * Routes an exception that escaped a kaa callback: a `SystemExit` stops the
 * loop with its code; anything else is emitted on `kaa.signals.exception`,
 * and if no handler returned `false` it goes to the loop's error path
 * (`state.fail`: the innermost kaa loop rethrows it, or the driver of the
 * running loop stops with it), or is logged when no kaa loop runs.
 * @param error - what the callback threw.
 * @param what - names the callback in the log line when no kaa loop runs.
 */
export function reportException(error: unknown, what = 'a callback'): void {
    if (error instanceof SystemExit) {
        state.requestStop(error.code);
        return;
    }
    let handled = false;
    try {
        handled = state.signals.exception.count > 0 && !state.signals.exception.emit(error);
    } catch (e) {
        if (e instanceof SystemExit) {
            state.requestStop(e.code);
            return;
        }
        logException(e, 'kaa: an exception handler threw');
    }
    if (handled)
        return;
    if (!state.fail(error))
        logException(error, `kaa: unhandled exception in ${what} (no kaa loop is running)`);
}

function guard<A extends unknown[]>(fn: (...args: A) => boolean): { id: number; call: (...args: A) => boolean } {
    const record = { id: 0, call: (..._args: A): boolean => false };
    record.call = (...args: A): boolean => {
        counters.dispatches++;
        counters.depth++;
        let keep = false;
        try {
            keep = fn(...args) === true;
        } catch (error) {
            reportException(error);
        } finally {
            counters.depth--;
        }
        // Dispatched by a loop kaa does not iterate (an application's, a host's): the
        // reactions to what the callback did run now (iteration.ts's checkpoint, here
        // after each outermost callback), and its driver runs the end of the iteration.
        if (counters.depth === 0 && state.depth === 0) {
            drainPromiseJobs();
            state.driver?.wake();
        }
        if (!keep)
            live.delete(record.id);
        return keep;
    };
    return record;
}

function track(kind: string, record: { id: number }, id: number): number {
    record.id = id;
    live.set(id, kind);
    return id;
}

/** Adds a timeout of `ms` milliseconds; `fn` returns true to fire again after another `ms`. */
export function addTimeout(ms: number, fn: () => boolean, priority = GLib.PRIORITY_DEFAULT, kind = 'timeout'): number {
    const r = guard(fn);
    return track(kind, r, GLib.timeout_add(priority, ms, r.call));
}

/** Adds a whole-second timeout (GLib groups these across processes to save power). */
export function addTimeoutSeconds(seconds: number, fn: () => boolean, priority = GLib.PRIORITY_DEFAULT, kind = 'timeout-seconds'): number {
    const r = guard(fn);
    return track(kind, r, GLib.timeout_add_seconds(priority, seconds, r.call));
}

/** Adds an idle source: `fn` runs when nothing of higher priority is ready. */
export function addIdle(fn: () => boolean, priority = GLib.PRIORITY_DEFAULT_IDLE, kind = 'idle'): number {
    const r = guard(fn);
    return track(kind, r, GLib.idle_add(priority, r.call));
}

/** Watches a file descriptor (`g_unix_fd_add_full`, see platform.ts); `fn` gets the ready condition. */
export function addFdWatch(fd: number, condition: GLib.IOCondition, fn: (condition: GLib.IOCondition) => boolean,
    priority = GLib.PRIORITY_DEFAULT, kind = 'fd'): number {
    const r = guard((_fd: number, cond: GLib.IOCondition) => fn(cond));
    return track(kind, r, fdAdd(priority, fd, condition, r.call));
}

/** Watches a child (`GLib.child_watch_add`; the child must not be reaped elsewhere). `fn` gets the raw wait status. */
export function addChildWatch(pid: number, fn: (waitStatus: number) => void, priority = GLib.PRIORITY_DEFAULT, kind = 'child'): number {
    const r = guard((_pid: number, status: number) => {
        fn(status);
        return false;
    });
    return track(kind, r, GLib.child_watch_add(priority, pid, r.call));
}

/** Handles a Unix signal in the loop (`g_unix_signal_add_full`, see platform.ts: SIGHUP, SIGINT, SIGTERM, SIGUSR1/2, SIGWINCH). */
export function addUnixSignal(signum: number, fn: () => boolean, priority = GLib.PRIORITY_HIGH, kind = 'unix-signal'): number {
    const r = guard(fn);
    return track(kind, r, signalAdd(priority, signum, r.call));
}

/** True if the source still exists in the main context (false after GJS dropped its callback). */
export function sourceExists(id: number): boolean {
    return id > 0 && context.find_source_by_id(id) !== null;
}

/** Removes a source kaa added; harmless for ids already gone. */
export function removeSource(id: number): void {
    if (!live.delete(id))
        return;
    if (sourceExists(id))
        GLib.source_remove(id);
}

/**
 * Forgets a source GJS dropped (it no longer exists in GLib) and finishes the
 * garbage collection that made GJS drop it. GJS 1.74 refuses every callback
 * while an incremental GC is in progress, and the GC only advances when JS
 * runs: without a full GC here, the re-armed source would be refused again
 * and again (a busy livelock, seen in the specs).
 */
export function forgetSource(id: number): void {
    if (!id)
        return;
    live.delete(id);
    counters.drops++;
    finishRefusingGc();
}

let gcFinished = false;

/**
 * GJS refused a callback, or may have: kaa noticed it by its effect (a
 * source gone, an operation that ended without its completion callback).
 * Finishes the garbage collection that refuses callbacks, once per
 * iteration. GJS 1.74 refuses every GLib→JS callback while an incremental
 * GC is sweeping, and the sweep only advances when JS runs: left alone it
 * goes on refusing — kaa's re-armed sources again and again, and, once a
 * kaa loop has returned to an idle host loop, the host's own callbacks (its
 * next GLib idle or timeout), which nothing re-arms, for seconds or for good.
 * @example
 * if (ended && !callbackRan) finishRefusingGc();
 */
export function finishRefusingGc(): void {
    if (!gcFinished) {
        gcFinished = true;
        counters.gcs++;
        system.gc();
    }
}

/**
 * Whether GJS refuses GLib→JS callbacks right now (an incremental GC is
 * sweeping): one callback run synchronously through
 * `g_main_context_invoke_full()` (~2 µs; GLib calls it at once when this
 * thread owns or can take the default context). A refused probe shows as
 * GJS's usual "SourceFunc()" critical on stderr. False when the context
 * belongs to another thread (GLib then queues the probe as an idle).
 */
function refusingCallbacks(): boolean {
    if (!context.acquire()) // recursive: also when this thread owns it already
        return false;
    let ran = false;
    try {
        context.invoke_full(GLib.PRIORITY_DEFAULT, () => {
            ran = true;
            return GLib.SOURCE_REMOVE;
        });
    } finally {
        context.release();
    }
    return !ran;
}

/**
 * Finishes the GC when GJS is refusing callbacks right now: an operation
 * ended without its completion callback, which GLib may still dispatch —
 * into the sweep, after the kaa loop has returned to its caller's loop,
 * where a refused callback is gone and the sweep goes on refusing the
 * caller's own callbacks too. Costs one probe callback when no GC sweeps.
 * @example
 * if (ended && !callbackRan) finishGcIfRefusing();
 */
export function finishGcIfRefusing(): void {
    if (!gcFinished && refusingCallbacks())
        finishRefusingGc();
}

/** Called by the loop after each iteration: the next dropped source finishes a GC again. */
export function allowDropGc(): void {
    gcFinished = false;
}

/** The number of live kaa sources, by kind. */
export function liveSources(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const kind of live.values())
        out[kind] = (out[kind] ?? 0) + 1;
    return out;
}
