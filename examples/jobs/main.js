// kaa-jobs: run a list of commands, N at a time, with a progress line.
//
//   npm run build && gjs -m examples/jobs/main.js [-j N] [--keep-going] JOBFILE
//   printf 'sleep 1\necho hi\n' | gjs -m examples/jobs/main.js -j 4 -
//
// JOBFILE holds one command per line ('-' reads them from stdin; blank lines
// and lines starting with # are skipped). A command is split like a shell
// would split it (quotes work) but is never run by a shell: `;`, `|`, `$VAR`
// and `>` are plain arguments — write `sh -c '...'` where a shell is wanted.
// Each job is a kaa.Process whose communicate() collects its output; when a
// job ends, its output is printed as one block (jobs never interleave), and
// the progress line on stderr is redrawn (on a terminal; elsewhere one line
// per finished job). The first failure stops launching new jobs unless
// --keep-going; Ctrl-C or SIGTERM ends kaa.main.run() and kaa's shutdown
// sequence stops the running jobs and reaps them before run() returns.
// Exit status: 0 when every job exited 0, 1 when one failed, 2 on bad usage,
// 130/143 after SIGINT/SIGTERM.
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import system from 'system';
import * as kaa from '../../dist/kaa.js';

const TTY = GLib.log_writer_supports_color(2);
// GLib 2.80 moved Gio.UnixInputStream/UnixOutputStream to GioUnix (gi://GioUnix,
// absent before 2.80; the old names print a deprecation warning on GJS >= 1.80).
const [UnixInputStream, UnixOutputStream] = (() => {
    try {
        return [imports.gi.GioUnix.InputStream, imports.gi.GioUnix.OutputStream];
    } catch {
        return [Gio.UnixInputStream, Gio.UnixOutputStream];
    }
})();
const stderr = new UnixOutputStream({ fd: 2, close_fd: false });
const encoder = new TextEncoder();

function usage(message) {
    printerr(`kaa-jobs: ${message}\nusage: gjs -m examples/jobs/main.js [-j N] [--keep-going] JOBFILE|-`);
    system.exit(2);
}

function parseArgs(argv) {
    const opts = { jobs: GLib.get_num_processors(), keepGoing: false, file: null };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '-j' || arg === '--jobs') {
            opts.jobs = Number(argv[++i]);
            if (!Number.isInteger(opts.jobs) || opts.jobs < 1)
                usage(`${arg} needs a number >= 1`);
        } else if (arg === '-k' || arg === '--keep-going') {
            opts.keepGoing = true;
        } else if (arg.startsWith('-') && arg !== '-') {
            usage(`unknown option ${arg}`);
        } else if (opts.file === null) {
            opts.file = arg;
        } else {
            usage('one JOBFILE only');
        }
    }
    if (opts.file === null)
        usage('no JOBFILE given');
    return opts;
}

/** The job lines, read before the loop starts (blocking is fine then). */
function readJobs(file) {
    let bytes;
    if (file === '-') {
        const input = new UnixInputStream({ fd: 0, close_fd: false });
        const out = Gio.MemoryOutputStream.new_resizable();
        out.splice(input, Gio.OutputStreamSpliceFlags.CLOSE_TARGET, null);
        bytes = out.steal_as_bytes().toArray();
    } else {
        try {
            bytes = GLib.file_get_contents(file)[1];
        } catch (e) {
            usage(`cannot read ${file}: ${e.message}`);
        }
    }
    return new TextDecoder().decode(bytes).split('\n').map(l => l.trim()).filter(l => l && !l.startsWith('#'));
}

const opts = parseArgs(ARGV);
const commands = readJobs(opts.file);
const t0 = GLib.get_monotonic_time();
let next = 0;
let running = 0;
let finished = 0;
let failed = 0;
let stopped = false;

function progress() {
    const width = 24;
    const filled = commands.length ? Math.round(width * finished / commands.length) : width;
    const bar = `${'='.repeat(filled)}${filled < width ? '>' : ''}${' '.repeat(Math.max(0, width - filled - 1))}`;
    const seconds = ((GLib.get_monotonic_time() - t0) / 1e6).toFixed(1);
    const line = `[${bar}] ${finished}/${commands.length} done, ${running} running, ${failed} failed, ${seconds} s`;
    stderr.write_all(encoder.encode(TTY ? `\r\x1b[K${line}` : `${line}\n`), null);
}

/** Prints a finished job's output as one block. */
function report(index, command, code, out, err) {
    if (TTY)
        stderr.write_all(encoder.encode('\r\x1b[K'), null);
    const mark = code === 0 ? 'ok' : code === null ? 'FAILED TO START' : `FAILED (exit ${code})`;
    print(`[${index + 1}] ${command}: ${mark}`);
    for (const text of [out, err]) {
        if (text)
            print(text.replace(/\n$/, '').replace(/^/gm, '    '));
    }
}

function launch() {
    while (!stopped && running < opts.jobs && next < commands.length) {
        const index = next++;
        const command = commands[index];
        let proc;
        try {
            proc = new kaa.Process(command); // split like a shell, run without one
        } catch (e) {
            finish(index, command, null, '', e.message);
            continue;
        }
        running++;
        proc.communicate().connectBoth(([out, err]) => {
            running--;
            finish(index, command, proc.exitcode, out, err);
        }, error => {
            running--;
            finish(index, command, null, '', error.message);
        });
    }
    if (running === 0 && (next === commands.length || stopped))
        kaa.main.stop();
}

function finish(index, command, code, out, err) {
    finished++;
    if (code !== 0) {
        failed++;
        stopped ||= !opts.keepGoing;
    }
    report(index, command, code, out, err);
    progress();
    launch();
}

kaa.signals.shutdown.connect(() => {
    stopped = true;
    if (running)
        printerr(`${TTY ? '\n' : ''}kaa-jobs: stopping ${running} running job(s)`);
});
new kaa.OneShotTimer(() => {
    progress();
    launch();
}).start(0);
const status = kaa.main.run();
// The shutdown sequence has stopped and reaped whatever was still running.
if (TTY)
    stderr.write_all(encoder.encode('\n'), null);
printerr(`kaa-jobs: ${finished} of ${commands.length} job(s) finished, ${failed} failed`);
system.exit(status !== 0 ? status : failed ? 1 : 0);
