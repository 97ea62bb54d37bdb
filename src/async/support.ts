/**
 * What the modules of the async layer share: small checks, a scheduler
 * entry for a timer, and the callback runner of InProgress. (What they may
 * do with an InProgress's state is in internal.ts.)
 * @module
 */
import { checkSeconds } from '../notifier/check.js';
import { SystemExit } from '../notifier/errors.js';
import { reportException } from '../notifier/sources.js';
import { entryIn, type ScheduledEntry } from '../notifier/scheduler.js';

/**
 * True for values `await` would follow: objects and functions with a `then` method.
 * @param value - anything.
 * @returns whether it is a thenable.
 * @example
 * if (isThenable(value)) ip.waitFor(value);
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
    return value !== null && (typeof value === 'object' || typeof value === 'function') &&
        typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Throws unless `value` is a number of seconds from 0 to 2**32 - 1 (see notifier/check.ts).
 * @param name - the argument's name for the message.
 * @param value - what was passed.
 * @throws TypeError `` `seconds` must be a finite number >= 0 (got -1) ``; RangeError above 2**32 - 1.
 * @example
 * requireSeconds('timeout', timeout);
 */
export const requireSeconds: (name: string, value: unknown) => asserts value is number = checkSeconds;

/**
 * A scheduler entry that calls `fire` after `seconds` (once added to a scheduler).
 * @param seconds - from now.
 * @param fire - what to do then.
 * @returns the entry.
 * @example
 * scheduler.add(timerEntry(1, () => ip.finish()));
 */
export function timerEntry(seconds: number, fire: () => void): ScheduledEntry {
    return entryIn(seconds, fire);
}

/**
 * Calls a callback of an InProgress: an exception goes to
 * `kaa.signals.exception` as one from any kaa callback does (unhandled, it
 * stops the running loop, which rethrows it; it is logged when no kaa loop
 * runs); a `SystemExit` is kept in `exit` for the caller to rethrow once
 * every callback ran.
 * @param fn - the callback.
 * @param value - its argument.
 * @param what - the InProgress, for the message.
 * @param exit - where a SystemExit goes.
 * @example
 * guarded(cb, value, String(ip), exit);
 */
export function guarded(fn: (value: unknown) => unknown, value: unknown, what: object | string, exit: { error: SystemExit | null }): void {
    try {
        fn(value);
    } catch (e) {
        if (e instanceof SystemExit)
            exit.error ??= e;
        else
            reportException(e, `a callback connected to ${String(what)}`);
    }
}

type Handler = ((value: unknown) => unknown) | null | undefined;

/**
 * The hop of `InProgress.then()` from the callback list into a promise job.
 * `then()` resolves its Promise with a Hop: the engine calls `Hop.then`
 * from a job, which runs the callback (asynchronously, as Promise callbacks
 * run) and settles the Promise with its outcome. Resolving with a thenable
 * settles nothing at once; settling a Promise records the whole JS stack
 * for async stack traces (SpiderMonkey), ~0.35 µs per frame — costly deep
 * inside a dispatch, cheap in a promise job. One Promise per `then()`, not two.
 * @example
 * resolve(new Hop(true, value, onFulfilled, onRejected));
 */
export class Hop {
    /**
     * @param ok - whether the InProgress finished (else failed).
     * @param value - its result or failure.
     * @param onFulfilled - `then()`'s first callback (ignored when not a function).
     * @param onRejected - `then()`'s second callback (ignored when not a function).
     */
    constructor(readonly ok: boolean, readonly value: unknown, readonly onFulfilled: Handler, readonly onRejected: Handler) {}

    /**
     * Runs the callback for the outcome and settles with what it returns or throws.
     * @param resolve - resolves the Promise `then()` returned.
     * @param reject - rejects it.
     */
    then(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
        const fn = this.ok ? this.onFulfilled : this.onRejected;
        if (typeof fn !== 'function') {
            (this.ok ? resolve : reject)(this.value);
            return;
        }
        let out: unknown;
        try {
            out = fn(this.value);
        } catch (e) {
            reject(e);
            return;
        }
        resolve(out);
    }
}
