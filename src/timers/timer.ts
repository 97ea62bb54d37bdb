/**
 * `Timer`, `OneShotTimer` and their weak variants: callbacks the notifier
 * calls after an interval (kaa.base's `kaa.Timer` family).
 *
 * Every timer is one entry in the notifier's scheduler (a timer wheel behind ONE
 * GLib source, see notifier/scheduler.ts); a timer never owns a GLib source,
 * so a million timers cost a million small objects, not a million GLib
 * closures. Timers due at the same moment fire in the order they were
 * started. A periodic timer is re-aimed from its previous deadline, so it
 * does not drift, but a period it missed (a long callback, a busy loop) is
 * skipped rather than fired in a burst.
 *
 * A callback returns `false` to stop its timer; anything else (including
 * `undefined`) keeps a periodic timer going. A callback that throws stops its
 * timer, and the exception reaches `kaa.signals.exception`.
 * @module
 */
import { WeakCallable, requireFunction, type WeakMethod } from '../notifier/callable.js';
import { now } from '../notifier/clock.js';
import { MAX_SECONDS, checkOptionsObject, checkSeconds as checkSecondsRange } from '../notifier/check.js';
import { creationStack, printCreationStack } from '../notifier/debug.js';
import { describeValue } from '../notifier/errors.js';
import { DEADLINE, FIRE, PLACE, type ScheduledEntry } from '../notifier/entry.js';
import { coarseScheduler, scheduler, type Scheduler } from '../notifier/scheduler.js';

/** A timer callback: gets the arguments bound at construction; returns `false` to stop. */
export type TimerCallback<Args extends unknown[] = unknown[]> = (...args: Args) => unknown;

/** Options of {@link Timer.start}. */
export interface TimerStartOptions {
    /**
     * Call the callback once, synchronously, before waiting for the first
     * interval (its exception, if any, is thrown by `start()`).
     * @default false
     */
    now?: boolean;
    /**
     * Use whole-second GLib timeouts, which GLib groups with other wakeups of
     * the system to save power: the timer may fire up to a second late. The
     * interval must then be a whole number of seconds >= 1.
     * @default false
     */
    coarse?: boolean;
}

/**
 * Throws unless `value` is a number of seconds from 0 to 2**32 - 1 (see notifier/check.ts).
 * @param name - the argument's name, e.g. `'interval'`.
 * @param value - the value received.
 * @throws TypeError `` `interval` must be a finite number >= 0 (got -1) ``;
 *   RangeError `` `interval` must be from 0 to 4294967295 seconds (got 1e+300) ``.
 * @example
 * checkSeconds('interval', interval);
 * @internal
 */
export const checkSeconds: (name: string, value: unknown) => asserts value is number = checkSecondsRange;

/** Validates `start()`'s options and returns the scheduler they ask for. */
function schedulerFor(interval: number, options: TimerStartOptions): Scheduler {
    checkOptionsObject('start()', options, ['now', 'coarse']);
    if (!options.coarse)
        return scheduler;
    if (!Number.isInteger(interval) || interval < 1) {
        throw new TypeError('`interval` must be a whole number of seconds >= 1 with {coarse: true} ' +
            `(got ${describeValue(interval)})`);
    }
    return coarseScheduler;
}

/**
 * The next deadline of a periodic timer: one interval after the previous
 * deadline (no drift), skipping whole periods that have already passed.
 */
function nextDeadline(previous: number, interval: number): number {
    const next = previous + interval;
    const t = now();
    if (next >= t)
        return next;
    return interval > 0 ? next + Math.ceil((t - next) / interval) * interval : t;
}

/** The timer's own fields (symbol keys, like its entry's: see notifier/entry.ts). @internal */
export const INTERVAL: unique symbol = Symbol('kaa.interval');
/** @internal */
export const SCHEDULER: unique symbol = Symbol('kaa.scheduler');
/** @internal */
export const WEAK: unique symbol = Symbol('kaa.weak');
/** @internal */
export const FN: unique symbol = Symbol('kaa.fn');
/** @internal */
export const ARGS: unique symbol = Symbol('kaa.args');
/** @internal */
export const CREATED_AT: unique symbol = Symbol('kaa.createdAt');
/** Set on the prototype of the one-shot classes (inherited by subclasses), read when the timer fires. @internal */
export const ONE_SHOT: unique symbol = Symbol('kaa.oneShot');

/**
 * Whether the callback that just ran restarted or stopped `timer` (it is
 * active but out of the scheduler while its callback runs, so a start()
 * leaves it scheduled and a stop() leaves it inactive, whatever else
 * happened in between).
 */
function restartedOrStopped(timer: Timer<unknown[]>): boolean {
    return timer[PLACE] >= 0 || timer[INTERVAL] === null;
}

/** Calls `timer`'s callback; a throwing callback leaves its timer stopped. */
function callTimer(timer: Timer<unknown[]>): unknown {
    const fn = timer[FN];
    const args = timer[ARGS];
    try {
        return args === null ? fn() : fn(...args);
    } catch (error) {
        timer.stop();
        printCreationStack('the timer whose callback threw', timer[CREATED_AT]);
        throw error;
    }
}

/**
 * A periodic timer: once started, calls `callback(...args)` every `interval`
 * seconds until it is stopped or the callback returns `false`.
 * @example
 * const tick = new Timer((name: string) => { print(`tick ${name}`); }, 'a');
 * tick.start(0.5);            // "tick a" every half second
 * tick.start(2);              // restarted: now every 2 s
 * tick.stop();
 */
export class Timer<Args extends unknown[] = unknown[]> implements ScheduledEntry {
    // A timer is its own scheduler entry: one object per timer. Its fields
    // are symbol-keyed (see notifier/entry.ts), declared only (no class
    // fields emitted: SpiderMonkey 102 defines those slower, and a burst
    // makes 100k timers) and assigned in the constructor in one order, so
    // every timer of a class has one shape. A plain timer has 4 own fields
    // (deadline, place, interval, callback): SpiderMonkey 102 makes `this`
    // with 4 inline slots, and a 5th field adds a slots buffer (twice the
    // bytes per timer, and a burst's minor GCs copy every byte).
    /** @internal */
    declare [DEADLINE]: number;
    /** @internal */
    declare [PLACE]: number;
    /** The running interval, `null` while stopped. @internal */
    declare [INTERVAL]: number | null;
    /** @internal */
    declare [SCHEDULER]: Scheduler;
    /** @internal */
    declare [WEAK]: WeakCallable | null;
    /** @internal */
    declare readonly [FN]: (...args: unknown[]) => unknown;
    /** The bound arguments, `null` when there are none (then the callback is called directly). @internal */
    declare readonly [ARGS]: unknown[] | null;
    /** Where the timer was made, in debug mode (else `null`). @internal */
    declare readonly [CREATED_AT]: string | null;
    /** @internal */
    declare readonly [ONE_SHOT]: boolean;

    static {
        // Defaults every timer shares; a timer gets its own value only when
        // it differs (see above).
        const shared: Pick<Timer, typeof SCHEDULER | typeof WEAK | typeof ARGS | typeof CREATED_AT | typeof ONE_SHOT> = this.prototype;
        Object.assign(shared, { [SCHEDULER]: scheduler, [WEAK]: null, [ARGS]: null, [CREATED_AT]: null, [ONE_SHOT]: false });
    }

    /**
     * Creates a stopped timer.
     * @param callback - called with `args` each time the timer fires; return `false` to stop.
     * @param args - arguments bound to every call.
     * @throws TypeError when `callback` is not a function.
     */
    constructor(callback: TimerCallback<Args>, ...args: Args) {
        requireFunction('callback', callback);
        this[DEADLINE] = 0;
        this[PLACE] = -1;
        this[INTERVAL] = null;
        this[FN] = callback as (...a: unknown[]) => unknown;
        if (args.length !== 0)
            this[ARGS] = args;
        const createdAt = creationStack(1);
        if (createdAt !== null)
            this[CREATED_AT] = createdAt;
    }

    /** True from `start()` until `stop()`, a `false` return or an exception (a one-shot timer: until it fires). */
    get active(): boolean {
        return this[INTERVAL] !== null;
    }

    /** The interval in seconds the timer runs with, or `null` while it is stopped. */
    get interval(): number | null {
        return this[INTERVAL];
    }

    /**
     * Starts the timer, or restarts it with the new interval if it is active.
     * A timer whose weak target has died stays stopped.
     * @param interval - seconds between calls, a finite number >= 0 (0: in the next loop iteration).
     * @param options - `{now}` calls the callback once first; `{coarse}` uses whole-second GLib timeouts.
     * @throws TypeError for a bad interval or options; RangeError for an interval above 2**32 - 1 s (the timer is left as it was); whatever the callback throws with `{now: true}`.
     * @example
     * new Timer(() => print('every second, starting now')).start(1, { now: true });
     */
    start(interval: number, options?: TimerStartOptions): void {
        if (typeof interval !== 'number' || !(interval >= 0 && interval <= MAX_SECONDS))
            checkSeconds('interval', interval); // throws, naming what it got
        const target = options === undefined ? scheduler : schedulerFor(interval, options);
        if (this[PLACE] >= 0)
            this[SCHEDULER].remove(this); // a restart (a new timer is not scheduled)
        if (this[WEAK] !== null && !this[WEAK].alive) {
            this.stop();
            return;
        }
        this[INTERVAL] = interval;
        if (target !== this[SCHEDULER])
            this[SCHEDULER] = target;
        if (options?.now) {
            const result = callTimer(this as Timer<unknown[]>);
            if (restartedOrStopped(this as Timer<unknown[]>))
                return;
            if (result === false && !this[ONE_SHOT]) {
                this.stop();
                return;
            }
        }
        this[DEADLINE] = now() + interval;
        target.add(this);
    }

    /**
     * Stops the timer; harmless if it is not active. From inside the callback
     * it keeps the timer from firing again.
     * @example
     * timer.stop();
     * timer.stop(); // nothing happens
     */
    stop(): void {
        this[SCHEDULER].remove(this);
        this[INTERVAL] = null;
    }

    /** Called by the scheduler (the timer is already out of it). @internal */
    [FIRE](): void {
        if (this[WEAK] !== null && !this[WEAK].alive) {
            this.stop();
            return;
        }
        if (this[ONE_SHOT]) {
            this[INTERVAL] = null;
            callTimer(this as Timer<unknown[]>);
            return;
        }
        const result = callTimer(this as Timer<unknown[]>);
        if (restartedOrStopped(this as Timer<unknown[]>))
            return;
        if (result === false) {
            this.stop();
            return;
        }
        this[DEADLINE] = nextDeadline(this[DEADLINE], this[INTERVAL] as number);
        this[SCHEDULER].add(this);
    }
}

/**
 * A timer that fires once: it is stopped before its callback runs (so the
 * callback may start it again), and the callback's return value is ignored.
 * @example
 * new OneShotTimer(() => print('half a second later')).start(0.5);
 */
export class OneShotTimer<Args extends unknown[] = unknown[]> extends Timer<Args> {
    // The constructor is Timer's: `new OneShotTimer(callback, ...args)` makes a
    // stopped one-shot timer (TypeError when `callback` is not a function).
    static {
        (this.prototype as { [ONE_SHOT]: boolean })[ONE_SHOT] = true;
    }
}

/**
 * A periodic timer that calls `method` on `target` (`this = target`) and
 * holds `target` weakly (a {@link WeakCallable}): it stops by itself when the
 * target dies — a GObject target that emits `destroy` (every `Gtk.Widget`),
 * or a target the runtime collected (GJS 1.74 never collects WeakRef
 * targets). The bound `args` are held strongly.
 * @example
 * const blink = new WeakTimer(label, 'set_visible', false);
 * blink.start(1);
 * label.destroy();   // blink.active === false
 */
export class WeakTimer<T extends object = object> extends Timer<[]> {
    /**
     * Creates a stopped weak timer.
     * @param target - the object to call `method` on; held weakly.
     * @param method - a function called with `this = target`, or the name of a method of `target`.
     * @param args - arguments bound to every call (held strongly).
     * @throws TypeError when `target` is not an object or `method` is neither a function nor a method name of it.
     */
    constructor(target: T, method: WeakMethod<T>, ...args: unknown[]) {
        const callable = new WeakCallable<T>(target, method, ...args);
        super(callable);
        callable.onDead = () => this.stop();
        this[WEAK] = callable;
    }
}

/**
 * A one-shot {@link WeakTimer}: fires once, unless its target died first.
 * @example
 * new WeakOneShotTimer(window, 'close').start(30);
 */
export class WeakOneShotTimer<T extends object = object> extends WeakTimer<T> {
    // The constructor is WeakTimer's (`target`, `method`, bound `args`).
    static {
        (this.prototype as { [ONE_SHOT]: boolean })[ONE_SHOT] = true;
    }
}
