/**
 * One loop iteration, as named phases (libuv's `uv_run`, read top to bottom
 * in {@link iterate}):
 *   1. timers — a loop nested in a dispatching timer or deferred callback
 *      gets fresh sources (GLib never dispatches a dispatching source again);
 *   2. poll and dispatch — one `iteration()` of the default
 *      `GLib.MainContext`: GLib polls and runs every ready source (kaa's
 *      timers, fd and child watches, deferred calls, GJS's promise jobs),
 *      then a promise-job checkpoint when kaa callbacks ran: the reactions
 *      to what they settled run here, on a shallow stack, not in the next
 *      iteration (SpiderMonkey records the JS stack whenever a Promise is
 *      made or settled: deep inside a dispatch that costs per frame);
 *   3. re-arm — every kaa source GJS dropped during a GC comes back
 *      (source.ts, the one place this is done);
 *   4. end-of-iteration work — callbacks queued with {@link atIterationEnd}
 *      (unhandled-failure reports), after a promise-job checkpoint;
 *   5. step — `kaa.signals.step`, if the iteration dispatched kaa work.
 *
 * kaa runs phases 1–5 when it iterates the loop itself (`run()`, `loop()`,
 * `step()`, `wait()`). A loop kaa does not iterate (a host's, a
 * `Gio.Application`'s) runs phase 2 (sources.ts holds the checkpoint there,
 * after each outermost kaa callback); the driver then runs phases 3–5 from
 * a callback inside that loop ({@link requestHostFlush}).
 *
 * The GJS 1.74 trap: a blocking loop started inside a promise job (after any
 * `await`) never runs promise reactions again, and may spin.
 * {@link checkPosition} probes the caller's position before a blocking loop
 * starts: it queues a promise reaction and runs up to two non-blocking
 * iterations; if the reaction did not run, it throws at once and names
 * `runAsync()`.
 */
import GLib from 'gi://GLib';
import { drainPromiseJobs } from './jobs.js';
import { logException } from './log.js';
import { coarseScheduler, deferred, scheduler } from './scheduler.js';
import { rearmDropped } from './source.js';
import { counters } from './sources.js';
import { state, type Frame } from './state.js';
import { defaultHandler } from './backends/thread.js';

const context = GLib.MainContext.default();
const iterationEnd: (() => void)[] = [];
let iterations = 0;
let hostFlushArmed = false;
/** `init('thread', {handler})`: how the host runs kaa's end of an iteration. */
let hostHandler: ((fn: () => void) => void) | null = null;

/** Iterations kaa has driven since start-up (`main.statistics().iterations`). */
export function iterationCount(): number {
    return iterations;
}

/**
 * One kaa-driven iteration: the five phases of the module doc.
 * @param block - wait in poll() until something is ready.
 */
export function iterate(block: boolean): void {
    aimTimers();
    const dispatched = pollAndDispatch(block);
    if (dispatched)
        drainPromiseJobs(); // the checkpoint of phase 2
    finishIteration(dispatched);
}

/** Phases 3–5: re-arm, end-of-iteration work, step. */
function finishIteration(dispatched: boolean): void {
    rearmDropped();
    runIterationEnd();
    if (dispatched && state.signals.step.count)
        state.signals.step.emit();
}

/** Phase 1: a loop nested in a dispatching timer or deferred callback gets fresh sources. */
function aimTimers(): void {
    scheduler.nestedLoop();
    coarseScheduler.nestedLoop();
    deferred.nestedLoop();
}

/** Phase 2: GLib polls and dispatches; returns whether it ran kaa callbacks. */
function pollAndDispatch(block: boolean): boolean {
    const before = counters.dispatches;
    context.iteration(block);
    iterations++;
    return counters.dispatches !== before;
}

/** Phase 4: the end-of-iteration callbacks, each batch after a promise-job checkpoint. */
function runIterationEnd(): void {
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
}

/**
 * Queues `fn` to run at the end of the current loop iteration (in a
 * host-owned loop: from an idle callback soon after). Used by the async
 * layer to report failures nobody took.
 * @param fn - the callback; an exception is logged.
 * @example
 * atIterationEnd(() => reportUnhandled(ip));
 */
export function atIterationEnd(fn: () => void): void {
    iterationEnd.push(fn);
    if (state.depth === 0)
        requestHostFlush();
}

/**
 * Runs phases 3–5 soon from inside a loop kaa does not iterate: through the
 * `thread` backend's `handler`, else a GLib idle callback. Once until it ran.
 */
export function requestHostFlush(): void {
    if (hostFlushArmed)
        return;
    hostFlushArmed = true;
    (hostHandler ?? defaultHandler)(() => {
        hostFlushArmed = false;
        finishIteration(true);
    });
}

/** Sets how a host runs kaa's end of an iteration (`init('thread', {handler})`; null: an idle callback). */
export function setHostHandler(handler: ((fn: () => void) => void) | null): void {
    hostHandler = handler;
}

/**
 * Runs `body` as a kaa-driven loop (a frame: `state.depth` counts it); an
 * unhandled callback exception raised meanwhile is rethrown once `body`
 * returned.
 * @param body - iterates, given its frame (its `error` says when to stop).
 * @returns what `body` returned.
 */
export function drive<T>(body: (frame: Frame) => T): T {
    const frame = state.enter();
    let result: T;
    try {
        result = body(frame);
    } finally {
        state.leave(frame);
    }
    if (frame.error)
        throw frame.error.error;
    return result;
}

/**
 * Throws if the caller sits in a promise job, where a blocking loop would
 * stall every promise (see the module doc).
 * @param what - the caller, for the message.
 */
export function checkPosition(what: string): void {
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
