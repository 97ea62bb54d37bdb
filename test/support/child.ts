// Runs a small gjs program in a child process, for specs about process-wide
// behaviour (exit status, signals, shutdown). The program is an ES module;
// `KAA` in its source is replaced by the absolute URI of dist/kaa.js.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

/** The repository root (set by the runner). */
export const ROOT = GLib.getenv('KAA_ROOT') ?? GLib.get_current_dir();

/** A running child gjs program. */
export interface Child {
    proc: Gio.Subprocess;
    pid: number;
    /** Resolves with the first stdout line that contains `text`. */
    waitFor(text: string): Promise<string>;
    /** Resolves when the child exits: exit status (or 128+signal), stdout and stderr. */
    done: Promise<{ status: number; stdout: string; stderr: string }>;
}

/** Writes `source` to a temporary module and starts `gjs -m` on it. */
export function spawnGjs(source: string, env: Record<string, string> = {}): Child {
    const dir = GLib.dir_make_tmp('kaa-spec-XXXXXX');
    const file = `${dir}/main.js`;
    const kaaUri = GLib.filename_to_uri(`${ROOT}/dist/kaa.js`, null);
    GLib.file_set_contents(file, source.replace(/\bKAA\b/g, JSON.stringify(kaaUri)));
    const launcher = new Gio.SubprocessLauncher({
        flags: Gio.SubprocessFlags.STDOUT_PIPE | Gio.SubprocessFlags.STDERR_PIPE,
    });
    for (const [k, v] of Object.entries(env))
        launcher.setenv(k, v, true);
    const proc = launcher.spawnv(['gjs', '-m', file]);
    const stdout = new Gio.DataInputStream({ base_stream: proc.get_stdout_pipe() as Gio.InputStream });
    const stderrStream = proc.get_stderr_pipe() as Gio.InputStream;
    let out = '';
    let err = '';
    const waiters: { text: string; resolve: (line: string) => void }[] = [];
    let stdoutDone!: () => void;
    const stdoutClosed = new Promise<void>(r => (stdoutDone = r));
    const readLine = () => stdout.read_line_async(GLib.PRIORITY_DEFAULT, null, (_s, res) => {
        const [bytes] = stdout.read_line_finish_utf8(res);
        if (bytes === null) {
            stdoutDone();
            return;
        }
        out += `${bytes}\n`;
        for (const w of waiters.splice(0)) {
            if (bytes.includes(w.text))
                w.resolve(bytes);
            else
                waiters.push(w);
        }
        readLine();
    });
    readLine();
    let stderrDone!: () => void;
    const stderrClosed = new Promise<void>(r => (stderrDone = r));
    const readErr = () => stderrStream.read_bytes_async(65536, GLib.PRIORITY_DEFAULT, null, (_s, res) => {
        const bytes = stderrStream.read_bytes_finish(res);
        if (bytes.get_size() === 0) {
            stderrDone();
            return;
        }
        err += new TextDecoder().decode(bytes.toArray());
        readErr();
    });
    readErr();
    const done = new Promise<{ status: number; stdout: string; stderr: string }>(resolve => {
        proc.wait_async(null, () => {
            void Promise.all([stdoutClosed, stderrClosed]).then(() => {
                GLib.spawn_command_line_sync(`rm -rf ${dir}`);
                const status = proc.get_if_signaled() ? 128 + proc.get_term_sig() : proc.get_exit_status();
                resolve({ status, stdout: out, stderr: err });
            });
        });
    });
    return {
        proc,
        pid: Number(proc.get_identifier()),
        done,
        waitFor: text => out.split('\n').some(l => l.includes(text))
            ? Promise.resolve(out.split('\n').find(l => l.includes(text)) as string)
            : new Promise(resolve => waiters.push({ text, resolve })),
    };
}

/** Runs a gjs program to completion. */
export function runGjs(source: string, env: Record<string, string> = {}): Promise<{ status: number; stdout: string; stderr: string }> {
    return spawnGjs(source, env).done;
}
