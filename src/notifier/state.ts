/**
 * The notifier's shared state: the global `kaa.signals`, the flags of the
 * loop, the kaa-driven loops running now (frames) and the driver of the
 * current run. The loop and its drivers change it; `sources.ts` routes a
 * callback's exception and wakes a host-driven loop through it. It imports
 * nothing of the loop, so every notifier module may import it.
 */
import { Signals } from './signals.js';

/** The names of the built-in backends (DESIGN.md §3). */
export type BackendName = 'generic' | 'gtk' | 'thread';

/** The global signals: `kaa.signals.init`, `exception`, `shutdown`, `step`, `exit`. */
export type GlobalSignals = Signals<{
    init: [];
    exception: [error: unknown];
    shutdown: [];
    step: [];
    exit: [code: number];
}>;

/**
 * A way of running the loop (backends/: the blocking loop, a
 * `Gio.Application`, a host-owned loop). Each driver has its own `run()`
 * (what it needs differs: argv, an application); the loop's stop and error
 * paths reach the driver of the current run through these.
 */
export interface Driver {
    /** Makes the loop stop soon (the stop or exit code is in the state already). */
    stop(): void;
    /**
     * Makes the loop finish its iteration soon: a kaa callback was dispatched
     * by a loop kaa does not iterate itself (the driver then runs the re-arm
     * and end-of-iteration phases), or a blocking wait should wake.
     */
    wake(): void;
    /** Ends the run with an unhandled callback exception (rethrown by `run()`, or logged). */
    fail(error: unknown): void;
}

/** A kaa-driven loop running now (`run`, `loop`, `step`, `wait`): the innermost takes an unhandled exception. */
export interface Frame {
    /** An unhandled exception a callback raised during this loop's iterations; the loop rethrows it. */
    error: { error: unknown } | null;
}

class LoopState {
    /** `kaa.signals`. */
    readonly signals: GlobalSignals = new Signals<{
        init: [];
        exception: [error: unknown];
        shutdown: [];
        step: [];
        exit: [code: number];
    }>('init', 'exception', 'shutdown', 'step', 'exit');

    backend: BackendName | null = null;
    /** `run()` is active (blocking, or attached to a host loop). */
    running = false;
    /** The driver of the current `run()` (null when none runs). */
    driver: Driver | null = null;
    stopRequested = false;
    exitCode = 0;
    shuttingDown = false;
    stopped = false;
    readonly #frames: Frame[] = [];

    /** kaa-driven loops (run, loop, wait, step) currently nested. */
    get depth(): number {
        return this.#frames.length;
    }

    /** Enters a kaa-driven loop; pair with {@link leave}. */
    enter(): Frame {
        const frame: Frame = { error: null };
        this.#frames.push(frame);
        return frame;
    }

    /** Leaves the innermost kaa-driven loop. */
    leave(frame: Frame): void {
        const i = this.#frames.lastIndexOf(frame);
        if (i >= 0)
            this.#frames.splice(i, 1);
    }

    /** Asks the running loop to stop with `code` (the first request's code wins). */
    requestStop(code: number): void {
        if (!this.stopRequested) {
            this.stopRequested = true;
            this.exitCode = code;
        }
        this.driver?.stop();
    }

    /**
     * The error path of an unhandled callback exception: the innermost
     * kaa-driven loop rethrows it once its iteration returns; else the
     * driver of the running loop ends with it.
     * @returns false when no kaa loop runs (the caller logs it).
     */
    fail(error: unknown): boolean {
        const frame = this.#frames[this.#frames.length - 1];
        if (frame) {
            frame.error ??= { error };
            return true;
        }
        if (this.running && this.driver) {
            this.driver.fail(error);
            return true;
        }
        return false;
    }
}

/** The single notifier state. */
export const state = new LoopState();
