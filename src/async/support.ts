/**
 * What the modules of the async layer share: small checks, the callback
 * runner of InProgress, the unhandled-failure report, and `internals` — the
 * protocol through which delay(), the combinators, coroutines and the Gio
 * adapter reach into an InProgress without making its state public. The
 * InProgress class fills `internals` in when it is defined.
 * @module
 */
import { checkSeconds } from '../notifier/check.js';
import { SystemExit, type InProgressAborted } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { reportException } from '../notifier/sources.js';
import { entryIn, type ScheduledEntry } from '../notifier/scheduler.js';
import type { InProgress } from './inprogress.js';

/** A callback list entry; `passive` ones neither take failures nor count as waiters. @internal */
export interface Reaction {
    readonly ok: ((value: unknown) => unknown) | null;
    readonly err: ((error: unknown) => unknown) | null;
    /** The function `disconnect()` matches (besides `err`). */
    readonly fn: unknown;
    readonly passive: boolean;
}

/** The async layer's access to an InProgress's internals. @internal */
export interface Internals {
    /**
     * Connects internal callbacks (no logging wrapper, no checks). A
     * finished InProgress calls one of them at once and returns `null`.
     */
    react(ip: InProgress<unknown>, ok: ((v: unknown) => unknown) | null, err: ((e: unknown) => unknown) | null,
        passive?: boolean): Reaction | null;
    /** Removes a reaction `react` returned (harmless for `null` or one already gone). */
    unreact(ip: InProgress<unknown>, reaction: Reaction | null): void;
    /**
     * Registers how to undo the work behind `ip`; `abort()` runs it once the
     * `abort` signal accepted the abort. A function that throws makes
     * `abort()` throw (coroutines use it to raise into a running body).
     */
    onAbort(ip: InProgress<unknown>, fn: (error: InProgressAborted) => void): void;
    /** Aborts `target` when it is unfinished, abortable and nothing else waits for it. */
    abortWaited(target: InProgress<unknown>, origin: InProgress<unknown>): void;
}

/**
 * Filled in by the InProgress class when it is defined.
 * @internal
 * @example
 * internals.onAbort(ip, () => scheduler.remove(entry));
 */
export const internals = {} as Internals;

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

/**
 * Reports a failure nobody took: the error with its stack, then — in debug
 * mode — where the InProgress was made.
 * @param error - the failure.
 * @param what - the InProgress, for the message.
 * @param createdAt - its creation stack, or null.
 * @example
 * reportUnhandled(error, String(ip), null);
 */
export function reportUnhandled(error: unknown, what: string, createdAt: string | null): void {
    logException(error, `unhandled failure of ${what} (connect an exception callback, await it or read its result)`);
    if (createdAt !== null)
        printerr(`kaa: ${what} was created at:\n${createdAt}`);
}
