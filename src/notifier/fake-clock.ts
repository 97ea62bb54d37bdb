/**
 * A fake clock for specs (Trio's `MockClock`): once installed, kaa's
 * monotonic and wall clocks (clock.ts) stand still until the spec moves
 * them, so timer specs run without real sleeps and can expect exact times.
 *
 * - {@link FakeClock.advance} moves both clocks; every timer whose deadline
 *   it passes becomes due and fires in the next loop iteration(s), in
 *   deadline order, at the fake time its deadline names... or later, when
 *   the spec advances past several deadlines at once.
 * - `autojump: true` moves the clock by itself: whenever the loop has
 *   nothing else ready (an idle source at `PRIORITY_DEFAULT_IDLE`), it jumps
 *   to the earliest deadline. `main.loop(cond, 5)` then runs a whole timer
 *   scenario at once, and its 5 s timeout is fake too. Only for work that
 *   timers alone drive: a real process or socket is not "ready" while it
 *   works, so the clock would jump past its timeouts.
 * - {@link FakeClock.setWall} steps the wall clock alone (an administrator
 *   or NTP setting the time; a jump over a DST change), as AtTimer sees it.
 *
 * Not part of the public API (index.ts does not export it): specs import it
 * from src/. Install it with nothing scheduled and uninstall it in an
 * `afterEach`.
 * @example
 * const clock = new FakeClock({ autojump: true }).install();
 * try {
 *     timer.start(60);
 *     main.loop(() => timer.active, 120);   // returns at once: 60 fake seconds passed
 * } finally {
 *     clock.uninstall();
 * }
 */
import GLib from 'gi://GLib';
import { clockMoved, isClockInjected, setClock, systemNow, type Clock } from './clock.js';
import { coarseScheduler, scheduler } from './scheduler.js';
import { addIdle, removeSource } from './sources.js';

/** Options of {@link FakeClock}. */
export interface FakeClockOptions {
    /**
     * The monotonic time to start at, in seconds.
     * @default the system's monotonic time now
     */
    start?: number;
    /**
     * The wall-clock time to start at: a `Date` or milliseconds since the epoch.
     * @default `Date.now()`
     */
    wall?: Date | number;
    /**
     * Jump to the earliest deadline whenever the loop has nothing else to do.
     * @default false
     */
    autojump?: boolean;
}

function checkNumber(name: string, value: unknown): asserts value is number {
    if (typeof value !== 'number' || !Number.isFinite(value))
        throw new TypeError(`\`${name}\` must be a finite number (got ${String(value)})`);
}

/** A clock that moves only when told to (or, with `autojump`, when the loop is idle). */
export class FakeClock implements Clock {
    #now: number;
    /** Wall time minus monotonic time, in ms. */
    #wallOffset: number;
    #autojump: boolean;
    #jumpId = 0;
    #installed = false;

    /**
     * Creates an uninstalled fake clock.
     * @param options - where both clocks start, and whether the clock jumps by itself.
     * @throws TypeError for a start that is not a finite number or a valid Date.
     */
    constructor(options: FakeClockOptions = {}) {
        const start = options.start ?? systemNow();
        const wall = options.wall instanceof Date ? options.wall.getTime() : options.wall ?? Date.now();
        checkNumber('start', start);
        checkNumber('wall', wall);
        this.#now = start;
        this.#wallOffset = wall - start * 1000;
        this.#autojump = options.autojump ?? false;
    }

    /** Whether the clock jumps to the earliest deadline when the loop is idle. */
    get autojump(): boolean {
        return this.#autojump;
    }

    set autojump(on: boolean) {
        this.#autojump = on;
        if (!on)
            this.#cancelJump();
        else if (this.#installed)
            clockMoved();
    }

    /** Makes this kaa's clock. @throws Error when another clock is installed. */
    install(): this {
        if (isClockInjected())
            throw new Error('FakeClock.install(): another clock is installed (uninstall it first)');
        if (scheduler.size || coarseScheduler.size)
            throw new Error('FakeClock.install(): timers are scheduled on the system clock (stop them first)');
        this.#installed = true;
        setClock(this);
        return this;
    }

    /** Gives kaa the system clock back; harmless twice. */
    uninstall(): void {
        this.#cancelJump();
        if (!this.#installed)
            return;
        this.#installed = false;
        setClock(null);
    }

    /** The fake monotonic time, in seconds. */
    now(): number {
        return this.#now;
    }

    /** The fake wall-clock time, in ms since the epoch. */
    wallNow(): number {
        return this.#now * 1000 + this.#wallOffset;
    }

    /** 0 once the fake time reached `deadline`, else `null` (arming the jump with `autojump`). */
    delayMs(deadline: number): number | null {
        if (deadline <= this.#now)
            return 0;
        if (this.#autojump && !this.#jumpId && this.#installed)
            this.#jumpId = addIdle(this.#jump, GLib.PRIORITY_DEFAULT_IDLE, 'fake-clock');
        return null;
    }

    /**
     * Moves both clocks forward by `seconds`; timers due by then fire when
     * the loop next iterates.
     * @throws TypeError unless `seconds` is a finite number >= 0.
     * @example
     * clock.advance(0.5); main.loop(() => !fired, 1);
     */
    advance(seconds: number): void {
        checkNumber('seconds', seconds);
        if (seconds < 0)
            throw new TypeError(`\`seconds\` must be >= 0: a monotonic clock never goes back (got ${seconds})`);
        this.#now += seconds;
        clockMoved();
    }

    /**
     * Sets the wall clock alone (the monotonic clock, and so every plain
     * timer, does not move), as an administrator or NTP does.
     * @param wall - the new wall time: a `Date` or ms since the epoch.
     * @example
     * clock.setWall(new Date('2026-03-29T00:59:00Z'));
     */
    setWall(wall: Date | number): void {
        const ms = wall instanceof Date ? wall.getTime() : wall;
        checkNumber('wall', ms);
        this.#wallOffset = ms - this.#now * 1000;
        clockMoved();
    }

    #cancelJump(): void {
        if (this.#jumpId)
            removeSource(this.#jumpId);
        this.#jumpId = 0;
    }

    readonly #jump = (): boolean => {
        this.#jumpId = 0;
        const next = Math.min(scheduler.next, coarseScheduler.next);
        if (next > this.#now && next < Infinity && this.#autojump && this.#installed)
            this.advance(next - this.#now);
        return false;
    };
}
