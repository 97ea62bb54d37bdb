/**
 * `InProgress.wait()`: a nested main loop until the InProgress ended. The
 * waits under way count as takers of a failure (unhandled.ts), since each
 * returns it to its caller.
 * @module
 */
import { now } from '../notifier/clock.js';
import { TimeoutException } from '../notifier/errors.js';
import { main } from '../notifier/loop.js';
import type { Core } from './core.js';
import { requireSeconds } from './support.js';

/**
 * Runs a nested main loop until `core` ended, then returns its result or throws its failure.
 * @param core - the InProgress's state.
 * @param timeout - seconds to wait at most; undefined for ever.
 * @returns the result.
 * @throws TimeoutException on expiry; the failure; Error when the main loop
 *   stops first or the call is in a promise continuation; TypeError/RangeError for a bad `timeout`.
 * @example
 * return wait(core, 5);
 */
export function wait(core: Core, timeout?: number): unknown {
    if (timeout !== undefined)
        requireSeconds('timeout', timeout);
    if (!core.ended) {
        // The same sum main.loop() aims its timeout at: `now() - start >= timeout`
        // can be false at that deadline (1000 + 0.01 - 1000 < 0.01).
        const deadline = timeout === undefined ? Infinity : now() + timeout;
        core.waits++;
        try {
            main.loop(() => !core.ended, timeout);
        } finally {
            core.waits--;
        }
        if (!core.ended) {
            if (now() >= deadline)
                throw new TimeoutException(`${core.owner}.wait(${timeout}) timed out`, { inprogress: core.owner });
            throw new Error(`${core.owner}.wait(): the main loop stopped before it finished`);
        }
    }
    return core.result();
}
