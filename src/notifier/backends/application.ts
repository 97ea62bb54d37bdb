/**
 * The application driver: `main.run({application})` runs a
 * `Gio.Application`/`Gtk.Application` (`application.run(argv)`) as the
 * loop. The application iterates the default context itself; kaa's
 * callbacks wake this driver, which runs the end of kaa's iteration from an
 * idle callback. `stop()` quits the application, its `shutdown` signal runs
 * kaa's shutdown sequence, and an unhandled callback exception quits it and
 * is rethrown by `run()`.
 */
import type Gio from 'gi://Gio';
import system from 'system';
import { checkPosition, requestHostFlush } from '../iteration.js';
import { logException } from '../log.js';
import { shutdown } from '../shutdown.js';
import { state, type Driver } from '../state.js';
import { beginRun, endRun } from './run.js';

/** Runs one application as the loop. */
export class ApplicationDriver implements Driver {
    readonly #app: Gio.Application;
    #error: { error: unknown } | null = null;

    /** @param app - the application to run. */
    constructor(app: Gio.Application) {
        this.#app = app;
    }

    /**
     * Runs the application.
     * @param argv - for `application.run()`; default `[programInvocationName, ...ARGV]`.
     * @param sigint - handle SIGINT.
     * @returns a stop or `SystemExit` code if there was one, else the application's status.
     * @throws an unhandled callback exception, after the application quit.
     */
    run(argv: string[] | undefined, sigint: boolean): number {
        checkPosition('kaa.main.run({application})');
        beginRun(this, sigint);
        const handler = this.#app.connect('shutdown', () => {
            try {
                shutdown();
            } catch (error) {
                logException(error, 'kaa: shutdown failed');
            }
        });
        let status: number;
        try {
            status = this.#app.run(argv ?? [system.programInvocationName, ...ARGV]);
        } finally {
            this.#app.disconnect(handler);
            endRun();
        }
        if (this.#error)
            throw this.#error.error;
        return state.exitCode !== 0 ? state.exitCode : status;
    }

    stop(): void {
        this.#app.quit();
    }

    wake(): void {
        requestHostFlush();
    }

    fail(error: unknown): void {
        this.#error ??= { error };
        this.#app.quit();
    }
}
