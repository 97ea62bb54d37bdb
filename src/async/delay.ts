/**
 * `delay(seconds)`: an InProgress that finishes after a while. It holds one
 * entry in the notifier's scheduler (no GLib source of its own); `abort()`
 * removes it.
 * @module
 */
import { scheduler } from '../notifier/scheduler.js';
import { InProgress } from './inprogress.js';
import { onAbort } from './internal.js';
import { requireSeconds, timerEntry } from './support.js';

/**
 * An InProgress that finishes (with `undefined`) after `seconds`. Aborting
 * it removes its timer.
 * @param seconds - how long, in seconds (0 = the next loop iteration).
 * @returns the InProgress.
 * @throws TypeError when `seconds` is not a finite number >= 0; RangeError above 2**32 - 1.
 * @example
 * await kaa.delay(0.5);
 * // in a coroutine: yield kaa.delay(1);
 */
export function delay(seconds: number): InProgress<void> {
    requireSeconds('seconds', seconds);
    const ip = new InProgress<void>({ name: `delay(${seconds})` });
    const entry = timerEntry(seconds, () => {
        if (!ip.finished)
            ip.finish();
    });
    scheduler.add(entry);
    onAbort(ip as InProgress<unknown>, () => scheduler.remove(entry));
    return ip;
}
