/**
 * The one place kaa reads the clock. Every deadline in kaa is a number of
 * seconds on GLib's monotonic clock (`g_get_monotonic_time()`, microseconds),
 * so a changed wall clock never moves a timer. Wall-clock times (AtTimer)
 * read {@link wallNow} separately and convert to a monotonic deadline.
 *
 * The clock is injectable: {@link setClock} replaces both clocks with a
 * {@link Clock} of its own (the specs' `FakeClock`, notifier/fake-clock.ts),
 * which then alone says what time it is, and when a deadline is reached.
 * A replaced clock does not move by itself: it calls {@link clockMoved} when
 * it does, and the scheduler re-aims its GLib source then. Code that paces
 * checks of GLib's own state (which real time drives, whatever the clock
 * says) reads {@link systemNow}.
 */
import GLib from 'gi://GLib';

/** A clock kaa can run on instead of the system's (see {@link setClock}). */
export interface Clock {
    /** The monotonic time in seconds. */
    now(): number;
    /** The wall-clock time in milliseconds since the epoch, like `Date.now()`. */
    wallNow(): number;
    /**
     * How many real milliseconds a GLib timeout must wait before this clock
     * reaches `deadline`, or `null` when it never gets there by itself (the
     * clock calls {@link clockMoved} when it moves).
     */
    delayMs(deadline: number): number | null;
}

let lastWallMs = -1;
let cached = 0;
let injected: Clock | null = null;
const movedListeners: (() => void)[] = [];

/**
 * The current monotonic time in seconds.
 *
 * A GI call costs ~0.4 µs on GJS 1.74, more than the rest of starting a
 * timer, so the monotonic clock is read at most once per wall-clock
 * millisecond (`Date.now()` costs ~50 ns and tells when one has passed): the
 * value may lag the real clock by less than 1 ms, which is also GLib's own
 * granularity (GLib aims its timeouts from the iteration's cached time too).
 * Use {@link preciseNow} for measurements.
 * @example
 * const deadline = now() + 0.5;
 */
export function now(): number {
    return injected !== null ? injected.now() : systemNow();
}

/**
 * The monotonic time in seconds, read from GLib now (microsecond resolution).
 * @example
 * const t0 = preciseNow(); work(); print(`took ${preciseNow() - t0} s`);
 */
export function preciseNow(): number {
    if (injected !== null)
        return injected.now();
    lastWallMs = Date.now();
    cached = GLib.get_monotonic_time() / 1e6;
    return cached;
}

/**
 * The wall-clock time in milliseconds since the epoch (`Date.now()`, or the
 * injected clock's).
 * @example
 * const today = new Date(wallNow());
 */
export function wallNow(): number {
    return injected !== null ? injected.wallNow() : Date.now();
}

/**
 * The system's monotonic time in seconds (read like {@link now}: at most
 * once per wall-clock millisecond), even while another clock is injected:
 * for pacing by real time — checks of GLib state, the scheduler's time
 * slices.
 * @example
 * if (systemNow() - checkedAt > 1) recheck();
 */
export function systemNow(): number {
    const ms = Date.now();
    if (ms !== lastWallMs) {
        lastWallMs = ms;
        cached = GLib.get_monotonic_time() / 1e6;
    }
    return cached;
}

/**
 * Whole milliseconds from now until `deadline` (seconds, monotonic), rounded
 * up so a GLib timeout aimed with it never fires before the deadline; `null`
 * when an injected clock does not reach it by itself.
 * @example
 * const ms = msUntil(entry.deadline);
 */
export function msUntil(deadline: number, from = now()): number | null {
    if (injected !== null)
        return injected.delayMs(deadline);
    const ms = Math.ceil((deadline - from) * 1000);
    return ms > 0 ? ms : 0;
}

/**
 * Replaces the clock (`null`: back to the system's). For the specs' fake
 * clock; every deadline scheduled on the old clock is meaningless on the new
 * one, so call it with nothing scheduled.
 * @param clock - the new clock, or `null`.
 * @example
 * setClock(fake); try { ... } finally { setClock(null); }
 * @internal
 */
export function setClock(clock: Clock | null): void {
    injected = clock;
    lastWallMs = -1;
    clockMoved();
}

/** True while {@link setClock} has replaced the system clock. @internal */
export function isClockInjected(): boolean {
    return injected !== null;
}

/**
 * Tells whoever aims at deadlines (the schedulers) that the injected clock
 * moved or changed: they re-aim.
 * @example
 * this.#now += seconds; clockMoved();
 * @internal
 */
export function clockMoved(): void {
    for (const listener of movedListeners)
        listener();
}

/**
 * Calls `listener` whenever the clock moves by other means than time passing.
 * @param listener - re-aims its owner's GLib source.
 * @example
 * onClockMoved(() => this.#reaim());
 * @internal
 */
export function onClockMoved(listener: () => void): void {
    movedListeners.push(listener);
}
