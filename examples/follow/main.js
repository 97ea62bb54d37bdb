// kaa-follow: follow a growing file like `tail -f`, line by line, through a
// child `tail -f` process.
//
//   npm run build && gjs -m examples/follow/main.js [-n LINES] [--grep TEXT] FILE
//
// The lines arrive through the Process's `readline` signal, which carries the
// stream each line came from: stdout lines are printed with their number
// (only those containing TEXT with --grep), stderr lines (tail's complaints)
// go to stderr. Ctrl-C or SIGTERM ends kaa.main.run(); kaa's shutdown
// sequence stops the tail child (SIGTERM, then SIGKILL if it had to) and
// reaps it before run() returns, so no tail is left behind. If tail exits on
// its own (say, FILE cannot be read), the program ends with tail's status.
// Exit status: 130 after Ctrl-C, 143 after SIGTERM, tail's status if it
// ended first, 2 on bad usage.
import system from 'system';
import * as kaa from '../../dist/kaa.js';

function usage(message) {
    printerr(`kaa-follow: ${message}\nusage: gjs -m examples/follow/main.js [-n LINES] [--grep TEXT] FILE`);
    system.exit(2);
}

function parseArgs(argv) {
    const opts = { lines: 10, grep: null, file: null };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '-n' || arg === '--lines') {
            opts.lines = Number(argv[++i]);
            if (!Number.isInteger(opts.lines) || opts.lines < 0)
                usage(`${arg} needs a number of lines >= 0`);
        } else if (arg === '--grep') {
            opts.grep = argv[++i];
            if (opts.grep === undefined)
                usage('--grep needs a text');
        } else if (arg.startsWith('-') && arg !== '-') {
            usage(`unknown option ${arg}`);
        } else if (opts.file === null) {
            opts.file = arg;
        } else {
            usage('one FILE only');
        }
    }
    if (opts.file === null)
        usage('no FILE given');
    return opts;
}

const opts = parseArgs(ARGV);
// An argv array: FILE reaches tail as it is, whatever characters it holds.
const tail = new kaa.Process(['tail', '-n', String(opts.lines), '-f', '--', opts.file]);

let seen = 0;
let shown = 0;
tail.signals.readline.connect((line, stream) => {
    const text = line.endsWith('\n') ? line.slice(0, -1) : line;
    if (stream === 'stderr') {
        printerr(text);
        return;
    }
    seen++;
    if (opts.grep !== null && !text.includes(opts.grep))
        return;
    shown++;
    print(`${String(seen).padStart(6)}  ${text}`);
});

let endedByItself = false;
// `finished`, not `exited`: at the exit tail's last lines (an error message,
// say) may still be in the pipe; `finished` comes once they are all read.
tail.signals.finished.connect(code => {
    if (kaa.main.isShuttingDown())
        return; // the shutdown sequence stopped it
    endedByItself = true;
    printerr(`kaa-follow: tail exited with ${code}`);
    kaa.main.stop();
});

const started = tail.start();
started.connectBoth(() => undefined, error => {
    printerr(`kaa-follow: ${error.message}`);
    endedByItself = true;
    kaa.main.stop();
});
print(`following ${opts.file} (tail pid ${tail.pid}), Ctrl-C to stop`);

const status = kaa.main.run();
// run() returns after the shutdown sequence: tail has been stopped and reaped.
printerr(`kaa-follow: ${seen} line(s) read, ${shown} shown; tail ${tail.running ? 'still running!' : `ended with ${tail.exitcode}`}`);
if (endedByItself)
    system.exit(tail.exitcode === null ? 1 : Math.max(1, Math.abs(tail.exitcode)));
system.exit(status);
