/**
 * What every driver shares: the start and the end of a run (one stop path),
 * and the Unix signals that stop it. A driver (blocking.ts, application.ts,
 * host.ts) calls {@link beginRun} when its run starts and {@link endRun}
 * when it ends; `state.requestStop()` reaches the driver's `stop()`, and
 * `state.fail()` its `fail()` (state.ts).
 *
 * SIGTERM (and SIGINT unless declined) stop the loop with 128+signo. Under
 * the `thread` backend they are installed by `init()` already, since the
 * host may never call `run({threaded: true})`: unattached, a signal stops
 * the host driver given to {@link installSignalHandlers}, which runs kaa's
 * shutdown sequence and then `options.shutdown()` (issue 13).
 */
import { addUnixSignal, removeSource } from '../sources.js';
import { shutdown } from '../shutdown.js';
import { state, type Driver } from '../state.js';

const SIGINT = 2, SIGTERM = 15;
let signalSources: number[] = [];

/**
 * Starts a run driven by `driver`: the flags, the signal handlers.
 * @param driver - stops the loop, wakes it, ends it with an error.
 * @param sigint - handle SIGINT too.
 */
export function beginRun(driver: Driver, sigint: boolean): void {
    state.running = true;
    state.shuttingDown = false;
    state.stopped = false;
    state.driver = driver;
    installSignalHandlers(sigint, null);
}

/** Ends the run: the shutdown sequence, then the signal handlers and flags go (also when it throws). */
export function endRun(): void {
    try {
        shutdown();
    } finally {
        removeSignalHandlers();
        state.running = false;
        state.stopRequested = false;
        state.driver = null;
    }
}

/**
 * Installs the SIGTERM (and SIGINT) handlers, replacing any.
 * @param sigint - handle SIGINT too.
 * @param unattached - stopped by a signal that comes while no run is active (the `thread` backend's host driver).
 */
export function installSignalHandlers(sigint: boolean, unattached: Driver | null): void {
    removeSignalHandlers();
    const handle = (signo: number) => () => {
        state.requestStop(128 + signo);
        if (!state.running)
            unattached?.stop();
        return true;
    };
    signalSources = [addUnixSignal(SIGTERM, handle(SIGTERM))];
    if (sigint)
        signalSources.push(addUnixSignal(SIGINT, handle(SIGINT)));
}

/** Removes the signal handlers (SIGINT and SIGTERM get their defaults back). */
export function removeSignalHandlers(): void {
    signalSources.forEach(removeSource);
    signalSources = [];
}
