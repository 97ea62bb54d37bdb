/**
 * What the scheduler (scheduler.ts) and its timer wheel (timer-wheel.ts)
 * hold: a scheduled entry, keyed by symbols.
 *
 * A `Timer` is its own entry (one object per timer, not a timer plus an
 * entry: a burst of 100k timers allocates a third as much), so the entry's
 * fields live on a public object. Symbol keys keep them off its public face
 * (`Object.keys()`, JSON, the names a user can reach) without the cost of
 * `#private` fields, which SpiderMonkey 102 defines several times slower
 * than plain ones. Every other entry is made by `entryAt()`/`entryIn()`.
 * @module
 */

/** When the entry falls due, in seconds on the monotonic clock (`clock.now()`). */
export const DEADLINE: unique symbol = Symbol('kaa.deadline');
/** Called once when the deadline passes; the entry is out of the scheduler then. */
export const FIRE: unique symbol = Symbol('kaa.fire');
/** Where the scheduler holds it (its bucket and index there, see timer-wheel.ts), -1 when not scheduled. */
export const PLACE: unique symbol = Symbol('kaa.place');

/** What the scheduler holds: a deadline (monotonic seconds) and what to do then. */
export interface ScheduledEntry {
    /** When to fire, in seconds on the monotonic clock (see `clock.now()`). */
    [DEADLINE]: number;
    /** Called once when the deadline passes; the entry is no longer scheduled then. */
    [FIRE](): void;
    /** Where the scheduler holds it; -1 when not scheduled. Managed by the scheduler. */
    [PLACE]: number;
}

/**
 * A new, unscheduled entry: `fire` runs once `deadline` has passed, after
 * the entry is added to a scheduler. The one way entries other than timers
 * are made.
 * @param deadline - monotonic seconds (`clock.now()`).
 * @param fire - what to do then.
 * @returns the entry.
 * @example
 * scheduler.add(entryAt(now() + 5, () => print('5 s later')));
 */
export function entryAt(deadline: number, fire: () => void): ScheduledEntry {
    return { [DEADLINE]: deadline, [PLACE]: -1, [FIRE]: fire };
}
