/**
 * The blocking driver (the `generic` and `gtk` backends): `main.run()`
 * iterates the default `GLib.MainContext` itself, one kaa iteration
 * (iteration.ts) after another, until a stop is requested or a callback's
 * exception reached its frame; then the shutdown sequence, then the status
 * (or the exception, rethrown).
 */
import GLib from 'gi://GLib';
import { checkPosition, drive, iterate } from '../iteration.js';
import { logException } from '../log.js';
import { state, type Driver } from '../state.js';
import { beginRun, endRun } from './run.js';

const context = GLib.MainContext.default();

/** Runs the loop in kaa's own hands. */
export const blockingDriver: Driver & { run(sigint: boolean): number } = {
    /**
     * Runs until stopped.
     * @param sigint - handle SIGINT.
     * @returns the exit status.
     * @throws an unhandled callback exception, after the shutdown sequence.
     */
    run(sigint: boolean): number {
        checkPosition('kaa.main.run()');
        beginRun(blockingDriver, sigint);
        try {
            drive(frame => {
                do
                    iterate(!state.stopRequested && !frame.error);
                while (!state.stopRequested && !frame.error);
            });
        } finally {
            endRun();
        }
        return state.exitCode;
    },
    /** A blocked poll() returns. */
    stop(): void {
        context.wakeup();
    },
    wake(): void {
        context.wakeup();
    },
    /** Not reached: the run is a frame, which takes every exception (state.ts). */
    fail(error: unknown): void {
        logException(error, 'kaa: unhandled exception');
        context.wakeup();
    },
};
