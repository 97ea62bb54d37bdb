/**
 * `Process`: a child process on `Gio.Subprocess` (kaa.base's `kaa.Process`).
 *
 * - argv is never passed through a shell unless `shell: true`: a string
 *   command is split with `GLib.shell_parse_argv` (quotes are honoured, but
 *   `;`, `$HOME`, globs and redirections are literal text);
 * - the child always gets three pipes: stdin, stdout and stderr, behind the
 *   `stdin`/`stdout`/`stderr` IOChannels (which exist before `start()` and
 *   are wired to each new child's pipes);
 * - exits: see supervisor.ts (a `wait_async()` callback, backed by an
 *   iteration check because GJS 1.74 may drop that callback during a GC);
 * - stopping: see stop.ts (stop command → SIGTERM → SIGKILL → hung);
 * - a running Process is referenced by the supervisor, so it need not be
 *   kept by the caller, and it is stopped at shutdown.
 * @module
 */
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import { describeValue } from '../notifier/errors.js';
import { Signals } from '../notifier/signals.js';
import { reportException } from '../notifier/sources.js';
import { InProgress, onAbort } from '../async/inprogress.js';
import { decodeWaitStatus } from './child-watch.js';
import { Escalation, checkStopOptions, requireStopCommand, type StopCommand, type StopOptions, type StopTarget } from './stop.js';
import { ProcessStreams, type Dumpfile, type StreamName } from './streams.js';
import { release, supervise, type SupervisedChild } from './supervisor.js';
import type { IOChannel } from '../io/index.js';

/** The states of a Process. */
export type ProcessState = 'stopped' | 'running' | 'stopping' | 'dying' | 'hung';

/** The signals of a Process: output of either stream (with its name), the exit, the end of everything. */
export type ProcessSignals = Signals<{
    read: [data: Uint8Array, stream: StreamName];
    readline: [line: string, stream: StreamName];
    exited: [code: number];
    finished: [code: number];
}>;

/** Options of the {@link Process} constructor. */
export interface ProcessOptions {
    /** Run `cmd` (a string) with `/bin/sh -c`. @default false */
    shell?: boolean;
    /** The child's working directory. @default null (the parent's) */
    cwd?: string | null;
    /** Variables merged into the parent's environment; `null` unsets one. @default null */
    env?: Record<string, string | null> | null;
    /** A file path or IOChannel that receives everything the child writes to stdout and stderr. @default null */
    dumpfile?: Dumpfile | null;
    /** See {@link Process.stopCommand}. @default null */
    stopCommand?: StopCommand<Process> | null;
    /** See {@link Process.delimiter}. @default '\n' */
    delimiter?: string;
}

const OPTIONS = ['shell', 'cwd', 'env', 'dumpfile', 'stopCommand', 'delimiter'];
const FLAGS = Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE;

/** One child run by a Process: `start()` makes one, a restart after `'hung'` another. */
interface Run extends SupervisedChild {
    readonly subprocess: Gio.Subprocess;
    readonly pid: number;
    readonly ip: InProgress<number>;
    reaped: boolean;
    /** `finished` was emitted. */
    done: boolean;
}

function parseArgv(what: string, text: string): string[] {
    if (text.trim() === '')
        return [];
    try {
        return GLib.shell_parse_argv(text)[1] ?? [];
    } catch (error) {
        throw new TypeError(`${what}: cannot split ${describeValue(text)}: ${(error as GLib.Error).message}`, { cause: error });
    }
}

function requireArgv(what: string, argv: readonly unknown[]): string[] {
    argv.forEach((arg, i) => {
        if (typeof arg !== 'string')
            throw new TypeError(`${what}: argument ${i} must be a string (got ${describeValue(arg)})`);
    });
    return argv as string[];
}

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
export class Process implements StopTarget {
    readonly #cmd: readonly string[] | string;
    readonly #cwd: string | null;
    readonly #env: Record<string, string | null> | null;
    readonly #streams: ProcessStreams;
    readonly #signals: ProcessSignals;
    #stopCommand: StopCommand<Process> | null;
    #state: ProcessState = 'stopped';
    #run: Run | null = null;
    #exitcode: number | null = null;
    #escalation: Escalation | null = null;

    /**
     * @param cmd - the command: an argv array, or a string split like a shell would (without running one).
     * @param options - `{shell, cwd, env, dumpfile, stopCommand, delimiter}`.
     * @throws TypeError on a bad command or option (`shell: true` needs a string command).
     */
    constructor(cmd: string | readonly string[], options: ProcessOptions = {}) {
        if (options === null || typeof options !== 'object')
            throw new TypeError(`Process: \`options\` must be an object (got ${describeValue(options)})`);
        for (const key of Object.keys(options)) {
            if (!OPTIONS.includes(key))
                throw new TypeError(`Process: unknown option \`${key}\` (expected ${OPTIONS.join(', ')})`);
        }
        const { shell = false, cwd = null, env = null, dumpfile = null, stopCommand = null, delimiter = '\n' } = options;
        if (typeof shell !== 'boolean')
            throw new TypeError(`Process: \`shell\` must be a boolean (got ${describeValue(shell)})`);
        if (typeof cmd === 'string') {
            this.#cmd = shell ? cmd : parseArgv('Process', cmd);
        } else if (Array.isArray(cmd)) {
            if (shell)
                throw new TypeError('Process: `shell: true` needs a string command, not an array (got ' +
                    `${describeValue(cmd)}); pass the array without \`shell\` — no shell is needed for argv`);
            this.#cmd = requireArgv('Process', cmd).slice();
        } else {
            throw new TypeError(`Process: \`cmd\` must be a string or an array of strings (got ${describeValue(cmd)})`);
        }
        if (cwd !== null && typeof cwd !== 'string')
            throw new TypeError(`Process: \`cwd\` must be a string or null (got ${describeValue(cwd)})`);
        if (env !== null && (typeof env !== 'object' || Array.isArray(env)))
            throw new TypeError(`Process: \`env\` must be an object or null (got ${describeValue(env)})`);
        for (const [name, value] of Object.entries(env ?? {})) {
            if (value !== null && typeof value !== 'string')
                throw new TypeError(`Process: \`env.${name}\` must be a string or null (got ${describeValue(value)})`);
        }
        requireStopCommand('stopCommand', stopCommand);
        this.#cwd = cwd;
        this.#env = env ? { ...env } : null;
        this.#stopCommand = stopCommand;
        this.#signals = new Signals<{
            read: [data: Uint8Array, stream: StreamName];
            readline: [line: string, stream: StreamName];
            exited: [code: number];
            finished: [code: number];
        }>('read', 'readline', 'exited', 'finished');
        this.#streams = new ProcessStreams(this.#signals, { delimiter, dumpfile, name: () => String(this) });
        this.#streams.onBothClosed = () => this.#maybeFinished();
    }

    /** `read(data, stream)`, `readline(line, stream)`, `exited(code)`, `finished(code)`. */
    get signals(): ProcessSignals {
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

    /** The pid of the current (or last) child; null before the first start. */
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

    /** The line delimiter of stdout and stderr (for `readline`). @default '\n' */
    get delimiter(): string {
        return this.#streams.delimiter;
    }

    set delimiter(value: string) {
        this.#streams.delimiter = value;
    }

    /** The child's stdin, an IOChannel that exists before `start()` (writable while a child runs). */
    get stdin(): IOChannel {
        return this.#streams.stdin;
    }

    /** The child's stdout, an IOChannel that exists before `start()`. */
    get stdout(): IOChannel {
        return this.#streams.stdout;
    }

    /** The child's stderr, an IOChannel that exists before `start()`. */
    get stderr(): IOChannel {
        return this.#streams.stderr;
    }

    /**
     * Starts the child. The command is `cmd` followed by `args` (a string
     * is split like `cmd`; with `shell: true` it is appended to the shell
     * command). A program that cannot be run (missing, not executable, bad
     * `cwd`) fails the returned InProgress with that error. Aborting it stops the child.
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
        const argv = this.#argv(args);
        const ip = new InProgress<number>({ name: `Process ${describeValue(argv[0])}` });
        let subprocess: Gio.Subprocess;
        try {
            subprocess = this.#spawn(argv);
        } catch (error) {
            const message = (error as GLib.Error)?.message ?? String(error);
            return ip.throw(new Error(`Process: cannot start ${describeValue(argv.join(' '))}: ${message}`, { cause: error }));
        }
        const pid = Number(subprocess.get_identifier());
        const run: Run = {
            subprocess, pid, ip, reaped: false, done: false,
            poll: () => this.#poll(run),
            stop: () => (this.#run === run ? this.stop() : new InProgress<void>().throw(new Error(`${this}: pid ${pid} is hung`))),
            toString: () => `Process ${describeValue(argv.join(' '))} (pid ${pid})`,
        };
        this.#run = run;
        this.#exitcode = null;
        this.#state = 'running';
        this.#streams.attach(subprocess);
        supervise(run);
        subprocess.wait_async(null, () => {
            try {
                this.#reaped(run);
            } catch (error) {
                reportException(error);
            }
        });
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
     * InProgress and the one of `start()` fail with an Error. Calls made
     * while a stop runs share its InProgress; when nothing runs it finishes at once.
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
        if (run === null || run.reaped || this.#state === 'hung' || this.#poll(run))
            return new InProgress<void>({ name: `${this}.stop()` }).finish();
        this.#state = 'stopping';
        const escalation = new Escalation(this, cmd as StopCommand<never> | null, wait);
        this.#escalation = escalation;
        escalation.inprogress.connectBoth(() => undefined, () => undefined);
        escalation.start();
        return escalation.inprogress;
    }

    /**
     * Writes to the child's stdin.
     * @param data - a string (UTF-8), bytes or `GLib.Bytes`.
     * @returns an InProgress of the bytes written, finished once they are flushed.
     * @throws Error when no child runs or stdin is closed; what `IOChannel.write()` throws.
     * @example
     * proc.write('hello\n');
     */
    write(data: string | Uint8Array | GLib.Bytes): InProgress<number> {
        if (this.#run === null || this.#run.reaped)
            throw new Error(`${this}.write(): no child is running`);
        return this.#streams.write(data);
    }

    /**
     * The next chunk the child writes to stdout or stderr (whichever comes
     * first); an empty array once both are at their end.
     * @returns an InProgress of the bytes.
     * @example
     * const chunk = await proc.read();
     */
    read(): InProgress<Uint8Array> {
        return this.#streams.read();
    }

    /**
     * The next line the child writes to stdout or stderr (with its
     * delimiter); the last partial line, then `''`, once both are at their end.
     * @returns an InProgress of the line.
     * @example
     * const line = await proc.readline();
     */
    readline(): InProgress<string> {
        return this.#streams.readline();
    }

    /**
     * Starts the child if it is not running, writes `input` to its stdin,
     * closes stdin, reads stdout and stderr to their end (concurrently with
     * the writing, so a child that answers while it reads cannot deadlock)
     * and waits for the exit. Aborting it stops the child.
     * @param input - what to write; default nothing.
     * @returns an InProgress of `[stdout, stderr]` (decoded as UTF-8).
     * @throws TypeError when `input` is neither a string nor bytes.
     * @example
     * const [out, err] = await new kaa.Process(['sort']).communicate('b\na\n'); // 'a\nb\n'
     */
    communicate(input: string | Uint8Array | null = null): InProgress<[stdout: string, stderr: string]> {
        if (input !== null && typeof input !== 'string' && !(input instanceof Uint8Array))
            throw new TypeError(`Process.communicate(): \`input\` must be a string or a Uint8Array (got ${describeValue(input)})`);
        const ip = new InProgress<[string, string]>({ name: `${this}.communicate()` });
        const started = this.running && this.#state !== 'hung' ? this.#run!.ip : this.start();
        if (started.finished && started.failed)
            return ip.waitFor(started as unknown as InProgress<[string, string]>);
        const output = this.#streams.collect(input);
        const all = InProgress.all(output, started);
        all.connectBoth(([texts]) => {
            if (!ip.finished)
                ip.finish(texts);
        }, error => {
            if (!ip.finished)
                ip.throw(error);
        });
        onAbort(ip as InProgress<unknown>, () => {
            if (!output.finished)
                output.abort();
            this.stop();
        });
        return ip;
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
        const cmd = typeof this.#cmd === 'string' ? this.#cmd : this.#cmd.join(' ');
        return `Process ${describeValue(cmd)} (${this.#run ? `pid ${this.#run.pid}, ` : ''}${this.#state})`;
    }

    // ---- StopTarget (stop.ts) ----

    /** @internal */
    poll(): boolean {
        return this.#run === null || this.#poll(this.#run);
    }

    /** @internal */
    runStopCommand(cmd: StopCommand<Process>): void {
        if (typeof cmd === 'function')
            cmd(this);
        else
            this.#streams.write(cmd);
    }

    /** @internal */
    closeStdin(): void {
        this.#streams.closeStdin();
    }

    /** @internal */
    sendSignal(signo: number): void {
        const run = this.#run;
        if (run !== null && !run.reaped)
            run.subprocess.send_signal(signo);
    }

    /** @internal */
    dying(): void {
        this.#state = 'dying';
    }

    /** @internal */
    hung(error: Error): void {
        this.#state = 'hung';
        this.#escalation = null;
        const ip = this.#run?.ip;
        if (ip && !ip.finished)
            ip.throw(error);
    }

    /** @internal */
    stopAborted(): void {
        this.#escalation = null;
        if (this.#state === 'stopping' || this.#state === 'dying')
            this.#state = 'running';
    }

    // ---- internals ----

    #argv(args: unknown): string[] {
        let argv: string[];
        if (typeof this.#cmd === 'string') {
            if (typeof args !== 'string' && !(Array.isArray(args) && args.length === 0))
                throw new TypeError(`Process.start(): with \`shell: true\`, \`args\` must be a string (got ${describeValue(args)})`);
            const line = args === '' || Array.isArray(args) ? this.#cmd : `${this.#cmd} ${args}`;
            if (line.trim() === '')
                throw new TypeError('Process.start(): the command line is empty');
            argv = ['/bin/sh', '-c', line];
        } else if (typeof args === 'string') {
            argv = [...this.#cmd, ...parseArgv('Process.start()', args)];
        } else if (Array.isArray(args)) {
            argv = [...this.#cmd, ...requireArgv('Process.start()', args)];
        } else {
            throw new TypeError(`Process.start(): \`args\` must be a string or an array of strings (got ${describeValue(args)})`);
        }
        if (argv.length === 0 || argv[0] === '')
            throw new TypeError(`Process.start(): the command line is empty (argv ${describeValue(argv)}); name a program to run`);
        return argv;
    }

    #spawn(argv: string[]): Gio.Subprocess {
        if (this.#cwd === null && this.#env === null)
            return Gio.Subprocess.new(argv, FLAGS);
        const launcher = new Gio.SubprocessLauncher({ flags: FLAGS });
        if (this.#cwd !== null)
            launcher.set_cwd(this.#cwd);
        for (const [name, value] of Object.entries(this.#env ?? {})) {
            if (value === null)
                launcher.unsetenv(name);
            else
                launcher.setenv(name, value, true);
        }
        return launcher.spawnv(argv);
    }

    /** True when `run`'s child has been reaped (GLib's worker thread set its pid to 0); handles the exit. */
    #poll(run: Run): boolean {
        if (!run.reaped && run.subprocess.get_identifier() === null)
            this.#reaped(run);
        return run.reaped;
    }

    #reaped(run: Run): void {
        if (run.reaped)
            return;
        run.reaped = true;
        release(run);
        const code = decodeWaitStatus(run.subprocess.get_status());
        if (this.#run !== run) {
            if (!run.ip.finished)
                run.ip.finish(code);
            return;
        }
        this.#exitcode = code;
        this.#state = 'stopped';
        const escalation = this.#escalation;
        this.#escalation = null;
        this.#signals.exited.emit(code);
        if (!run.ip.finished)
            run.ip.finish(code);
        escalation?.exited();
        if (this.#run !== run)
            return; // restarted by a callback
        this.#streams.childExited();
        this.#maybeFinished();
    }

    #maybeFinished(): void {
        const run = this.#run;
        if (run === null || !run.reaped || run.done || this.#exitcode === null || !this.#streams.bothClosed)
            return;
        run.done = true;
        this.#signals.finished.emit(this.#exitcode);
    }
}
