/**
 * `InProgress.timeout()`: a second InProgress that mirrors the first, or
 * fails with a TimeoutException when the time runs out. One scheduler entry,
 * removed as soon as either side ends or the mirror is aborted.
 * @module
 */
import { InProgressAborted, TimeoutException } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { scheduler } from '../notifier/scheduler.js';
import { onAbort, react, unreact } from './internal.js';
import { timerEntry } from './support.js';
import type { InProgress } from './inprogress.js';

/**
 * Makes `mirror` end as `source` does, or fail with a TimeoutException after
 * `seconds` (aborting `source` first when `abort` is true). Aborting
 * `mirror` removes the timer, and aborts `source` too when `abort` is true.
 * @param source - the InProgress to wait for.
 * @param seconds - the time limit.
 * @param abort - abort `source` on expiry and with `mirror`.
 * @param mirror - a fresh InProgress.
 * @returns `mirror`.
 * @example
 * return mirrorWithTimeout(this, seconds, false, new InProgress());
 */
export function mirrorWithTimeout<T>(source: InProgress<T>, seconds: number, abort: boolean, mirror: InProgress<T>): InProgress<T> {
    const src = source as InProgress<unknown>;
    const abortSource = (error: InProgressAborted): void => {
        if (abort && !source.finished && source.abortable)
            source.abort(error);
    };
    const entry = timerEntry(seconds, () => {
        unreact(src, reaction);
        try {
            abortSource(new TimeoutException(`${source} timed out after ${seconds} s`, { inprogress: source, origin: mirror }));
        } catch (e) {
            logException(e, `${mirror}: aborting ${source} failed`);
        }
        if (!mirror.finished)
            mirror.throw(new TimeoutException(`${source} timed out after ${seconds} s`, { inprogress: source }));
    });
    const reaction = react(src, v => {
        scheduler.remove(entry);
        if (!mirror.finished)
            mirror.finish(v as T);
    }, e => {
        scheduler.remove(entry);
        if (!mirror.finished)
            mirror.throw(e);
    });
    if (mirror.finished)
        return mirror;
    scheduler.add(entry);
    onAbort(mirror as InProgress<unknown>, () => {
        scheduler.remove(entry);
        unreact(src, reaction);
        abortSource(new InProgressAborted(`${source} was aborted with ${mirror}`, { inprogress: source, origin: mirror }));
    });
    return mirror;
}
