/**
 * The shutdown sequence (DESIGN.md §3), run once per `run()`: emit
 * `kaa.signals.shutdown`, disconnect the `shutdown` and `step` handlers, run
 * the hooks the layers above registered (the process layer stops and reaps
 * every child, the worker layer stops its pools), iterating the loop while
 * a hook's thenable is pending (30 s at most), and mark the loop stopped.
 */
import { now } from './clock.js';
import { iterate } from './iteration.js';
import { logException } from './log.js';
import { state } from './state.js';

/** How long the sequence waits for the hooks' thenables, in seconds. */
const HOOK_SECONDS = 30;

const hooks: { name: string; fn: () => PromiseLike<unknown> | void }[] = [];

/**
 * Registers a shutdown hook (the process and worker layers do). Hooks run in
 * registration order during the shutdown sequence; a returned thenable is
 * waited for, with the loop running.
 * @param name - names the hook in a log line when it fails.
 * @param fn - the hook.
 * @example
 * addShutdownHook('processes', () => stopAll());
 */
export function addShutdownHook(name: string, fn: () => PromiseLike<unknown> | void): void {
    hooks.push({ name, fn });
}

/** Runs the shutdown sequence, once (until the next `run()` clears `shuttingDown`). */
export function shutdown(): void {
    if (state.shuttingDown)
        return;
    state.shuttingDown = true;
    try {
        state.signals.shutdown.emit();
    } finally {
        state.signals.shutdown.disconnectAll();
        state.signals.step.disconnectAll();
    }
    const waiting: PromiseLike<unknown>[] = [];
    for (const hook of hooks) {
        try {
            const result = hook.fn();
            if (result && typeof result.then === 'function')
                waiting.push(result);
        } catch (error) {
            logException(error, `kaa: shutdown hook "${hook.name}" threw`);
        }
    }
    if (waiting.length)
        waitFor(waiting);
    state.stopped = true;
}

/** Iterates the loop until every thenable settled (or {@link HOOK_SECONDS} passed). */
function waitFor(waiting: PromiseLike<unknown>[]): void {
    let pending = waiting.length;
    const settle = () => {
        pending--;
    };
    for (const w of waiting) {
        w.then(settle, error => {
            logException(error, 'kaa: a shutdown hook failed');
            settle();
        });
    }
    const deadline = now() + HOOK_SECONDS;
    const frame = state.enter();
    try {
        while (pending > 0 && now() < deadline)
            iterate(true);
    } finally {
        state.leave(frame);
    }
    if (frame.error)
        logException(frame.error.error, 'kaa: unhandled exception during the shutdown sequence');
}
