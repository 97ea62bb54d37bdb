/**
 * The timer scheduler and the deferred-call queue.
 *
 * All kaa timers share ONE GLib timeout source, aimed at the earliest
 * deadline of a binary heap (GJS 1.74 keeps every pending GLib closure in a
 * vector removed by linear scan: 100k GLib timeouts take seconds; a heap
 * behind one source does not). The source is re-aimed only when the earliest
 * deadline moves earlier, when the heap empties (no idle wakeups), or after
 * it fired. Entries with equal deadlines fire in the order they were added;
 * one dispatch fires every entry that was due when it began and then, for
 * at most 1 ms, entries its callbacks added that are already due (a chain of
 * zero-delay timers), settling promise reactions between two callbacks (see
 * jobs.ts) so a reaction always runs before the next timer fires; after that
 * budget other sources get their turn.
 *
 * Three GLib facts this file handles:
 * - A GLib timeout holds its delay in a `guint` of milliseconds (49 days):
 *   the source is armed for at most {@link MAX_AIM_SECONDS} and, when it
 *   fires before the earliest deadline, fires nothing and is re-aimed, so a
 *   timer of any length (a 30-day timer, say) works and never fires early.
 * - GLib never re-dispatches a source that is dispatching, so a nested loop
 *   started from a timer callback would see no timers: {@link Scheduler.nestedLoop}
 *   arms a fresh source for it.
 * - GJS 1.74 may refuse to run the source's callback during an incremental
 *   GC, and GLib then drops the source: {@link Scheduler.verify} (called by the
 *   loop after each iteration) re-arms it when the earliest deadline is overdue.
 */
import GLib from 'gi://GLib';
import { msUntil, now } from './clock.js';
import { canDrainPromiseJobs, drainPromiseJobs } from './jobs.js';
import { addIdle, addTimeout, addTimeoutSeconds, forgetSource, removeSource, reportException, sourceExists } from './sources.js';

/** What the scheduler holds: a deadline (monotonic seconds) and what to do then. */
export interface ScheduledEntry {
    /** When to fire, in seconds on the monotonic clock (see `clock.now()`). */
    deadline: number;
    /** Called once when the deadline passes; the entry is no longer scheduled then. */
    fire(): void;
    /** Position in the heap; -1 when not scheduled. Managed by the scheduler. */
    heapIndex: number;
    /** Insertion order, for stable ordering of equal deadlines. Managed by the scheduler. */
    seq: number;
}

/** The longest delay the GLib source is armed with: 2**31 - 1 ms (about 24.8 days). */
export const MAX_AIM_SECONDS = 2147483.647;

/** How long one dispatch may keep firing zero-delay chains before other sources get their turn. */
export const BATCH_SECONDS = 0.001;

const before = (a: ScheduledEntry, b: ScheduledEntry) =>
    a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq);

/** A heap of deadlines behind a single GLib timeout source. */
export class Scheduler {
    readonly #heap: ScheduledEntry[] = [];
    readonly #coarse: boolean;
    readonly #maxAim: number;
    #seq = 0;
    #sourceId = 0;
    /** The deadline the source is aimed at (Infinity when none). */
    #aimedAt = Infinity;
    /** The interval (ms or s) the current source repeats with. */
    #interval = -1;
    #dispatchingId = 0;
    /** The source fired since the last verify(): it exists (or was re-aimed). */
    #firedInIteration = false;

    /**
     * @param coarse - use whole-second GLib timeouts (grouped by GLib to save power).
     * @param maxAim - the longest delay, in seconds, the GLib source is armed with (tests shorten it).
     */
    constructor(coarse = false, maxAim = MAX_AIM_SECONDS) {
        this.#coarse = coarse;
        this.#maxAim = maxAim;
    }

    /** The number of scheduled entries. */
    get size(): number {
        return this.#heap.length;
    }

    /** The id of the GLib source behind the heap (0 when none); for diagnostics and tests. */
    get sourceId(): number {
        return this.#sourceId;
    }

    /** The delay the GLib source was last armed with (ms; whole seconds when coarse), or -1; for diagnostics and tests. */
    get armedDelay(): number {
        return this.#sourceId ? this.#interval : -1;
    }

    /** The earliest deadline, or Infinity. */
    get next(): number {
        return this.#heap.length ? this.#heap[0].deadline : Infinity;
    }

    /** Schedules `entry` at `entry.deadline`. An entry is scheduled at most once. */
    add(entry: ScheduledEntry): void {
        if (entry.heapIndex >= 0)
            throw new Error('kaa scheduler: entry is already scheduled');
        entry.seq = this.#seq++;
        entry.heapIndex = this.#heap.length;
        this.#heap.push(entry);
        this.#up(entry.heapIndex);
        if (entry.heapIndex === 0 && entry.deadline < this.#aimedAt && !this.#dispatchingId)
            this.#aim();
    }

    /** Unschedules `entry`; returns false if it was not scheduled. */
    remove(entry: ScheduledEntry): boolean {
        const i = entry.heapIndex;
        if (i < 0)
            return false;
        const last = this.#heap.pop() as ScheduledEntry;
        entry.heapIndex = -1;
        if (last !== entry) {
            this.#heap[i] = last;
            last.heapIndex = i;
            this.#down(i);
            this.#up(last.heapIndex);
        }
        if (!this.#heap.length && !this.#dispatchingId)
            this.#disarm();
        return true;
    }

    /** Called by the loop when a nested loop begins: a dispatching source cannot fire again until it returns. */
    nestedLoop(): void {
        if (!this.#dispatchingId)
            return;
        const wasCurrent = this.#sourceId === this.#dispatchingId;
        this.#dispatchingId = 0;
        if (wasCurrent) {
            this.#sourceId = 0;
            this.#aimedAt = Infinity;
            if (this.#heap.length)
                this.#aim();
        }
    }

    /** Called by the loop after an iteration: re-arms the source if GJS dropped its callback. */
    verify(): void {
        if (this.#firedInIteration) {
            this.#firedInIteration = false;
            return;
        }
        // The source may legitimately fire a little before the deadline (ms
        // rounding; whole seconds when coarse): check once it could have fired.
        const slack = this.#coarse ? 1 : 0.002;
        if (!this.#heap.length || this.#dispatchingId || this.#heap[0].deadline - slack > now())
            return;
        if (this.#sourceId && sourceExists(this.#sourceId))
            return;
        forgetSource(this.#sourceId);
        this.#sourceId = 0;
        this.#aimedAt = Infinity;
        this.#aim();
    }

    #aim(): void {
        if (this.#sourceId)
            removeSource(this.#sourceId);
        const deadline = this.#heap[0].deadline;
        this.#aimedAt = deadline;
        this.#interval = this.#delayUntil(deadline, now());
        if (this.#coarse)
            this.#sourceId = addTimeoutSeconds(this.#interval, this.#onTimeout, GLib.PRIORITY_DEFAULT, 'timers-coarse');
        else
            this.#sourceId = addTimeout(this.#interval, this.#onTimeout, GLib.PRIORITY_DEFAULT, 'timers');
    }

    /** The GLib delay (ms, or whole seconds when coarse) to aim at `deadline` from `t`, at most `maxAim`. */
    #delayUntil(deadline: number, t: number): number {
        if (this.#coarse)
            return Math.max(1, Math.ceil(Math.min(deadline - t, this.#maxAim)));
        return Math.min(msUntil(deadline, t), Math.floor(this.#maxAim * 1000));
    }

    #disarm(): void {
        if (this.#sourceId)
            removeSource(this.#sourceId);
        this.#sourceId = 0;
        this.#aimedAt = Infinity;
    }

    readonly #onTimeout = (): boolean => {
        const id = this.#sourceId;
        const outer = this.#dispatchingId;
        const t = now();
        this.#dispatchingId = id;
        this.#firedInIteration = true;
        try {
            this.#fireDue(t);
        } finally {
            this.#dispatchingId = outer;
        }
        if (this.#sourceId !== id)
            return false;
        if (!this.#heap.length) {
            this.#sourceId = 0;
            this.#aimedAt = Infinity;
            return false;
        }
        // Measured from the dispatch start (one clock read per dispatch). A
        // deadline a few µs later keeps the 0 ms source: fireDue re-checks
        // with the real clock, so nothing fires early.
        const deadline = this.#heap[0].deadline;
        const interval = this.#coarse || deadline - t > this.#maxAim ? this.#delayUntil(deadline, t)
            : Math.max(0, Math.round((deadline - t) * 1000));
        if (interval === this.#interval) {
            this.#aimedAt = deadline;
            return true;
        }
        this.#sourceId = 0;
        this.#aim();
        return false;
    };

    /**
     * Fires every entry due at `t` that was scheduled before this dispatch,
     * then — for at most {@link BATCH_SECONDS} — entries those callbacks
     * scheduled that are already due (a zero-delay chain), settling promise
     * reactions before each such round, so ordering matches one round per
     * iteration (entries due together fire together, as GLib dispatches all
     * ready sources of an iteration before GJS runs promise jobs).
     */
    #fireDue(t: number): void {
        const heap = this.#heap;
        const start = t;
        let limit = this.#seq;
        for (;;) {
            while (heap.length && heap[0].deadline <= t && heap[0].seq < limit) {
                const entry = heap[0];
                this.remove(entry);
                try {
                    entry.fire();
                } catch (error) {
                    reportException(error);
                }
            }
            if (!canDrainPromiseJobs || !heap.length || heap[0].seq < limit || this.#sourceId !== this.#dispatchingId)
                return;
            drainPromiseJobs();
            t = now();
            if (heap[0].deadline > t || t - start > BATCH_SECONDS)
                return;
            limit = this.#seq;
        }
    }

    #up(i: number): void {
        const heap = this.#heap;
        const entry = heap[i];
        while (i > 0) {
            const p = (i - 1) >> 1;
            if (!before(entry, heap[p]))
                break;
            heap[i] = heap[p];
            heap[i].heapIndex = i;
            i = p;
        }
        heap[i] = entry;
        entry.heapIndex = i;
    }

    #down(i: number): void {
        const heap = this.#heap;
        const n = heap.length;
        const entry = heap[i];
        for (;;) {
            let c = 2 * i + 1;
            if (c >= n)
                break;
            if (c + 1 < n && before(heap[c + 1], heap[c]))
                c++;
            if (!before(heap[c], entry))
                break;
            heap[i] = heap[c];
            heap[i].heapIndex = i;
            i = c;
        }
        heap[i] = entry;
        entry.heapIndex = i;
    }
}

/** The scheduler every kaa timer uses. */
export const scheduler = new Scheduler();
/** The scheduler of `{coarse: true}` timers (whole seconds, grouped by GLib). */
export const coarseScheduler = new Scheduler(true);

/** Deferred calls: run once, from the loop, in the next iteration, in the order queued. */
class DeferredQueue {
    #queue: (() => void)[] = [];
    #sourceId = 0;
    #draining = false;

    get size(): number {
        return this.#queue.length;
    }

    push(fn: () => void): void {
        this.#queue.push(fn);
        if (!this.#sourceId)
            this.#sourceId = addIdle(this.#drain, GLib.PRIORITY_DEFAULT, 'deferred');
    }

    clear(): void {
        this.#queue = [];
        if (this.#sourceId && !this.#draining)
            removeSource(this.#sourceId);
        if (!this.#draining)
            this.#sourceId = 0;
    }

    nestedLoop(): void {
        if (this.#draining) {
            this.#draining = false;
            this.#sourceId = 0;
            if (this.#queue.length)
                this.#sourceId = addIdle(this.#drain, GLib.PRIORITY_DEFAULT, 'deferred');
        }
    }

    verify(): void {
        if (this.#queue.length && !this.#draining && !sourceExists(this.#sourceId)) {
            forgetSource(this.#sourceId);
            this.#sourceId = addIdle(this.#drain, GLib.PRIORITY_DEFAULT, 'deferred');
        }
    }

    readonly #drain = (): boolean => {
        const id = this.#sourceId;
        const batch = this.#queue;
        this.#queue = [];
        this.#draining = true;
        try {
            for (let i = 0; i < batch.length; i++) {
                try {
                    batch[i]();
                } catch (error) {
                    reportException(error);
                }
            }
        } finally {
            this.#draining = false;
        }
        if (this.#sourceId !== id)
            return false;
        if (this.#queue.length)
            return true;
        this.#sourceId = 0;
        return false;
    };
}

/** The deferred-call queue (`kaa.main` runs these before sleeping again). */
export const deferred = new DeferredQueue();

/**
 * Runs `fn` from the main loop in its next iteration (after the current
 * callback returns). Exceptions go to `kaa.signals.exception`.
 * @example
 * defer(() => print('later'));
 */
export function defer(fn: () => void): void {
    if (typeof fn !== 'function')
        throw new TypeError(`defer(): \`fn\` must be a function (got ${typeof fn})`);
    deferred.push(fn);
}
