/**
 * `AtTimer` and `OneShotAtTimer`: callbacks at wall-clock times ("every day
 * at 03:30", "every 15 minutes on the quarter"), plus {@link nextAtTime},
 * the pure function that finds the next matching time.
 *
 * Wall-clock time and the monotonic clock kaa's scheduler runs on drift
 * apart: daylight saving time changes the local time, and an administrator
 * or NTP may set the system clock. An AtTimer therefore aims a monotonic
 * scheduler entry at its target, waits at most {@link MAX_WAIT} seconds at a
 * time, and when the entry fires checks the wall clock (`Date.now()`, or the
 * injected clock's: clock.ts): it calls back only if
 * the wall clock really reached the target, and otherwise recomputes the
 * target from the current wall time and aims again. A clock set forward past
 * several targets fires once (no burst); a clock set back by more than a
 * minute lets matching times fire again as the clock reaches them.
 *
 * Local time is computed with GLib (`GLib.TimeZone`, `GLib.DateTime`), so a
 * timer may also run in another zone (`{timeZone: 'Europe/Berlin'}`). When
 * DST begins, a wall time in the skipped hour does not occur and does not
 * fire that day; when DST ends, a wall time that occurs twice fires once, at
 * its second occurrence (GLib resolves an ambiguous local time to standard
 * time).
 * @module
 */
import GLib from 'gi://GLib';
import { requireFunction } from '../notifier/callable.js';
import { isPlainObject } from '../notifier/check.js';
import { now, wallNow } from '../notifier/clock.js';
import { creationStack, printCreationStack } from '../notifier/debug.js';
import { describeValue } from '../notifier/errors.js';
import { DEADLINE } from '../notifier/entry.js';
import { entryAt, scheduler, type ScheduledEntry } from '../notifier/scheduler.js';
import type { TimerCallback } from './timer.js';

/** The longest an AtTimer waits on the monotonic clock before it checks the wall clock again, in seconds. */
export const MAX_WAIT = 60;
/** A set-back of the wall clock smaller than this (ms) never makes a time fire twice. */
const SETBACK_SLACK_MS = 60_000;
/** How many days ahead {@link nextAtTime} looks (DST gaps or a skipped date can empty a day). */
const SEARCH_DAYS = 8;

/** When an {@link AtTimer} fires: local wall-clock hours, minutes and seconds, each a number or a list. */
export interface AtTimerSpec {
    /**
     * Hours 0–23.
     * @default every hour
     */
    hours?: number | readonly number[];
    /**
     * Minutes 0–59.
     * @default every minute
     */
    minutes?: number | readonly number[];
    /**
     * Seconds 0–59.
     * @default 0
     */
    seconds?: number | readonly number[];
    /**
     * The zone the wall-clock fields are in: a `GLib.TimeZone` or an
     * identifier GLib knows (`'Europe/Berlin'`, `'UTC'`, a POSIX TZ string).
     * @default the local time zone
     */
    timeZone?: GLib.TimeZone | string;
}

interface Schedule {
    hours: number[];
    minutes: number[];
    seconds: number[];
    zone: GLib.TimeZone | null;
}

const KEYS = new Set(['hours', 'minutes', 'seconds', 'timeZone']);
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const EVERY_HOUR = range(24);
const EVERY_MINUTE = range(60);

function field(name: string, value: unknown, max: number, fallback: number[]): number[] {
    if (value === undefined)
        return fallback;
    const bad = (v: unknown) => typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max;
    if (Array.isArray(value)) {
        if (value.length === 0)
            throw new TypeError(`\`${name}\` must not be an empty array`);
        const at = value.findIndex(bad);
        if (at >= 0) {
            throw new TypeError(`\`${name}\` must hold integers from 0 to ${max} ` +
                `(got ${describeValue(value[at])} at index ${at})`);
        }
        return [...new Set(value as number[])].sort((a, b) => a - b);
    }
    if (bad(value))
        throw new TypeError(`\`${name}\` must be an integer from 0 to ${max} or an array of them (got ${describeValue(value)})`);
    return [value as number];
}

function zoneOf(value: unknown): GLib.TimeZone | null {
    if (value === undefined)
        return null;
    if (value instanceof GLib.TimeZone)
        return value;
    const zone = typeof value === 'string' ? GLib.TimeZone.new_identifier(value) : null;
    if (zone === null)
        throw new TypeError(`\`timeZone\` must be a GLib.TimeZone or a time zone identifier GLib knows (got ${describeValue(value)})`);
    return zone;
}

/** Validates a spec into sorted, de-duplicated lists. */
function parseSpec(spec: AtTimerSpec): Schedule {
    if (!isPlainObject(spec))
        throw new TypeError(`the AtTimer spec must be an object like {hours, minutes, seconds} (got ${describeValue(spec)})`);
    for (const key of Object.keys(spec)) {
        if (!KEYS.has(key))
            throw new TypeError(`unknown AtTimer field ${describeValue(key)} (expected hours, minutes, seconds or timeZone)`);
    }
    return {
        hours: field('hours', spec.hours, 23, EVERY_HOUR),
        minutes: field('minutes', spec.minutes, 59, EVERY_MINUTE),
        seconds: field('seconds', spec.seconds, 59, [0]),
        zone: zoneOf(spec.timeZone),
    };
}

/**
 * The first matching wall time strictly after `fromMs` (epoch ms), in epoch
 * ms. Walks the calendar of the zone day by day and tries only field
 * combinations not before `fromMs`'s own, so it builds one or two
 * `GLib.DateTime`s in the usual case.
 */
function nextMatch(fromMs: number, schedule: Schedule): number {
    const zone = schedule.zone ?? GLib.TimeZone.new_local();
    const startUnix = Math.floor(fromMs / 1000) + 1;
    const base = GLib.DateTime.new_from_unix_utc(startUnix)?.to_timezone(zone);
    if (!base)
        throw new TypeError(`the time to search from is out of GLib's range (got ${describeValue(fromMs)} ms)`);
    const [y, mo, d] = base.get_ymd();
    const bh = base.get_hour(), bm = base.get_minute(), bs = base.get_second();
    for (let day = 0; day < SEARCH_DAYS; day++) {
        const date = new Date(Date.UTC(y, mo - 1, d + day));
        const [cy, cmo, cd] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
        for (const h of schedule.hours) {
            if (day === 0 && h < bh)
                continue;
            for (const m of schedule.minutes) {
                if (day === 0 && h === bh && m < bm)
                    continue;
                for (const s of schedule.seconds) {
                    if (day === 0 && h === bh && m === bm && s < bs)
                        continue;
                    const t = GLib.DateTime.new(zone, cy, cmo, cd, h, m, s);
                    // Null for a date that does not exist; other fields for a time in a DST gap.
                    if (t === null || t.get_hour() !== h || t.get_minute() !== m || t.get_day_of_month() !== cd)
                        continue;
                    const unix = t.to_unix();
                    if (unix >= startUnix)
                        return unix * 1000;
                }
            }
        }
    }
    throw new Error(`kaa: no wall time matches the AtTimer spec within ${SEARCH_DAYS} days`);
}

/**
 * Computes the next wall-clock time strictly after `from` that matches
 * `spec`, as an AtTimer would: a pure function of its arguments (and of the
 * local zone when `spec.timeZone` is not given).
 * @param from - the time to search from (not itself a result).
 * @param spec - hours, minutes, seconds (numbers or arrays) and an optional `timeZone`.
 * @returns the next matching time, whole seconds.
 * @throws TypeError for a bad `from` or spec (a field out of range, an unknown field or zone).
 * @example
 * nextAtTime(new Date(2026, 0, 1, 12, 10), { minutes: [0, 30] }); // 2026-01-01 12:30:00 local
 * nextAtTime(new Date('2026-03-29T00:30:00Z'), { hours: 2, minutes: 30, timeZone: 'Europe/Berlin' });
 * // 2026-03-30 02:30 CEST: 02:30 does not exist in Berlin on the 29th
 */
export function nextAtTime(from: Date, spec: AtTimerSpec = {}): Date {
    if (!(from instanceof Date) || Number.isNaN(from.getTime()))
        throw new TypeError(`\`from\` must be a valid Date (got ${describeValue(from)})`);
    return new Date(nextMatch(from.getTime(), parseSpec(spec)));
}

let markOneShot: <A extends unknown[]>(timer: AtTimer<A>) => void;

/**
 * A timer that calls `callback(...args)` at every local wall-clock time that
 * matches its spec, until stopped or the callback returns `false`.
 * @example
 * const backup = new AtTimer(() => runBackup());
 * backup.start({ hours: 3, minutes: 30 });       // every day at 03:30:00
 * new AtTimer(() => print('quarter')).start({ minutes: [0, 15, 30, 45] });
 * print(backup.next);                            // a Date
 */
export class AtTimer<Args extends unknown[] = unknown[]> {
    readonly #fn: (...args: unknown[]) => unknown;
    readonly #args: unknown[];
    readonly #entry: ScheduledEntry;
    #schedule: Schedule | null = null;
    /** The wall time (epoch ms) of the next call. */
    #target = 0;
    /** The wall time (epoch ms) last fired, so a small clock set-back never fires it twice. */
    #lastFired = -Infinity;
    #generation = 0;
    #oneShot = false;
    /** Where it was made, in debug mode (else `null`). */
    readonly #createdAt: string | null;

    static {
        markOneShot = timer => {
            timer.#oneShot = true;
        };
    }

    /**
     * Creates a stopped timer.
     * @param callback - called with `args` at each matching time; return `false` to stop.
     * @param args - arguments bound to every call.
     * @throws TypeError when `callback` is not a function.
     */
    constructor(callback: TimerCallback<Args>, ...args: Args) {
        requireFunction('callback', callback);
        this.#createdAt = creationStack(1);
        this.#fn = callback as (...a: unknown[]) => unknown;
        this.#args = args;
        this.#entry = entryAt(0, () => this.#fire());
    }

    /** True from `start()` until `stop()`, a `false` return or an exception. */
    get active(): boolean {
        return this.#schedule !== null;
    }

    /** When the timer fires next (during its callback: the time being fired), or `null` while stopped. */
    get next(): Date | null {
        return this.#schedule === null ? null : new Date(this.#target);
    }

    /**
     * Starts the timer, or restarts it with a new spec if it is active.
     * @param spec - `{hours, minutes, seconds}`, each a number or an array
     *   (default: every hour, every minute, second 0), and `timeZone`.
     * @throws TypeError for a field out of range, an empty array, an unknown field or time zone.
     * @example
     * timer.start({ hours: [8, 20], minutes: 0 });   // 08:00:00 and 20:00:00
     * timer.start();                                  // every minute, at second 0
     */
    start(spec: AtTimerSpec = {}): void {
        const schedule = parseSpec(spec);
        scheduler.remove(this.#entry);
        this.#schedule = schedule;
        this.#generation++;
        this.#lastFired = -Infinity;
        this.#aim(wallNow());
    }

    /**
     * Stops the timer; harmless if it is not active.
     * @example
     * timer.stop();
     */
    stop(): void {
        scheduler.remove(this.#entry);
        this.#schedule = null;
        this.#generation++;
    }

    /**
     * Aims the entry at the next match after `wall` (epoch ms), waiting at
     * most MAX_WAIT seconds. `pending`, a target not reached yet, is kept
     * unless the new search finds an earlier one (the clock was set back):
     * searching again from a wall time inside the hour DST repeats would
     * otherwise skip the repeated hour's second occurrence.
     */
    #aim(wall: number, pending = Infinity): void {
        const schedule = this.#schedule as Schedule;
        const from = wall >= this.#lastFired - SETBACK_SLACK_MS ? Math.max(wall, this.#lastFired) : wall;
        this.#target = Math.min(nextMatch(from, schedule), pending > wall ? pending : Infinity);
        const wait = Math.min((this.#target - wall) / 1000, MAX_WAIT);
        this.#entry[DEADLINE] = now() + Math.max(wait, 0);
        scheduler.add(this.#entry);
    }

    #call(): unknown {
        try {
            return this.#fn.apply(undefined, this.#args);
        } catch (error) {
            this.stop();
            printCreationStack('the AtTimer whose callback threw', this.#createdAt);
            throw error;
        }
    }

    #fire(): void {
        const wall = wallNow();
        if (wall < this.#target) {
            this.#aim(wall, this.#target);
            return;
        }
        this.#lastFired = this.#target;
        if (this.#oneShot) {
            this.stop();
            this.#call();
            return;
        }
        const generation = this.#generation;
        const result = this.#call();
        if (generation !== this.#generation)
            return;
        if (result === false) {
            this.stop();
            return;
        }
        this.#aim(wallNow());
    }
}

/**
 * An {@link AtTimer} that fires once, at the next matching time; it is
 * stopped before its callback runs, so the callback may start it again.
 * @example
 * new OneShotAtTimer(() => print('good morning')).start({ hours: 7, minutes: 0 });
 */
export class OneShotAtTimer<Args extends unknown[] = unknown[]> extends AtTimer<Args> {
    /**
     * Creates a stopped one-shot timer.
     * @param callback - called once with `args` at the next matching time.
     * @param args - arguments bound to the call.
     * @throws TypeError when `callback` is not a function.
     */
    constructor(callback: TimerCallback<Args>, ...args: Args) {
        super(callback, ...args);
        markOneShot(this);
    }
}
