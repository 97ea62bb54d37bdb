/**
 * One worker process, seen from the parent: `gjs -m kaa-worker.js` started
 * through `/bin/sh -c 'exec 1>&2 gjs -m host …'` (locate.ts) with one end
 * of a socket pair (io/socket-pair.ts) as its fd 3, the protocol link both
 * ways (io/link.ts); everything else it prints — `print()`, its children's
 * output — goes to fd 1 = fd 2 = our stderr pipe, never into the protocol.
 * The stderr pipe is forwarded to our stderr (an io/ transport), and its
 * last 4 KiB are kept for the WorkerError of a crash.
 *
 * Life: spawned → running (HELLO received or not: frames wait in the
 * socket) → dying (EOF on the link, a protocol error, `kill()` or `stop()`)
 * → dead (reaped). Its exit is detected by the process layer like every
 * child's (process/run.ts: `wait_async()`, and the supervisor's check after
 * every iteration), which also stops it at shutdown.
 * @module
 */
import Gio from 'gi://Gio';
import { now } from '../notifier/clock.js';
import { WorkerError } from '../notifier/errors.js';
import { addStatisticsHook } from '../notifier/loop.js';
import { unixOutputStream } from '../notifier/platform.js';
import { scheduler } from '../notifier/scheduler.js';
import { InProgress } from '../async/inprogress.js';
import type { InProgressStatus } from '../async/status.js';
import { timerEntry } from '../async/support.js';
import { FrameLink } from '../io/link.js';
import { IO_READ } from '../io/monitor.js';
import { dupSocketFd, socketPair } from '../io/socket-pair.js';
import { openTransport } from '../io/source.js';
import type { Transport } from '../io/transport.js';
import { Run, type RunHooks } from '../process/run.js';
import { serveMainCall } from './main-calls.js';
import { encodeFrame, DEFINE, FrameReader, HELLO, MAIN_CALL, PROGRESS, RESULT, type Message } from './protocol.js';
import { workerArgv } from './locate.js';

/** How much of a worker's stderr a WorkerError quotes. */
const STDERR_TAIL = 4096;
/** After the process exited, how long its stderr may take to reach EOF (a grandchild may hold it). */
const STDERR_GRACE = 0.1;
/** Bytes of a frame in progress one dispatch may read synchronously. */
const READ_BURST = 8 * 1024 * 1024;
/** After `stop()`, how long a worker may take to exit before it is killed. */
const STOP_GRACE = 2;

/** One call handed to a worker. */
export interface Job {
    readonly id: number;
    /**
     * The CALL frame's parts, built at the call site: a large binary argument
     * is sent from where it is if a worker takes the call at once, else
     * copied (a snapshot) while the call waits.
     */
    frame: Uint8Array[];
    /** The function to define first in a worker that has not seen it; null for module functions. */
    readonly fn: { readonly id: number; readonly source: string } | null;
    readonly priority: number;
    readonly ip: InProgress<unknown>;
    readonly status: InProgressStatus | null;
    /** At shutdown, let this call finish instead of stopping its worker. */
    readonly wait: boolean;
    /** Where it is: queued in a pool, running in a worker, or done. */
    state: 'queued' | 'running' | 'done';
    worker: Worker | null;
}

/** How a worker reports to its pool. */
export interface WorkerOwner {
    /** A call finished (its InProgress is settled): the worker may take another. */
    done(worker: Worker, job: Job): void;
    /** The worker is gone (reaped); its in-flight calls have failed. */
    exited(worker: Worker): void;
    /** The worker said HELLO (`error`: its start-up module failed). */
    ready?(worker: Worker, error: string | null): void;
    /** Stops the worker at shutdown (the supervisor asks): the pool's `stop()`. */
    shutdown(worker: Worker): InProgress<void>;
}

/** How the process layer's Run reaches a Worker. */
const RUN_HOOKS: RunHooks<Worker> = {
    reaped: worker => worker.reaped(),
    isCurrent: () => true,
    stop: worker => worker.shutdown(),
};

let live = 0;
let errOut: Gio.OutputStream | null = null;

/**
 * The number of worker processes not yet reaped, in this process.
 * @example
 * addStatisticsHook('workers', liveWorkers);
 */
export function liveWorkers(): number {
    return live;
}

/**
 * A worker process and its two pipes.
 * @example
 * const worker = new Worker(pool, ['--gobject']);
 * worker.run(job);
 */
export class Worker {
    readonly #proc: Gio.Subprocess;
    readonly #run: Run<Worker>;
    readonly #owner: WorkerOwner;
    readonly #link: FrameLink<Message>;
    readonly #stderr: Transport | null;
    readonly #defined = new Set<number>();
    readonly #calls = new Map<number, Job>();
    #tail = new Uint8Array(0);
    #state: 'running' | 'dying' | 'dead' = 'running';
    #stopping = false;
    #stderrOpen = true;
    #lost = false;
    #killedFor: WorkerError | null = null;
    #timer: ReturnType<typeof timerEntry> | null = null;
    /** The process id. */
    readonly pid: number;
    /** When it last finished a call (monotonic seconds); for the pool's idle timeout. */
    idleSince = 0;

    /**
     * Starts the process.
     * @param owner - the pool.
     * @param args - extra arguments for the host (`--gobject`, `--module URI`).
     * @throws WorkerError when the process cannot be started.
     */
    constructor(owner: WorkerOwner, args: string[] = []) {
        this.#owner = owner;
        let mine: Gio.Socket;
        try {
            const [ours, theirs] = socketPair();
            mine = ours;
            const launcher = Gio.SubprocessLauncher.new(Gio.SubprocessFlags.STDERR_PIPE);
            launcher.take_fd(dupSocketFd(theirs), 3);
            theirs.close();
            try {
                this.#proc = launcher.spawnv(workerArgv(args));
            } finally {
                launcher.close(); // our copy of their end: the link sees EOF when the worker dies
            }
        } catch (e) {
            throw new WorkerError(`cannot start a worker process: ${(e as Error).message}`, { cause: e });
        }
        live++;
        this.pid = Number(this.#proc.get_identifier());
        // The host writes frames whole (blocking): once one has begun, reading the rest
        // at once (up to 8 MiB per dispatch) cannot wait on anything but that write.
        this.#link = new FrameLink(mine.get_fd(), new FrameReader(), {
            frame: m => this.#frame(m),
            closed: e => this.#dying(e),
        }, { readBurst: READ_BURST }, mine);
        const stderr = this.#proc.get_stderr_pipe();
        this.#stderr = stderr ? openTransport(stderr, IO_READ, true, 'a worker\'s stderr') : null;
        this.#stderr?.startReading({ data: chunk => this.#onStderr(chunk), end: () => this.#stderrClosed() }, 4096);
        this.#stderrOpen = this.#stderr !== null;
        // Its exit shows as EOF on the link first (the worker's end is close-on-exec: no grandchild holds it),
        // so the supervisor asks it after every iteration only from then on (or once it is being stopped).
        this.#run = new Run(RUN_HOOKS, this, this.#proc, new InProgress<number>({ name: `worker ${this.pid}` }),
            ['kaa-worker', ...args], false);
    }

    /** Calls in flight. */
    get load(): number {
        return this.#calls.size;
    }

    /** True until it is asked to stop or is dying: it takes calls. */
    get running(): boolean {
        return this.#state === 'running' && !this.#stopping;
    }

    /** True when it died (or was killed) with calls in flight. */
    get lostCalls(): boolean {
        return this.#lost;
    }

    /** The calls in flight. */
    get jobs(): Job[] {
        return [...this.#calls.values()];
    }

    /**
     * Sends a call (and the function's source, the first time).
     * @param job - the call.
     * @returns false when the worker is dying (the call was not sent).
     */
    run(job: Job): boolean {
        if (!this.running)
            return false;
        if (job.fn && !this.#defined.has(job.fn.id)) {
            this.#link.send(encodeFrame([DEFINE, job.fn.id, job.fn.source], null));
            this.#defined.add(job.fn.id);
        }
        job.state = 'running';
        job.worker = this;
        this.#calls.set(job.id, job);
        this.#link.send(job.frame); // if the link just broke, the death fails the call
        return true;
    }

    /**
     * Forgets a call (it was aborted): its result, if any comes, is dropped.
     * @param job - the call.
     */
    forget(job: Job): void {
        this.#calls.delete(job.id);
    }

    /**
     * Sends a frame that answers the worker (a `callMain` result).
     * @param frame - the frame.
     */
    reply(frame: Uint8Array | readonly Uint8Array[]): void {
        this.#link.send(frame);
    }

    /**
     * Kills the process (SIGKILL); in-flight calls fail with `reason`.
     * @param reason - what the calls fail with; by default a WorkerError saying it was killed.
     */
    kill(reason?: WorkerError): void {
        if (this.#state === 'dead')
            return;
        this.#killedFor ??= reason ?? new WorkerError(`worker ${this.pid} was killed (SIGKILL)`, { signal: 9 });
        this.#lost = true;
        this.#run.probeExit();
        this.#proc.force_exit();
        this.#dying(null);
    }

    /**
     * Asks the worker to exit (EOF on its link: it finishes what it runs,
     * then exits); it is killed if it takes longer than `grace` seconds.
     * @param grace - seconds before SIGKILL.
     */
    stop(grace = STOP_GRACE): void {
        if (this.#state !== 'running' || this.#stopping)
            return;
        this.#stopping = true;
        this.#run.probeExit();
        this.#link.shutdownWrite();
        this.#arm(grace, () => {
            if (this.#state !== 'dead')
                this.#proc.force_exit();
        });
    }

    /** Stops it at shutdown, as its pool does. @internal */
    shutdown(): InProgress<void> {
        return this.#owner.shutdown(this);
    }

    /** The process layer saw it reaped. @internal */
    reaped(): void {
        if (this.#run.takeExit() === null)
            return;
        if (this.#state === 'running') {
            this.#state = 'dying';
            this.#link.close();
        }
        if (this.#stderrOpen)
            this.#arm(STDERR_GRACE, () => this.#dead()); // a grandchild may hold stderr open
        else
            this.#dead();
    }

    #arm(seconds: number, fn: () => void): void {
        if (this.#timer)
            scheduler.remove(this.#timer);
        this.#timer = timerEntry(seconds, () => {
            this.#timer = null;
            fn();
        });
        scheduler.add(this.#timer);
    }

    #frame(message: Message): void {
        switch (message[0]) {
        case RESULT: {
            const job = this.#calls.get(message[1] as number);
            if (!job)
                return; // aborted meanwhile
            this.#calls.delete(job.id);
            job.state = 'done';
            this.idleSince = now(); // the loop's clock (within 1 ms): no GI call per result
            try {
                if (!job.ip.finished) {
                    if (message[2])
                        job.ip.finish(message[3]);
                    else
                        job.ip.throw(message[3]);
                }
            } finally {
                this.#owner.done(this, job);
            }
            return;
        }
        case PROGRESS: {
            const job = this.#calls.get(message[1] as number);
            job?.status?.set(message[2] as number, message[3] as number);
            return;
        }
        case MAIN_CALL:
            serveMainCall(message, frame => this.reply(frame));
            return;
        case HELLO:
            this.#owner.ready?.(this, (message[2] as string | null) ?? null);
            return;
        default:
            this.#dying(new Error(`kaa worker protocol: unexpected message kind ${String(message[0])} from worker ${this.pid}`));
        }
    }

    #onStderr(chunk: Uint8Array): void {
        try {
            errOut ??= unixOutputStream(2, false);
            errOut.write_all(chunk, null);
        } catch {
            // our own stderr is gone: keep the tail anyway
        }
        const tail = new Uint8Array(Math.min(STDERR_TAIL, this.#tail.length + chunk.length));
        const fromChunk = Math.min(chunk.length, tail.length);
        tail.set(this.#tail.subarray(this.#tail.length - (tail.length - fromChunk)), 0);
        tail.set(chunk.subarray(chunk.length - fromChunk), tail.length - fromChunk);
        this.#tail = tail;
    }

    #stderrClosed(): void {
        this.#stderrOpen = false;
        if (this.#run.reaped && this.#state !== 'dead')
            this.#dead();
    }

    /** The link ended (EOF, error) or we killed it: the exit comes from the process layer. */
    #dying(error: Error | null): void {
        if (this.#state !== 'running')
            return;
        this.#state = 'dying';
        if (error) {
            this.#killedFor ??= new WorkerError(`worker ${this.pid}: ${error.message}`, { cause: error });
            this.#proc.force_exit();
        }
        this.#link.close();
        this.#run.probeExit();
        this.#run.poll();
    }

    /** Reaped, and stderr drained (or its grace passed): fails what was in flight. */
    #dead(): void {
        if (this.#state === 'dead')
            return;
        this.#state = 'dead';
        live--;
        if (this.#timer) {
            scheduler.remove(this.#timer);
            this.#timer = null;
        }
        this.#stderr?.close();
        this.#link.close();
        const error = this.#killedFor ?? this.#exitError();
        const jobs = [...this.#calls.values()];
        this.#calls.clear();
        this.#lost ||= jobs.length > 0;
        for (const job of jobs) {
            job.state = 'done';
            if (!job.ip.finished)
                job.ip.throw(error);
        }
        this.#owner.exited(this);
    }

    #exitError(): WorkerError {
        const stderrTail = new TextDecoder().decode(this.#tail);
        const tailNote = stderrTail.trim() ? `; its stderr ended with:\n${stderrTail.trimEnd()}` : '';
        if (this.#proc.get_if_signaled()) {
            const signal = this.#proc.get_term_sig();
            return new WorkerError(`worker ${this.pid} was killed by signal ${signal}${tailNote}`, { signal, stderrTail });
        }
        const status = this.#proc.get_exit_status();
        return new WorkerError(`worker ${this.pid} exited with status ${status}${tailNote}`, { status, stderrTail });
    }
}

addStatisticsHook('workers', liveWorkers);
