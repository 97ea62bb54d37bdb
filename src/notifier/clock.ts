/**
 * The one place kaa reads the clock. Every deadline in kaa is a number of
 * seconds on GLib's monotonic clock (`g_get_monotonic_time()`, microseconds),
 * so a changed wall clock never moves a timer. Wall-clock times (AtTimer)
 * read `Date` separately and convert to a monotonic deadline.
 */
import GLib from 'gi://GLib';

/**
 * The current monotonic time in seconds (microsecond resolution).
 * @example
 * const t0 = now(); work(); print(`took ${now() - t0} s`);
 */
export function now(): number {
    return GLib.get_monotonic_time() / 1e6;
}

/**
 * Whole milliseconds from now until `deadline` (seconds, monotonic), rounded
 * up so a GLib timeout aimed with it never fires before the deadline.
 */
export function msUntil(deadline: number, from = now()): number {
    const ms = Math.ceil((deadline - from) * 1000);
    return ms > 0 ? ms : 0;
}
