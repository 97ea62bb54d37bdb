/**
 * The stop escalation of a child process (kaa.base's `Process.stop()`):
 *
 *   1. the stop command, if any: a string written to the child's stdin, or a
 *      function called — then wait up to `wait` seconds for the exit;
 *   2. close stdin and send SIGTERM — wait up to `wait`;
 *   3. send SIGKILL — wait up to `2 × wait`;
 *   4. still alive: the child is hung; the stop fails with an Error (and so
 *      does the InProgress of `start()`).
 *
 * Signals go through `Gio.Subprocess.send_signal()`, which sends them from
 * GLib's worker thread, the thread that reaps: on GLib 2.74 that is the only
 * race-free way (a `kill()` could hit a reaped pid's successor). Every phase
 * first asks the child whether it has been reaped (`poll()`), so an exit whose
 * callback GJS dropped is noticed at the latest at the next phase. The waits
 * are entries in the notifier's timer heap, not GLib sources.
 * @module
 */
import { checkOptionsObject } from '../notifier/check.js';
import { describeValue } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { scheduler, type ScheduledEntry } from '../notifier/scheduler.js';
import { InProgress, onAbort, requireSeconds, timerEntry } from '../async/inprogress.js';

const SIGTERM = 15, SIGKILL = 9;

/** A stop command: a string written to the child's stdin, or a function called with the process. */
export type StopCommand<P = unknown> = string | ((process: P) => unknown);

/** Options of `Process.stop()`. */
export interface StopOptions<P = unknown> {
    /** The stop command for this stop; default the process's `stopCommand`. @default null */
    cmd?: StopCommand<P> | null;
    /** Seconds to wait after the stop command and after SIGTERM (twice that after SIGKILL). @default 3 */
    wait?: number;
}

/** What the escalation needs from the process it stops. @internal */
export interface StopTarget {
    /** Checks whether the child has been reaped (handling the exit); true when it has. */
    poll(): boolean;
    /** Runs the stop command (writes a string to stdin, or calls a function). */
    runStopCommand(cmd: StopCommand<never>): void;
    /** Closes the child's stdin. */
    closeStdin(): void;
    /** Sends a Unix signal to the child, race-free. */
    sendSignal(signo: number): void;
    /**
     * The escalation moved on: `'dying'` (stdin closed, signals being sent),
     * `'hung'` (it survived SIGKILL: `error` fails `start()`'s InProgress too)
     * or `'running'` (the stop was aborted; unless the child exited meanwhile).
     */
    changed(state: 'dying' | 'hung' | 'running', error?: Error): void;
    /** For messages. */
    toString(): string;
}

/**
 * Validates the options of `stop()`.
 * @param options - what the caller passed.
 * @returns the stop command (or null) and the wait.
 * @throws TypeError on an unknown option or a value of the wrong type.
 * @example
 * const { cmd, wait } = checkStopOptions({ wait: 1 }, null);
 */
export function checkStopOptions<P>(options: StopOptions<P>, fallback: StopCommand<P> | null): { cmd: StopCommand<P> | null; wait: number } {
    checkOptionsObject('Process.stop()', options, ['cmd', 'wait']);
    const { cmd = fallback, wait = 3 } = options;
    requireStopCommand('cmd', cmd);
    requireSeconds('wait', wait);
    return { cmd, wait };
}

/**
 * Throws a TypeError unless `value` is a string, a function or null.
 * @param name - the option's name, for the message.
 * @param value - what was passed.
 * @throws TypeError `` `cmd` must be a string, a function or null (got 3) ``.
 * @example
 * requireStopCommand('stopCommand', value);
 */
export function requireStopCommand(name: string, value: unknown): asserts value is StopCommand<never> | null {
    if (value !== null && typeof value !== 'string' && typeof value !== 'function')
        throw new TypeError(`\`${name}\` must be a string, a function or null (got ${describeValue(value)})`);
}

type Phase = 'command' | 'term' | 'kill' | 'hung';

/**
 * One running stop: its phases, its timer and its InProgress. Concurrent
 * `stop()` calls share one Escalation (the process keeps it).
 * @example
 * const escalation = new Escalation(target, 'quit\n', 3);
 * escalation.start();
 * escalation.inprogress.connect(() => print('stopped'));
 */
export class Escalation {
    readonly #target: StopTarget;
    readonly #cmd: StopCommand<never> | null;
    readonly #wait: number;
    #entry: ScheduledEntry | null = null;
    /** Finishes when the child has been reaped; fails when it is hung. */
    readonly inprogress: InProgress<void>;

    /**
     * @param target - the process to stop.
     * @param cmd - the stop command, or null to begin with SIGTERM.
     * @param wait - seconds per phase (twice that after SIGKILL).
     */
    constructor(target: StopTarget, cmd: StopCommand<never> | null, wait: number) {
        this.#target = target;
        this.#cmd = cmd;
        this.#wait = wait;
        this.inprogress = new InProgress<void>({ name: `${target}.stop()` });
        onAbort(this.inprogress as InProgress<unknown>, () => {
            this.#cancelTimer();
            this.#target.changed('running');
        });
    }

    /** Runs the first phase (the stop command, or SIGTERM without one). */
    start(): void {
        this.#step(this.#cmd !== null ? 'command' : 'term');
    }

    /** The child has been reaped: the stop is done. */
    exited(): void {
        this.#cancelTimer();
        if (!this.inprogress.finished)
            this.inprogress.finish();
    }

    #cancelTimer(): void {
        if (this.#entry !== null)
            scheduler.remove(this.#entry);
        this.#entry = null;
    }

    #after(seconds: number, next: Phase): void {
        this.#entry = timerEntry(seconds, () => {
            this.#entry = null;
            this.#step(next);
        });
        scheduler.add(this.#entry);
    }

    #step(phase: Phase): void {
        if (this.inprogress.finished || this.#target.poll())
            return;
        switch (phase) {
        case 'command':
            try {
                this.#target.runStopCommand(this.#cmd as StopCommand<never>);
            } catch (error) {
                logException(error, `the stop command of ${this.#target} failed; sending SIGTERM`);
                this.#step('term');
                return;
            }
            this.#after(this.#wait, 'term');
            break;
        case 'term':
            this.#target.changed('dying');
            this.#target.closeStdin();
            this.#target.sendSignal(SIGTERM);
            this.#after(this.#wait, 'kill');
            break;
        case 'kill':
            this.#target.sendSignal(SIGKILL);
            this.#after(2 * this.#wait, 'hung');
            break;
        case 'hung': {
            const error = new Error(`${this.#target} refuses to die even after SIGKILL (waited ${2 * this.#wait} s)`);
            this.#target.changed('hung', error);
            this.inprogress.throw(error);
            break;
        }
        }
    }
}
