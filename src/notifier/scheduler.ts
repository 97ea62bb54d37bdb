/**
 * The timer scheduler and the deferred-call queue.
 *
 * All kaa timers share ONE GLib timeout source, aimed at the earliest
 * deadline of a timer wheel (timer-wheel.ts: 1 ms slots for the next second,
 * a heap beyond; GJS 1.74 keeps every pending GLib closure in a vector
 * removed by linear scan: 100k GLib timeouts take seconds, a wheel behind one
 * source does not). The source is re-aimed only when the earliest deadline
 * moves earlier, when the wheel empties (no idle wakeups), or after it
 * fired. Entries with equal deadlines fire in the order they were added.
 *
 * One dispatch fires in rounds: a round fires every entry due when it
 * began, slot by slot, so entries due together fire together (as GLib
 * dispatches all ready sources of an iteration before GJS runs promise
 * jobs); then promise reactions settle (see jobs.ts), so a reaction always
 * runs before a chained entry (one added by a callback, e.g. a zero-delay
 * chain) fires. Rounds go on while entries are due, for at most one time
 * slice ({@link SLICE_SECONDS}); a round is cut short there too. Then the
 * source fires again in the next iteration, after GJS settled the
 * reactions and GLib polled, so a burst of timers never starves IO or
 * promise reactions.
 *
 * Four facts this file handles:
 * - A GLib timeout holds its delay in a `guint` of milliseconds (49 days):
 *   the source is armed for at most {@link MAX_AIM_SECONDS} and, when it
 *   fires before the earliest deadline, fires nothing and is re-aimed, so a
 *   timer of any length (a 30-day timer, say) works and never fires early.
 * - GLib never re-dispatches a source that is dispatching, so a nested loop
 *   started from a timer callback would see no timers: {@link Scheduler.nestedLoop}
 *   arms a fresh source for it.
 * - GJS 1.74 may refuse to run the source's callback during an incremental
 *   GC, and GLib then drops the source: the source is a notifier `Source`
 *   (source.ts), which the loop's re-arm phase looks up once the earliest
 *   deadline is overdue and re-arms.
 * - The clock can be replaced (clock.ts, the specs' fake clock): then the
 *   source is aimed only at deadlines the clock has reached, and re-aimed
 *   whenever the clock says it moved.
 */
import GLib from 'gi://GLib';
import { isClockInjected, msUntil, now, onClockMoved, preciseNow, systemNow } from './clock.js';
import { canDrainPromiseJobs, drainPromiseJobs } from './jobs.js';
import { Source } from './source.js';
import { addIdle, addTimeout, addTimeoutSeconds, reportException } from './sources.js';
import { DEADLINE, entryAt, PLACE, type ScheduledEntry } from './entry.js';
import { TimerWheel } from './timer-wheel.js';

export { entryAt, type ScheduledEntry };

/**
 * {@link entryAt} `seconds` from now.
 * @param seconds - the delay (Infinity for an entry that never falls due).
 * @param fire - what to do then.
 * @returns the entry.
 * @example
 * scheduler.add(entryIn(0.5, () => cancellable.cancel()));
 */
export function entryIn(seconds: number, fire: () => void): ScheduledEntry {
    return entryAt(now() + seconds, fire);
}

/** The longest delay the GLib source is armed with: 2**31 - 1 ms (about 24.8 days). */
export const MAX_AIM_SECONDS = 2147483.647;

/** How long one dispatch may keep firing before other sources get their turn. */
export const SLICE_SECONDS = 0.002;

/** A timer wheel behind a single GLib timeout source. */
export class Scheduler {
    readonly #wheel = new TimerWheel(now);
    readonly #coarse: boolean;
    readonly #maxAim: number;
    #seq = 0;
    /** The one GLib timeout: whole seconds when {@link #seconds}, else ms. */
    readonly #source: Source;
    #seconds = false;
    /** The deadline the source is aimed at (Infinity when none). */
    #aimedAt = Infinity;
    /** The interval (ms or s) the current source repeats with. */
    #interval = -1;
    #dispatchingId = 0;
    /** The source fired since the re-arm phase last looked: it exists (or was re-aimed). */
    #firedInIteration = false;
    #sliceEnd = 0;
    /** The time of the round being fired (-Infinity when none): an entry due by then goes to the ready queue. */
    #roundTime = -Infinity;
    /** Time slices are real time, whatever clock the deadlines are on. */
    readonly #cut = () => systemNow() > this.#sliceEnd;

    /**
     * @param coarse - use whole-second GLib timeouts (grouped by GLib to save power).
     * @param maxAim - the longest delay, in seconds, the GLib source is armed with (tests shorten it).
     */
    constructor(coarse = false, maxAim = MAX_AIM_SECONDS) {
        this.#coarse = coarse;
        this.#maxAim = maxAim;
        this.#source = new Source({
            kind: coarse ? 'timers-coarse' : 'timers',
            attach: dispatch => this.#seconds ?
                addTimeoutSeconds(this.#interval, dispatch, GLib.PRIORITY_DEFAULT, 'timers-coarse') :
                addTimeout(this.#interval, dispatch, GLib.PRIORITY_DEFAULT, 'timers'),
            callback: this.#onTimeout,
            suspect: () => this.#overdue(),
        });
        onClockMoved(() => {
            this.#wheel.rebase(now());
            if (!this.#dispatchingId && this.#wheel.size)
                this.#aim();
        });
    }

    /** The number of scheduled entries. */
    get size(): number {
        return this.#wheel.size;
    }

    /** The id of the GLib source behind the wheel (0 when none); for diagnostics and tests. */
    get sourceId(): number {
        return this.#source.id;
    }

    /** The delay the GLib source was last armed with (ms; whole seconds when coarse), or -1; for diagnostics and tests. */
    get armedDelay(): number {
        return this.#source.active ? this.#interval : -1;
    }

    /** The earliest deadline, or Infinity. */
    get next(): number {
        return this.#wheel.earliest();
    }

    /** Schedules `entry` at its deadline. An entry is scheduled at most once. */
    add(entry: ScheduledEntry): void {
        if (entry[PLACE] >= 0)
            throw new Error('kaa scheduler: entry is already scheduled');
        const seq = this.#seq++;
        const deadline = entry[DEADLINE];
        if (this.#dispatchingId && deadline <= this.#roundTime) {
            this.#wheel.addReady(entry, seq);
            return;
        }
        this.#wheel.add(entry, seq);
        if (deadline < this.#aimedAt && !this.#dispatchingId)
            this.#aim(deadline);
    }

    /** Unschedules `entry`; returns false if it was not scheduled. */
    remove(entry: ScheduledEntry): boolean {
        if (!this.#wheel.remove(entry))
            return false;
        if (!this.#wheel.size && !this.#dispatchingId)
            this.#disarm();
        return true;
    }

    /** Called by the loop when a nested loop begins: a dispatching source cannot fire again until it returns. */
    nestedLoop(): void {
        if (!this.#dispatchingId)
            return;
        const wasCurrent = this.#source.id === this.#dispatchingId;
        this.#dispatchingId = 0;
        if (wasCurrent) {
            this.#source.detach();
            this.#aimedAt = Infinity;
            if (this.#wheel.size)
                this.#aim();
        }
    }

    /**
     * Whether the source should have fired by now (the re-arm phase then
     * looks it up): not when it fired since the last look, nor while it
     * dispatches, nor before the earliest deadline.
     */
    #overdue(): boolean {
        if (this.#firedInIteration) {
            this.#firedInIteration = false;
            return false;
        }
        if (!this.#wheel.size || this.#dispatchingId)
            return false;
        // The source may legitimately fire a little before the deadline (ms
        // rounding; whole seconds when coarse): look once it could have fired.
        const slack = this.#coarse ? 1 : 0.002;
        return this.#wheel.earliest() - slack <= now();
    }

    /** Aims the source at `deadline` (default: the earliest one). */
    #aim(deadline = this.#wheel.earliest()): void {
        this.#source.stop();
        this.#aimedAt = deadline;
        const ms = msUntil(deadline);
        if (ms === null)
            return; // an injected clock that has not reached it: it says when it moves
        this.#seconds = this.#coarse && !isClockInjected();
        this.#interval = this.#seconds ? Math.max(1, Math.ceil(Math.min(ms / 1000, this.#maxAim))) : Math.min(ms, this.#maxAimMs);
        this.#source.start();
    }

    /** {@link MAX_AIM_SECONDS} (or the constructor's `maxAim`) in whole ms. */
    get #maxAimMs(): number {
        return Math.floor(this.#maxAim * 1000);
    }

    #disarm(): void {
        this.#source.stop();
        this.#aimedAt = Infinity;
    }

    readonly #onTimeout = (): boolean => {
        const id = this.#source.id;
        const outer = this.#dispatchingId;
        // A precise read (one GI call per dispatch): now() may lag by up to
        // 1 ms, and entries really due would then wait while the 0 ms source
        // spins through GLib iterations until the cached clock catches up.
        const t = preciseNow();
        this.#dispatchingId = id;
        this.#firedInIteration = true;
        const outerRound = this.#roundTime;
        let cut = false;
        try {
            cut = this.#fireDue(t);
        } finally {
            this.#roundTime = outerRound;
            this.#wheel.flushReady();
            this.#dispatchingId = outer;
        }
        if (this.#source.id !== id)
            return false;
        if (!this.#wheel.size) {
            this.#aimedAt = Infinity;
            return false;
        }
        // Measured from the dispatch start, in whole ms rounded up: a 0 ms
        // source aimed at a deadline still ahead would spin through GLib
        // iterations until it passes. GLib may still fire a kept source
        // early (it counts from the iteration's start); fireDue re-checks
        // with the clock, so nothing fires early. The delay is capped at
        // maxAim: a source that fires before the deadline fires nothing and
        // comes back here.
        const deadline = cut ? t : this.#wheel.earliest();
        let interval = msUntil(deadline, t);
        if (interval !== null && !isClockInjected()) {
            interval = this.#coarse ? Math.max(1, Math.ceil(Math.min(interval / 1000, this.#maxAim))) :
                Math.min(interval, this.#maxAimMs);
        }
        if (interval === this.#interval) {
            this.#aimedAt = deadline;
            return true;
        }
        this.#source.detach(); // it ends when this returns false: no source_remove()
        this.#aim(deadline);
        return false;
    };

    /**
     * Fires in rounds (see the module doc) until nothing is due or the time
     * slice is over; returns true when it stopped with entries still due.
     */
    #fireDue(t: number): boolean {
        const wheel = this.#wheel;
        const id = this.#dispatchingId;
        this.#sliceEnd = systemNow() + SLICE_SECONDS;
        let limit = this.#seq;
        for (;;) {
            this.#roundTime = t;
            const seqBefore = this.#seq;
            if (wheel.fireReady(limit, this.#cut, reportException))
                return true;
            if (this.#source.id !== id)
                return false;
            let k = wheel.firstDue(t);
            while (k >= 0) {
                if (wheel.fireSlot(k, t, limit, this.#cut, reportException))
                    return true;
                if (this.#source.id !== id)
                    return false;
                k = wheel.nextDue(k, t);
            }
            // Nothing was added: what is left was not due when the round began.
            if (!canDrainPromiseJobs || this.#seq === seqBefore)
                return false;
            drainPromiseJobs();
            if (this.#source.id !== id)
                return false;
            t = now();
            if ((isClockInjected() ? systemNow() : t) > this.#sliceEnd)
                return wheel.firstDue(t) >= 0;
            limit = this.#seq;
        }
    }
}

/** The scheduler every kaa timer uses. */
export const scheduler = new Scheduler();
/** The scheduler of `{coarse: true}` timers (whole seconds, grouped by GLib). */
export const coarseScheduler = new Scheduler(true);

/** Deferred calls: run once, from the loop, in the next iteration, in the order queued. */
class DeferredQueue {
    #queue: (() => void)[] = [];
    #draining = false;
    /** One idle source while calls wait; re-armed by the loop's re-arm phase if GJS drops it. */
    readonly #source: Source = new Source({
        kind: 'deferred',
        attach: (dispatch, kind) => addIdle(dispatch, GLib.PRIORITY_DEFAULT, kind),
        callback: () => this.#drain(),
        suspect: () => this.#queue.length > 0 && !this.#draining,
    });

    get size(): number {
        return this.#queue.length;
    }

    push(fn: () => void): void {
        this.#queue.push(fn);
        this.#source.start();
    }

    clear(): void {
        this.#queue = [];
        if (!this.#draining)
            this.#source.stop();
    }

    nestedLoop(): void {
        if (this.#draining) {
            this.#draining = false;
            this.#source.detach();
            if (this.#queue.length)
                this.#source.start();
        }
    }

    #drain(): boolean {
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
        return this.#queue.length > 0;
    }
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
