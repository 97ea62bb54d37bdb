// Runs an example (or an installed tool) in a child process for the example
// specs: argv as given, the repository root as the working directory, the
// output collected line by line so a spec can wait for a line, signal the
// child, and read its exit status. Not a spec file itself.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

/** The repository root (set by the spec runner). */
export const ROOT = GLib.getenv('KAA_ROOT') ?? GLib.get_current_dir();

/** How a child ended: exit status (128+signo when killed by a signal), stdout and stderr. */
export interface ChildResult {
    status: number;
    stdout: string;
    stderr: string;
}

/** A running example. */
export interface ExampleChild {
    proc: Gio.Subprocess;
    /** Resolves with the first stdout line containing `text`; rejects after `timeout` seconds or at exit. */
    waitFor(text: string, timeout?: number): Promise<string>;
    /** The stdout collected so far. */
    readonly stdout: string;
    /** Resolves when the child has exited and both pipes are drained. */
    done: Promise<ChildResult>;
    /** Sends `signo` to the child (harmless once it has exited). */
    kill(signo: number): void;
}

/** Options of {@link spawnExample}. */
export interface SpawnOptions {
    /** Variables added to (a string) or removed from (null) the environment. */
    env?: Record<string, string | null>;
    /** The working directory; default the repository root. */
    cwd?: string;
}

function readAll(stream: Gio.InputStream, onText: (text: string) => void, onEnd: () => void): void {
    const decoder = new TextDecoder();
    const next = () => stream.read_bytes_async(65536, GLib.PRIORITY_DEFAULT, null, (_s, res) => {
        const bytes = stream.read_bytes_finish(res);
        if (bytes.get_size() === 0) {
            onEnd();
            return;
        }
        onText(decoder.decode(bytes.toArray())); // GJS 1.74: no {stream: true}; the examples print ASCII
        next();
    });
    next();
}

/**
 * Starts `argv` (e.g. `['gjs', '-m', 'examples/hello/main.js']`) with
 * stdout and stderr piped.
 * @example
 * const child = spawnExample(['gjs', '-m', 'examples/hello/main.js']);
 * await child.waitFor('tick 1');
 */
export function spawnExample(argv: string[], options: SpawnOptions = {}): ExampleChild {
    const launcher = new Gio.SubprocessLauncher({
        flags: Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE,
    });
    launcher.set_cwd(options.cwd ?? ROOT);
    for (const [k, v] of Object.entries(options.env ?? {})) {
        if (v === null)
            launcher.unsetenv(k);
        else
            launcher.setenv(k, v, true);
    }
    const proc = launcher.spawnv(argv);
    let out = '';
    let err = '';
    let exited = false;
    const waiters: { text: string; resolve: (line: string) => void; reject: (e: Error) => void; timer: number }[] = [];
    const settle = () => {
        for (const w of waiters.slice()) {
            const line = out.split('\n').find(l => l.includes(w.text));
            if (line !== undefined || exited) {
                waiters.splice(waiters.indexOf(w), 1);
                GLib.source_remove(w.timer);
                if (line !== undefined)
                    w.resolve(line);
                else
                    w.reject(new Error(`${argv.join(' ')} exited before printing "${w.text}"\nstdout:\n${out}\nstderr:\n${err}`));
            }
        }
    };
    const ends: Promise<void>[] = [];
    for (const [stream, append] of [
        [proc.get_stdout_pipe(), (t: string) => { out += t; settle(); }],
        [proc.get_stderr_pipe(), (t: string) => { err += t; }],
    ] as const) {
        ends.push(new Promise(resolve => readAll(stream as Gio.InputStream, append, resolve)));
    }
    const done = new Promise<ChildResult>(resolve => {
        proc.wait_async(null, () => {
            void Promise.all(ends).then(() => {
                exited = true;
                settle();
                const status = proc.get_if_signaled() ? 128 + proc.get_term_sig() : proc.get_exit_status();
                resolve({ status, stdout: out, stderr: err });
            });
        });
    });
    return {
        proc,
        done,
        get stdout() {
            return out;
        },
        kill: signo => {
            if (!exited)
                proc.send_signal(signo);
        },
        waitFor: (text, timeout = 15) => new Promise((resolve, reject) => {
            const timer = GLib.timeout_add(GLib.PRIORITY_DEFAULT, timeout * 1000, () => {
                waiters.splice(waiters.findIndex(w => w.timer === timer), 1);
                reject(new Error(`no line with "${text}" after ${timeout} s\nstdout:\n${out}\nstderr:\n${err}`));
                return GLib.SOURCE_REMOVE;
            });
            waiters.push({ text, resolve, reject, timer });
            settle();
        }),
    };
}

/** Resolves after `seconds`. */
export function sleep(seconds: number): Promise<void> {
    return new Promise(resolve => GLib.timeout_add(GLib.PRIORITY_DEFAULT, seconds * 1000, () => {
        resolve();
        return GLib.SOURCE_REMOVE;
    }));
}

/** Runs `argv` to completion (see {@link spawnExample}). */
export function runExample(argv: string[], options: SpawnOptions = {}): Promise<ChildResult> {
    return spawnExample(argv, options).done;
}

/** Expects `r` to have exited with 0, showing `what` and its output otherwise. */
export function expectOk(r: ChildResult, what: string): void {
    expect(r.status).withContext(`${what}\n${r.stdout}\n${r.stderr}`).toBe(0);
}
