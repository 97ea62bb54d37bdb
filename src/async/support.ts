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
