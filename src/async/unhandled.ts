/**
 * Failures nobody took. A failure is taken by an exception callback
 * (`connectBoth`, `signals.exception`), `then`/`await`, reading `result` or
 * `exception`, a `wait()` running for it, or an InProgress that follows it.
 * One nobody took by the end of the loop iteration it happened in is
 * logged, with the creation stack in debug mode. GJS 1.74 never runs
 * finalizers, so nothing waits for a GC. The failure an accepted `abort()`
 * causes (the `aborted` state) is never reported: the caller asked for it.
 * @module
 */
import { logException } from '../notifier/log.js';
import { atIterationEnd } from '../notifier/loop.js';
import type { Core, Reaction } from './core.js';

/**
 * Marks the failure of `core` as taken (nothing happens unless it failed).
 * @param core - the InProgress's state.
 * @example
 * takeFailure(core); // `result` threw the failure to its reader
 */
export function takeFailure(core: Core): void {
    if (core.failed)
        core.handled = true;
}

/**
 * Called as `core` fails, with the reactions it is about to call: the
 * failure is taken already, or is checked again at the end of the iteration.
 * @param core - the InProgress's state, just failed or aborted.
 * @param reactions - its callbacks.
 * @example
 * watchFailure(this, reactions);
 */
export function watchFailure(core: Core, reactions: readonly Reaction[]): void {
    if (core.handled)
        return;
    const signals = core.madeSignals;
    if (core.state === 'aborted' || core.waits > 0 || reactions.some(r => r.err !== null && !r.passive) ||
        (signals !== null && signals.exception.count > 0))
        core.handled = true;
    else
        atIterationEnd(() => reportIfUnhandled(core));
}

/** Logs the failure of `core` unless it was taken meanwhile: the error, then — in debug mode — where the InProgress was made. */
function reportIfUnhandled(core: Core): void {
    if (core.handled)
        return;
    core.handled = true;
    const what = String(core.owner);
    logException(core.value, `unhandled failure of ${what} (connect an exception callback, await it or read its result)`);
    if (core.createdAt !== null)
        printerr(`kaa: ${what} was created at:\n${core.createdAt}`);
}
