/**
 * `abort()` (STYLE.md §5, one cancellation path): the work behind an
 * InProgress registers how to undo itself when it starts ({@link onAbort});
 * `abort()` asks `signals.abort` (a handler that returns `false` refuses),
 * cuts the link to what it follows, runs exactly those undo actions, and —
 * unless the work ended otherwise meanwhile — fails the InProgress with the
 * abort's error (the `aborted` state, never reported as unhandled).
 * @module
 */
import { AbortRefused, InProgressAborted, InProgressStateError, describeValue } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { unfollow } from './chain.js';
import type { Core } from './core.js';

/** What abort.ts keeps in a Core: the undo actions and the accepted abort's error. */
export interface AbortRecord {
    undo: ((error: InProgressAborted) => void)[];
    error: InProgressAborted | null;
}

/**
 * Registers how to undo the work behind `core` (nothing happens once it ended).
 * An action that throws makes `abort()` throw (coroutines raise into a running body so).
 * @param core - the InProgress's state.
 * @param fn - undoes the work; gets the InProgressAborted.
 * @example
 * onAbort(core, () => scheduler.remove(entry));
 */
export function onAbort(core: Core, fn: (error: InProgressAborted) => void): void {
    if (!core.ended)
        (core.abort ??= { undo: [], error: null }).undo.push(fn);
}

/**
 * Aborts the work behind `core` (the body of `InProgress.abort()`).
 * @param core - the InProgress's state.
 * @param error - an InProgressAborted; by default a new one.
 * @throws InProgressStateError when it ended; AbortRefused when it is not
 *   abortable or a handler refused; TypeError for a bad `error`.
 * @example
 * abort(core);
 */
export function abort(core: Core, error?: InProgressAborted): void {
    const ip = core.owner;
    if (core.ended)
        throw new InProgressStateError(`${ip}.abort(): it has already finished`, { inprogress: ip, state: core.state });
    if (!core.abortable)
        throw new AbortRefused(`${ip}.abort(): it is not abortable`, { inprogress: ip, state: core.state });
    if (error !== undefined && !(error instanceof InProgressAborted))
        throw new TypeError(`abort(): \`error\` must be an InProgressAborted (got ${describeValue(error)})`);
    const reason = error ?? new InProgressAborted(`${ip} was aborted`, { inprogress: ip });
    const signals = core.madeSignals;
    if (signals !== null && !signals.abort.emit(reason))
        throw new AbortRefused(`${ip}.abort(): an abort handler refused`, { inprogress: ip, state: core.state });
    if (core.ended)
        return;
    const record = core.abort ??= { undo: [], error: null };
    record.error = reason;
    const actions = record.undo;
    record.undo = [];
    const waited = unfollow(core);
    if (waited !== null)
        abortWaited(waited, core);
    for (const action of actions)
        action(reason);
    if (!core.ended)
        core.end(false, reason);
}

/**
 * Aborts `target` on behalf of `origin`, which waited for it, when it is
 * unfinished, abortable and nothing else waits for it. A refusal is
 * quiet; any other error is logged.
 * @param target - the state of the InProgress waited for.
 * @param origin - the state of the one that waited.
 * @example
 * abortWaited(child, self);
 */
export function abortWaited(target: Core, origin: Core): void {
    if (target.ended || !target.abortable || target.waiterCount() > 0)
        return;
    const ip = target.owner;
    try {
        ip.abort(new InProgressAborted(`${ip} was aborted with ${origin.owner}`, { inprogress: ip, origin: origin.owner }));
    } catch (e) {
        if (!(e instanceof AbortRefused))
            logException(e, `aborting ${ip} (waited for by ${origin.owner}) failed`);
    }
}
