/**
 * The one place kaa reads the clock. Every deadline in kaa is a number of
 * seconds on GLib's monotonic clock (`g_get_monotonic_time()`, microseconds),
 * so a changed wall clock never moves a timer. Wall-clock times (AtTimer)
 * read `Date` separately and convert to a monotonic deadline.
 */
import GLib from 'gi://GLib';

let lastWallMs = -1;
let cached = 0;

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
    const ms = Date.now();
    if (ms !== lastWallMs) {
        lastWallMs = ms;
        cached = GLib.get_monotonic_time() / 1e6;
    }
    return cached;
}

/**
 * The monotonic time in seconds, read from GLib now (microsecond resolution).
 * @example
 * const t0 = preciseNow(); work(); print(`took ${preciseNow() - t0} s`);
 */
export function preciseNow(): number {
    lastWallMs = Date.now();
    cached = GLib.get_monotonic_time() / 1e6;
    return cached;
}

/**
 * Whole milliseconds from now until `deadline` (seconds, monotonic), rounded
 * up so a GLib timeout aimed with it never fires before the deadline.
 */
export function msUntil(deadline: number, from = now()): number {
    const ms = Math.ceil((deadline - from) * 1000);
    return ms > 0 ? ms : 0;
}
