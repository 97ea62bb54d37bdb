/**
 * Backing off after a failed `accept()` on a listening Socket.
 *
 * `accept()` fails for reasons that pass: out of file descriptors (EMFILE
 * for the process, ENFILE for the system), out of memory, a connection
 * aborted before it was taken. The kernel keeps the pending connections
 * queued and the fd stays readable, so a level-triggered watch would call
 * again at once and spin. Instead the listener stops watching, reports the
 * error (the Socket's `acceptError` signal), and tries again after a delay
 * that starts at {@link MIN_DELAY} seconds and doubles up to
 * {@link MAX_DELAY}; a successful accept resets it. Nothing is thrown out
 * of the watch: a listening socket keeps listening.
 * @module
 */
import type { SocketError } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import type { Signal } from '../notifier/signals.js';
import { entryIn, scheduler, type ScheduledEntry } from '../notifier/scheduler.js';

/** Seconds before the first retry after a failed accept(). */
export const MIN_DELAY = 0.05;
/** The longest wait between retries, in seconds. */
export const MAX_DELAY = 1;

/**
 * The retry timer of one listener: `pause()` after an error, `reset()` after
 * a success, `cancel()` when the listener closes.
 * @internal
 */
export class AcceptBackoff {
    readonly #resume: () => void;
    #delay = MIN_DELAY;
    #entry: ScheduledEntry | null = null;
    /** Failed attempts since the last successful accept. */
    failures = 0;

    /** @param resume - called when the delay is over (re-arm the watch). */
    constructor(resume: () => void) {
        this.#resume = resume;
    }

    /** True while waiting to try again. */
    get paused(): boolean {
        return this.#entry !== null;
    }

    /**
     * Waits before the next attempt; the delay doubles each time, up to MAX_DELAY.
     * @returns the delay in seconds.
     */
    pause(): number {
        const delay = this.#delay;
        this.failures++;
        this.#delay = Math.min(this.#delay * 2, MAX_DELAY);
        this.cancel();
        const entry = entryIn(delay, () => {
            if (this.#entry !== entry)
                return;
            this.#entry = null;
            this.#resume();
        });
        this.#entry = entry;
        scheduler.add(entry);
        return delay;
    }

    /**
     * After a failed accept(): backs off and reports `error` (its message
     * gets the delay) on `signal`, or, when nobody is connected to it, logs
     * the first failure of a series.
     */
    fail(error: SocketError, signal: Signal<[SocketError]>): void {
        const delay = this.pause();
        error.message += ` (still listening; trying again in ${delay} s)`;
        if (signal.count > 0)
            signal.emit(error);
        else if (this.failures === 1)
            logException(error, 'Socket: accepting a client failed');
    }

    /** After a successful accept: the next error starts again at MIN_DELAY. */
    reset(): void {
        this.#delay = MIN_DELAY;
        this.failures = 0;
    }

    /** Drops a pending retry (harmless twice). */
    cancel(): void {
        if (this.#entry) {
            scheduler.remove(this.#entry);
            this.#entry = null;
        }
    }
}
