// kaa-watch: runs a command whenever something in a directory changes.
//
//   kaa-watch [OPTIONS] DIR -- COMMAND [ARG...]
//
// A small system tool on kaa: a Gio.FileMonitor on DIR, a kaa timer that
// debounces bursts of changes (timed() with POLICY_RESTART: the command
// runs once things have been quiet for --debounce seconds), and the command
// run as a kaa.Process with its output passed through. A change during a
// run queues exactly one more run. Ctrl-C or SIGTERM stops kaa, whose
// shutdown stops a command still running.
//
// This module takes the kaa module as an argument instead of importing it,
// so that the same code runs from the repository (examples/kaa-tool/main.js
// imports dist/kaa.js) and installed by meson (the `kaa-watch` launcher in
// <bindir> imports <datadir>/kaa/kaa.js).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';

const USAGE = `Usage: kaa-watch [OPTIONS] DIR -- COMMAND [ARG...]

Runs COMMAND whenever a file in DIR is created, changed, moved or deleted,
once the changes have been quiet for a moment.

Options:
  -d, --debounce SECONDS  quiet time before running (default 0.3)
  -n, --max-runs N        exit after N runs, with the last run's status
  -i, --initial           run once at start, before any change
  -q, --quiet             print only the command's own output
  -h, --help              show this help and exit
`;

/** An error in the command line: printed with the usage hint, exit status 2. */
class UsageError extends Error {}

/** Parses `argv` (without the program name) into the tool's options. */
export function parseArgs(argv) {
    const opts = { debounce: 0.3, maxRuns: 0, initial: false, quiet: false, dir: null, command: null, help: false };
    const args = argv.slice();
    const value = name => {
        if (!args.length)
            throw new UsageError(`${name} needs a value`);
        return args.shift();
    };
    while (args.length) {
        const a = args.shift();
        if (a === '--') {
            opts.command = args.splice(0);
            break;
        }
        switch (a) {
        case '-h': case '--help': opts.help = true; return opts;
        case '-i': case '--initial': opts.initial = true; break;
        case '-q': case '--quiet': opts.quiet = true; break;
        case '-d': case '--debounce': {
            opts.debounce = Number(value(a));
            if (!(opts.debounce >= 0) || opts.debounce === Infinity)
                throw new UsageError(`${a} must be a number of seconds >= 0`);
            break;
        }
        case '-n': case '--max-runs': {
            opts.maxRuns = Number(value(a));
            if (!Number.isInteger(opts.maxRuns) || opts.maxRuns < 1)
                throw new UsageError(`${a} must be a whole number >= 1`);
            break;
        }
        default:
            if (a.startsWith('-'))
                throw new UsageError(`unknown option ${a}`);
            if (opts.dir !== null)
                throw new UsageError(`one directory only (got ${opts.dir} and ${a}); the command goes after --`);
            opts.dir = a;
        }
    }
    if (opts.dir === null)
        throw new UsageError('no directory given');
    if (!opts.command?.length)
        throw new UsageError('no command given (put it after --)');
    if (!GLib.file_test(opts.dir, GLib.FileTest.IS_DIR))
        throw new UsageError(`${opts.dir} is not a directory`);
    return opts;
}

// GLib 2.80 moved Gio.UnixOutputStream to GioUnix.OutputStream (gi://GioUnix,
// absent before 2.80; the old name prints a deprecation warning on GJS >= 1.80).
const UnixOutputStream = (() => {
    try {
        return imports.gi.GioUnix.OutputStream;
    } catch {
        return Gio.UnixOutputStream;
    }
})();
const stdoutStream = new UnixOutputStream({ fd: 1, close_fd: false });
const stderrStream = new UnixOutputStream({ fd: 2, close_fd: false });

/**
 * Starts `argv` as a kaa.Process and passes its output through, byte for
 * byte; returns an InProgress of its exit code (negative: killed by that
 * signal) that finishes once its output has all been passed on: start()'s
 * own InProgress finishes at the exit, when the last output may still be in
 * the pipe, and `finished` comes after it is read. kaa's supervisor stops
 * the child at shutdown (Ctrl-C, SIGTERM).
 */
function spawn(kaa, argv) {
    const proc = new kaa.Process(argv);
    proc.signals.read.connect((data, stream) => {
        (stream === 'stderr' ? stderrStream : stdoutStream).write_all(data, null);
    });
    const done = new kaa.InProgress();
    proc.signals.finished.connectOnce(code => done.finish(code));
    proc.start().connectBoth(() => undefined, error => {
        if (!done.finished)
            done.throw(error);
    });
    return done;
}

/**
 * The tool: parses `argv`, watches, and runs kaa's loop until Ctrl-C,
 * SIGTERM or `--max-runs`. Call it synchronously from the top level of a
 * module or from a GLib callback (never after an `await`: GJS 1.74).
 * @param kaa - the kaa module.
 * @param argv - the arguments (without the program name).
 * @returns the exit status: the last run's with `--max-runs`, 128+signo after a signal, 2 for a usage error.
 */
export function main(kaa, argv) {
    let opts;
    try {
        opts = parseArgs(argv);
    } catch (error) {
        if (!(error instanceof UsageError))
            throw error;
        printerr(`kaa-watch: ${error.message}\nTry 'kaa-watch --help'.`);
        return 2;
    }
    if (opts.help) {
        print(USAGE.trimEnd());
        return 0;
    }
    const note = text => {
        if (!opts.quiet)
            print(`kaa-watch: ${text}`);
    };

    const changed = new Set(); // names changed since the last run
    const created = new Set(); // … of which created since the last run
    let running = null;
    let again = false;
    let runs = 0;
    let finalStatus = null;

    const runCommand = () => {
        if (running) {
            again = true; // one more run after this one
            return;
        }
        const what = changed.size ? ` (${[...changed].sort().join(', ')})` : '';
        changed.clear();
        created.clear();
        note(`running ${opts.command.join(' ')}${what}`);
        running = spawn(kaa, opts.command);
        running.connectBoth(code => finished(code), error => {
            printerr(`kaa-watch: could not run ${opts.command[0]}: ${error.message}`);
            finished(127);
        });
    };
    const finished = code => {
        running = null;
        runs++;
        note(`exit ${code}`);
        if (opts.maxRuns && runs >= opts.maxRuns) {
            finalStatus = code < 0 ? 128 - code : code;
            kaa.main.stop();
        } else if (again) {
            again = false;
            runCommand();
        }
    };
    // Debounce: every change restarts the one-shot timer behind `schedule`.
    const schedule = kaa.timed(opts.debounce, { timer: kaa.OneShotTimer, policy: kaa.POLICY_RESTART })(runCommand);

    const dir = Gio.File.new_for_path(opts.dir);
    const monitor = dir.monitor_directory(Gio.FileMonitorFlags.WATCH_MOVES, null);
    // The names changed since the last run, net: a file created and then
    // deleted or renamed away within one batch (an editor's or
    // g_file_set_contents()'s temporary file) is not reported.
    const forget = name => {
        if (created.delete(name))
            changed.delete(name);
    };
    monitor.connect('changed', (_monitor, file, other, event) => {
        const name = file ? dir.get_relative_path(file) : null;
        const otherName = other ? dir.get_relative_path(other) : null;
        switch (event) {
        case Gio.FileMonitorEvent.ATTRIBUTE_CHANGED:
        case Gio.FileMonitorEvent.PRE_UNMOUNT:
            return;
        case Gio.FileMonitorEvent.CREATED:
            if (name && !changed.has(name))
                created.add(name);
            break;
        case Gio.FileMonitorEvent.DELETED:
        case Gio.FileMonitorEvent.MOVED_OUT:
            if (name && created.has(name)) {
                forget(name);
                schedule();
                return;
            }
            break;
        case Gio.FileMonitorEvent.RENAMED:
            if (name && created.has(name)) {
                forget(name);
                if (otherName)
                    changed.add(otherName);
                schedule();
                return;
            }
            break;
        }
        for (const n of [name, otherName]) {
            if (n)
                changed.add(n);
        }
        schedule();
    });
    kaa.signals.shutdown.connect(() => monitor.cancel());

    // Once the loop runs (and so handles Ctrl-C and SIGTERM): say so, and
    // make the initial run.
    new kaa.OneShotTimer(() => {
        note(`watching ${opts.dir}`);
        if (opts.initial)
            runCommand();
    }).start(0);
    const status = kaa.main.run();
    return finalStatus ?? status;
}
