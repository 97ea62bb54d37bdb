/**
 * The host driver (the `thread` backend): a host owns the loop (its own
 * `GLib.MainLoop`, a `Gtk.Application` it runs itself, GNOME Shell).
 * `run({threaded: true})` attaches kaa and returns at once; kaa's callbacks
 * wake this driver, which runs the end of kaa's iteration through the
 * backend's `handler`. Stopping — `stop()`, a signal, an unhandled callback
 * exception (logged: there is no `run()` to rethrow it) — runs kaa's
 * shutdown sequence inside the host loop and then `options.shutdown()`, so
 * that the host quits. A signal stops it also when the host never attached
 * (run.ts).
 */
import { requestHostFlush } from '../iteration.js';
import { logException } from '../log.js';
import { shutdown } from '../shutdown.js';
import { state, type Driver } from '../state.js';
import type { InitOptions } from './backend.js';
import { beginRun, endRun, removeSignalHandlers } from './run.js';
import { defaultHandler } from './thread.js';

/** Runs kaa inside a loop a host iterates. */
export class HostDriver implements Driver {
    readonly #options: InitOptions;

    /** @param options - the `thread` backend's options (`handler`, `shutdown`). */
    constructor(options: InitOptions) {
        this.#options = options;
    }

    /**
     * Runs kaa in the host's loop: attaches and returns at once (the host iterates).
     * @param sigint - handle SIGINT.
     * @returns 0, at once.
     */
    run(sigint: boolean): number {
        beginRun(this, sigint);
        return 0;
    }

    /** Ends kaa in the host loop, from inside it: the shutdown sequence, then `options.shutdown()`. Once per run. */
    stop(): void {
        (this.#options.handler ?? defaultHandler)(() => {
            if (state.running) {
                endRun();
            } else if (!state.shuttingDown) {
                try {
                    shutdown();
                } catch (error) {
                    logException(error, 'kaa: shutdown failed');
                } finally {
                    removeSignalHandlers();
                    state.stopRequested = false;
                }
            } else {
                return;
            }
            this.#options.shutdown?.();
        });
    }

    wake(): void {
        requestHostFlush();
    }

    fail(error: unknown): void {
        logException(error, 'kaa: unhandled exception; stopping');
        this.stop();
    }
}
