/**
 * Settling promise reactions from a GLib callback.
 *
 * GJS runs promise jobs from its own GLib source, so reactions queued inside
 * a kaa callback normally settle in the next loop iteration. GJS's own
 * `setTimeout` drains them right after each callback instead, through the
 * internal `_promiseNative.drainMicrotaskQueue()` (present in GJS 1.74 and
 * later). The scheduler uses the same call to settle reactions between two
 * timers it fires in one dispatch, so "promise reactions settle before the
 * next timer fires" holds either way; a kaa-driven iteration uses it once
 * its dispatch ran kaa callbacks (iteration.ts). Where the call is missing,
 * the scheduler does not batch.
 */
interface PromiseNative {
    drainMicrotaskQueue?: () => void;
}

const native = (imports as unknown as { _promiseNative?: PromiseNative })._promiseNative;
const drain = typeof native?.drainMicrotaskQueue === 'function' ? native.drainMicrotaskQueue : null;

/** True when {@link drainPromiseJobs} really settles reactions on this GJS. */
export const canDrainPromiseJobs = drain !== null;

/**
 * Runs every queued promise reaction now (a no-op inside a promise job, or
 * where unsupported). The native function itself where there is one: a JS
 * wrapper would be one more frame in every stack SpiderMonkey records for
 * the Promises the reactions make and settle.
 */
export const drainPromiseJobs: () => void = drain ?? (() => undefined);
