/**
 * The notifier's shared state: the global `kaa.signals` and the flags of the
 * loop. Only `loop.ts` changes the flags; `sources.ts` reads them to route
 * exceptions. Kept apart so neither module imports the other.
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
    /** kaa-driven loops (run, loop, wait) currently nested. */
    depth = 0;
    stopRequested = false;
    exitCode = 0;
    pendingError: { error: unknown } | null = null;
    shuttingDown = false;
    stopped = false;
    /** Called by {@link requestStop} so the backend can end a host-owned loop. */
    onStop: (() => void) | null = null;

    /** Asks the running loop to stop with `code` (the first request's code wins). */
    requestStop(code: number): void {
        if (!this.stopRequested) {
            this.stopRequested = true;
            this.exitCode = code;
        }
        this.onStop?.();
    }

    /** Records an unhandled callback exception: the kaa loop stops and rethrows it. */
    setPendingError(error: unknown): void {
        this.pendingError ??= { error };
        this.onStop?.();
    }
}

/** The single notifier state. */
export const state = new LoopState();
