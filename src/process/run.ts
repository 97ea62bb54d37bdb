/**
 * `Run`: one child of a Process — what `start()` spawned — as the
 * supervisor sees it: its `Gio.Subprocess`, its pid, the InProgress of its
 * exit code, and how its exit is noticed.
 *
 * Exit detection (see supervisor.ts for why both): `wait_async()` calls
 * {@link Run.waited} at once when GLib's worker thread has reaped the
 * child; `poll()` — run after every kaa iteration by the supervisor, and at
 * every phase of a stop — notices a reaped child whose callback GJS dropped:
 * `get_identifier()` returns null once the worker thread set the pid to 0.
 * Only then is `get_status()` allowed (GLib asserts on a running child).
 * @module
 */
import type Gio from 'gi://Gio';
import { describeValue } from '../notifier/errors.js';
import { logException } from '../notifier/log.js';
import { finishGcIfRefusing, reportException } from '../notifier/sources.js';
import { InProgress } from '../async/inprogress.js';
import { decodeWaitStatus } from './child-watch.js';
import { probeExit, release, supervise, type SupervisedChild } from './supervisor.js';

/** What a Run needs from its Process: one object per class (not per Process), given the Process. @internal */
export interface RunHooks<P> {
    /** The child has been reaped: handle the exit (once). */
    reaped(owner: P, run: Run<P>): void;
    /** Whether `run` is the Process's current child (not one left hung by a restart). */
    isCurrent(owner: P, run: Run<P>): boolean;
    /** Stops the current child with the escalation. */
    stop(owner: P): InProgress<void>;
}

/**
 * One spawned child. @internal
 * @example
 * const run = new Run(hooks, process, Gio.Subprocess.new(argv, flags), ip, argv);
 */
export class Run<P = unknown> implements SupervisedChild {
    /** GLib has reaped the child and its exit has been handled. */
    reaped = false;
    /** `finished` was emitted. */
    done = false;
    /** Its pipes were closed at the exit because no channel had been made for them. */
    pipesClosed = false;
    /** Its pid; null when GLib reaped it before `start()` could read it (it is gone then). */
    readonly pid: number | null;

    /**
     * Starts watching a freshly spawned child: supervised until reaped, and
     * `wait_async()` armed.
     * @param hooks - how to reach the Process.
     * @param owner - the Process.
     * @param subprocess - the child.
     * @param ip - the InProgress of its exit code.
     * @param argv - its command line, for messages.
     * @param probe - check its exit after every iteration from the start; false:
     *   only from {@link Run.probeExit} on (its owner sees the exit otherwise first).
     */
    constructor(readonly hooks: RunHooks<P>, readonly owner: P, readonly subprocess: Gio.Subprocess, readonly ip: InProgress<number>,
        readonly argv: readonly string[], probe = true) {
        const id = subprocess.get_identifier();
        this.pid = id === null ? null : Number(id);
        supervise(this, probe);
        subprocess.wait_async(null, this.waited);
    }

    /**
     * Checks whether GLib has reaped the child, and handles the exit if so.
     * @returns true when the child has been reaped.
     */
    poll(): boolean {
        if (!this.reaped && this.subprocess.get_identifier() === null) {
            this.hooks.reaped(this.owner, this);
            // The exit came before its wait_async() callback: GJS refused it, or
            // GLib has yet to dispatch it. If a GC is sweeping now, it must end
            // before the loop hands back to its caller (see finishGcIfRefusing).
            finishGcIfRefusing();
        }
        return this.reaped;
    }

    /** Checks its exit after every iteration from now on (its owner expects it, or saw a sign of it). */
    probeExit(): void {
        probeExit(this);
    }

    /** The `wait_async()` callback: the child has been reaped. */
    readonly waited = (): void => {
        try {
            this.hooks.reaped(this.owner, this);
        } catch (error) {
            reportException(error);
        }
    };

    /**
     * Marks the child reaped and stops supervising it.
     * @returns its exit code (the status, or -signo); null when it was handled already.
     */
    takeExit(): number | null {
        if (this.reaped)
            return null;
        this.reaped = true;
        release(this);
        return decodeWaitStatus(this.subprocess.get_status());
    }

    /** Closes the three pipes (nobody made a channel for them: their fds are released now, not at a GC). */
    closePipes(): void {
        this.pipesClosed = true;
        for (let i = 0; i < 3; i++) {
            const s = this.subprocess;
            try {
                (i === 0 ? s.get_stdin_pipe() : i === 1 ? s.get_stdout_pipe() : s.get_stderr_pipe())?.close(null);
            } catch (error) {
                logException(error, `${this}: closing a pipe failed`);
            }
        }
    }

    /**
     * Stops it (the supervisor does at shutdown): the Process's escalation,
     * or a failure for a child left hung by a restart.
     * @returns the stop's InProgress.
     */
    stop(): InProgress<void> {
        if (this.hooks.isCurrent(this.owner, this))
            return this.hooks.stop(this.owner);
        return new InProgress<void>().throw(new Error(`${this} is hung (it was left behind by a restart)`));
    }

    /**
     * Describes it: `Process 'sleep 10' (pid 1234)`.
     * @returns the description.
     */
    toString(): string {
        return `Process ${describeValue(this.argv.join(' '))} (pid ${this.pid ?? 'gone'})`;
    }
}
