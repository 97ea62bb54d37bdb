/**
 * `Process`: a child process on `Gio.Subprocess` (kaa.base's `kaa.Process`).
 *
 * - argv is never passed through a shell unless `shell: true` (command.ts);
 * - the child always gets three pipes, behind the `stdin`/`stdout`/`stderr`
 *   IOChannels, made on first use (also before `start()`) and wired to each
 *   new child's pipes; see streams.ts for what happens to unread output at
 *   the exit;
 * - exits: run.ts and supervisor.ts (`wait_async()`, backed by a check after
 *   every iteration: GJS 1.74 may drop that callback during a GC);
 * - stopping: stop.ts (stop command → SIGTERM → SIGKILL → hung);
 * - the supervisor holds a running Process and stops it at shutdown.
 * Signals and channels are made on first use: a child nobody talks to costs
 * little more than a bare `Gio.Subprocess` (spawned with `posix_spawn`
 * through the exec helper, see command.ts and exec-helper.ts).
 * @module
 */
import type Gio from 'gi://Gio';
import type GLib from 'gi://GLib';
import { MAX_INT, checkOptionsObject, checkRange } from '../notifier/check.js';
import { describeValue } from '../notifier/errors.js';
import { InProgress, onAbort } from '../async/inprogress.js';
import type { IOChannel } from '../io/index.js';
import { buildArgv, checkCommand, spawn, type Command } from './command.js';
import { signalGroups } from './group.js';
import { Escalation, checkStopOptions, requireStopCommand, type StopCommand, type StopOptions, type StopTarget } from './stop.js';
import { Run, type RunHooks } from './run.js';
import { ProcessStreams, createSignals, type Dumpfile, type ProcessSignals } from './streams.js';

export type { ProcessSignals } from './streams.js';

/** The states of a Process. */
export type ProcessState = 'stopped' | 'running' | 'stopping' | 'dying' | 'hung';

/** Options of the {@link Process} constructor. */
export interface ProcessOptions {
    /** Run `cmd` (a string) with `/bin/sh -c`. @default false */
    shell?: boolean;
    /** The child's working directory. @default null (the parent's) */
    cwd?: string | null;
    /** Variables merged into the parent's environment; `null` unsets one. @default null */
    env?: Record<string, string | null> | null;
    /** A file path (created or truncated) or IOChannel that receives everything the child writes to stdout and stderr. @default null */
    dumpfile?: Dumpfile | null;
    /** See {@link Process.stopCommand}. @default null */
    stopCommand?: StopCommand<Process> | null;
    /** See {@link Process.delimiter}. @default '\n' */
    delimiter?: string;
    /**
     * Start the child in a process group (and session) of its own, so that
     * `stop()` and kaa's shutdown signal everything it started, not only the
     * child; `false` keeps it in kaa's group, without a controlling-terminal
     * change (see docs/processes.md). @default true
     */
    processGroup?: boolean;
}

const OPTIONS = ['shell', 'cwd', 'env', 'dumpfile', 'stopCommand', 'delimiter', 'processGroup'];

/**
 * A child process: start it, talk to it through its stdin/stdout/stderr,
 * stop it with an escalation, and get its exit code.
 * @example
 * const ls = new kaa.Process(['ls', '-l', '/tmp']);
 * ls.signals.readline.connect((line, stream) => print(stream, line));
 * const code = await ls.start();
 * @example
 * const [out] = await new kaa.Process('git rev-parse HEAD').communicate();
 */
export class Process {
    readonly #command: Command;
    readonly #dumpfile: Dumpfile | null;
    #delimiter: string;
    #stopCommand: StopCommand<Process> | null;
    #signals: ProcessSignals | null = null;
    #streams: ProcessStreams | null = null;
    #state: ProcessState = 'stopped';
    #exitcode: number | null = null;
    #escalation: Escalation | null = null;
    #run: Run<Process> | null = null;
    /** The run whose child leads a process group of its own (stop() signals the group). */
    #groupRun: Run<Process> | null = null;

    static readonly #hooks: RunHooks<Process> = {
        reaped: (process, run) => process.#reaped(run),
        isCurrent: (process, run) => process.#run === run,
        stop: process => process.stop(),
    };

    /**
     * @param cmd - the command: an argv array, or a string split like a shell would (without running one).
     * @param options - `{shell, cwd, env, dumpfile, stopCommand, delimiter}`.
     * @throws TypeError on a bad command or option (`shell: true` needs a string command).
     */
    constructor(cmd: string | readonly string[], options: ProcessOptions = {}) {
        checkOptionsObject('Process', options, OPTIONS);
        const { shell = false, cwd = null, env = null, dumpfile = null, stopCommand = null, delimiter = '\n', processGroup = true } = options;
        this.#command = checkCommand(cmd, shell, cwd, env, processGroup);
        requireStopCommand('stopCommand', stopCommand);
        ProcessStreams.checkOptions(delimiter, dumpfile);
        this.#stopCommand = stopCommand;
        this.#delimiter = delimiter;
        this.#dumpfile = dumpfile;
        if (dumpfile !== null)
            this.#io();
    }

    /** `read(data, stream)`, `readline(line, stream)`, `exited(code)`, `finished(code)`. */
    get signals(): ProcessSignals {
        this.#signals ??= createSignals(signals => this.#io().relay(signals));
        return this.#signals;
    }

    /** `'stopped'`, `'running'`, `'stopping'` (stop command sent), `'dying'` (signals sent) or `'hung'`. */
    get state(): ProcessState {
        return this.#state;
    }

    /** True from `start()` until the child has been reaped (also while stopping, dying or hung). */
    get running(): boolean {
        return this.#state !== 'stopped';
    }

    /** True while a `stop()` is in progress (`'stopping'` or `'dying'`). */
    get stopping(): boolean {
        return this.#state === 'stopping' || this.#state === 'dying';
    }

    /**
     * The pid of the current (or last) child; null before the first start,
     * and when the child had already exited and been reaped before `start()`
     * returned (GLib then no longer tells the pid; that child is gone).
     */
    get pid(): number | null {
        return this.#run?.pid ?? null;
    }

    /** The exit code of the last child: its exit status, or -signo when a signal killed it; null while running or never run. */
    get exitcode(): number | null {
        return this.#exitcode;
    }

    /** The stop command `stop()` begins with: a string written to stdin, or a function called with the process. @default null */
    get stopCommand(): StopCommand<Process> | null {
        return this.#stopCommand;
    }

    set stopCommand(cmd: StopCommand<Process> | null) {
        requireStopCommand('stopCommand', cmd);
        this.#stopCommand = cmd;
    }

    /** The line delimiter of stdout and stderr (setting it replaces their channels; connections move along). @default '\n' */
    get delimiter(): string {
        return this.#delimiter;
    }

    set delimiter(value: string) {
        ProcessStreams.checkOptions(value, null);
        this.#delimiter = value;
        if (this.#streams !== null)
            this.#streams.delimiter = value;
    }

    /** The child's stdin, an IOChannel (also before `start()`; writable while a child runs). */
    get stdin(): IOChannel {
        return this.#io().stdin;
    }

    /** The child's stdout, an IOChannel (also before `start()`). Read it to its end, or its pipe stays open after the exit. */
    get stdout(): IOChannel {
        return this.#io().stdout;
    }

    /** The child's stderr, an IOChannel (also before `start()`). Read it to its end, or its pipe stays open after the exit. */
    get stderr(): IOChannel {
        return this.#io().stderr;
    }

    /**
     * Starts the child. The command is `cmd` followed by `args` (a string
     * is split like `cmd`; with `shell: true` it is appended to the shell
     * command). A program that cannot be run (missing, not executable, bad
     * `cwd`) fails the returned InProgress with that error. Aborting it stops
     * the child. It finishes at the exit: output may still be arriving (see
     * the `finished` signal).
     * @param args - more arguments.
     * @returns an InProgress of the exit code (negative: killed by that signal).
     * @throws Error when a child is already running; TypeError on bad
     *   arguments or an empty command line.
     * @example
     * const code = await new kaa.Process('sleep').start('1');
     */
    start(args: string | readonly string[] = []): InProgress<number> {
        if (this.#state !== 'stopped' && this.#state !== 'hung')
            throw new Error(`${this}.start(): it is already running; stop() it or wait for its exit first`);
        const argv = buildArgv(this.#command, args);
        const ip = new InProgress<number>({ name: `Process ${argv[0]}` });
        let subprocess: Gio.Subprocess;
        let group: boolean;
        try {
            ({ subprocess, group } = spawn(this.#command, argv));
        } catch (error) {
            const message = (error as GLib.Error)?.message ?? String(error);
            return ip.throw(new Error(`Process: cannot start ${describeValue(argv.join(' '))}: ${message}`, { cause: error }));
        }
        const run = new Run(Process.#hooks, this, subprocess, ip, argv);
        this.#run = run;
        this.#groupRun = group ? run : null;
        this.#exitcode = null;
        this.#state = 'running';
        this.#streams?.attach(subprocess);
        onAbort(ip as InProgress<unknown>, () => {
            if (this.#run === run && !run.reaped)
                this.stop();
        });
        return ip;
    }

    /**
     * Stops the child: the stop command (if any) and a wait, then closing
     * stdin and SIGTERM and a wait, then SIGKILL and twice the wait. A child
     * that survives SIGKILL leaves the process `'hung'`, and both this
     * InProgress and the one of `start()` fail with an Error (a later `stop()`
     * tries again). Calls made while a stop runs share its InProgress; when
     * nothing runs it finishes at once.
     * @param options - `{cmd = stopCommand, wait = 3}`.
     * @returns an InProgress that finishes once the child has been reaped.
     * @throws TypeError on a bad option.
     * @example
     * await proc.stop({ cmd: 'quit\n', wait: 1 });
     */
    stop(options: StopOptions<Process> = {}): InProgress<void> {
        const { cmd, wait } = checkStopOptions(options, this.#stopCommand);
        if (this.#escalation !== null)
            return this.#escalation.inprogress;
        const run = this.#run;
        if (run === null || run.poll())
            return new InProgress<void>({ name: `${this}.stop()` }).finish();
        this.#state = 'stopping';
        const escalation = new Escalation(this.#stopTarget(run), cmd as StopCommand<never> | null, wait);
        this.#escalation = escalation;
        escalation.start();
        return escalation.inprogress;
    }

    /**
     * Sends a Unix signal to the running child, race-free (through GLib's
     * worker thread, which also reaps: never to a reaped pid's successor).
     * Does nothing when no child runs.
     * @param signo - the signal number (`1` SIGHUP, `10` SIGUSR1 …).
     * @throws TypeError when `signo` is not a positive integer; RangeError above 2**31 - 1.
     * @example
     * daemon.sendSignal(1); // SIGHUP: reload
     */
    sendSignal(signo: number): void {
        if (!Number.isInteger(signo) || signo <= 0)
            throw new TypeError(`Process.sendSignal(): \`signo\` must be a positive integer (got ${describeValue(signo)})`);
        checkRange('Process.sendSignal()', 'signo', signo, 1, MAX_INT);
        const run = this.#run;
        if (run !== null && !run.reaped)
            run.subprocess.send_signal(signo);
    }

    /**
     * Writes to the child's stdin.
     * @param data - a string (UTF-8), bytes or `GLib.Bytes`.
     * @returns an InProgress of the bytes written, finished once they are flushed.
     * @throws Error when no child runs or stdin is closed; RangeError beyond the write queue's limit (1 MiB).
     * @example
     * proc.write('hello\n');
     */
    write(data: string | Uint8Array | GLib.Bytes): InProgress<number> {
        if (this.#run === null || this.#run.reaped)
            throw new Error(`${this}.write(): no child is running`);
        return this.#io().write(data);
    }

    /**
     * The next chunk the child writes to stdout or stderr (whichever comes
     * first); an empty array once both are at their end.
     * @returns an InProgress of the bytes.
     * @example
     * const chunk = await proc.read();
     */
    read(): InProgress<Uint8Array> {
        return this.#io().read();
    }

    /**
     * The next line the child writes to stdout or stderr (with its
     * delimiter); the last partial line, then `''`, once both are at their end.
     * @returns an InProgress of the line.
     * @example
     * const line = await proc.readline();
     */
    readline(): InProgress<string> {
        return this.#io().readline();
    }

    /**
     * Starts the child if it is not running, writes `input` to its stdin,
     * closes stdin, reads stdout and stderr to their end (while writing, so a
     * child that answers while it reads cannot deadlock) and waits for the
     * exit. Aborting it stops the child.
     * @param input - what to write; default nothing.
     * @returns an InProgress of `[stdout, stderr]` (decoded as UTF-8).
     * @throws TypeError when `input` is neither a string nor bytes.
     * @example
     * const [out, err] = await new kaa.Process(['sort']).communicate('b\na\n'); // 'a\nb\n'
     */
    communicate(input: string | Uint8Array | null = null): InProgress<[stdout: string, stderr: string]> {
        if (input !== null && typeof input !== 'string' && !(input instanceof Uint8Array))
            throw new TypeError(`Process.communicate(): \`input\` must be a string or a Uint8Array (got ${describeValue(input)})`);
        const io = this.#io();
        const started = this.#run !== null && !this.#run.reaped && this.#state !== 'hung' ? this.#run.ip : this.start();
        if (started.failed)
            return new InProgress<[string, string]>().throw(started.exception);
        const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input ?? new Uint8Array(0);
        return io.communicate(bytes, started, () => void this.stop());
    }

    /**
     * The InProgress of the current (or last) child's `start()`, for `kaa.inprogress(process)`.
     * @returns the InProgress of the exit code.
     * @throws Error when it was never started.
     * @example
     * const code = await kaa.inprogress(proc);
     */
    inprogress(): InProgress<number> {
        if (this.#run === null)
            throw new Error(`${this}.inprogress(): it has not been started`);
        return this.#run.ip;
    }

    /**
     * Describes it: `Process 'sleep 10' (pid 1234, running)`.
     * @returns the description.
     * @example
     * print(String(proc));
     */
    toString(): string {
        const { cmd } = this.#command;
        const line = typeof cmd === 'string' ? cmd : cmd.join(' ');
        return `Process ${describeValue(line)} (${this.#run?.pid ? `pid ${this.#run.pid}, ` : ''}${this.#state})`;
    }

    /** The channels, made on first use and wired to a running child's pipes. */
    #io(): ProcessStreams {
        if (this.#streams === null) {
            const streams = new ProcessStreams(this.#delimiter, this.#dumpfile, () => String(this));
            streams.onBothClosed = () => this.#maybeFinished();
            const run = this.#run;
            if (run !== null && !run.pipesClosed)
                streams.attach(run.subprocess);
            this.#streams = streams;
        }
        return this.#streams;
    }

    #stopTarget(run: Run<Process>): StopTarget {
        return {
            poll: () => run.poll(),
            runStopCommand: cmd => {
                if (typeof cmd === 'function')
                    (cmd as (p: Process) => unknown)(this);
                else
                    this.#io().write(cmd);
            },
            closeStdin: () => this.#io().closeStdin(),
            sendSignal: signo => {
                this.sendSignal(signo);
                // …and what it started: its group (group.ts), also once it has exited itself.
                if (this.#groupRun === run && run.pid !== null)
                    signalGroups([run.pid], signo);
            },
            changed: (state, error) => {
                if (state !== 'dying')
                    this.#escalation = null;
                if (state !== 'running' || this.stopping)
                    this.#state = state;
                if (error && !run.ip.finished)
                    run.ip.throw(error);
            },
            toString: () => String(this),
        };
    }

    #reaped(run: Run<Process>): void {
        const code = run.takeExit();
        if (code === null)
            return;
        if (this.#run !== run) {
            if (!run.ip.finished)
                run.ip.finish(code);
            return;
        }
        this.#exitcode = code;
        this.#state = 'stopped';
        const escalation = this.#escalation;
        this.#escalation = null;
        this.#signals?.exited.emit(code);
        if (!run.ip.finished)
            run.ip.finish(code);
        escalation?.exited();
        if (this.#run !== run)
            return; // restarted by a callback
        if (this.#streams !== null)
            this.#streams.childExited();
        else
            run.closePipes();
        this.#maybeFinished();
    }

    #maybeFinished(): void {
        const run = this.#run;
        if (run === null || !run.reaped || run.done || this.#exitcode === null || !(this.#streams?.bothClosed ?? true))
            return;
        run.done = true;
        this.#signals?.finished.emit(this.#exitcode);
    }
}
