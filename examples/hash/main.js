// kaa-hash: hash files in parallel in worker processes, with a progress line.
//
//   gjs -m examples/hash/main.js [--algorithm sha256|sha1|sha512|md5] FILE...
//
// Prints `DIGEST  PATH` lines in the format of sha256sum(1), in the order of
// the arguments. Each file is hashed by a kaa.threaded() function in kaa's
// default pool (one worker process per core): the worker opens the file
// itself — only its path crosses the pipe, and only the digest comes back —
// and reports its progress in bytes, which the main process sums into one
// progress line on stderr. No GTK: a plain command-line tool on kaa.main.run().
// Exit status: 0, 1 if a file could not be hashed, 2 on bad usage.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import system from 'system';
import * as kaa from '../../dist/kaa.js';

const ALGORITHMS = ['md5', 'sha1', 'sha256', 'sha384', 'sha512'];
const TTY = GLib.log_writer_supports_color(2);
// GLib 2.80 moved Gio.UnixOutputStream to GioUnix.OutputStream (gi://GioUnix,
// absent before 2.80; the old name prints a deprecation warning on GJS >= 1.80).
const UnixOutputStream = (() => {
    try {
        return imports.gi.GioUnix.OutputStream;
    } catch {
        return Gio.UnixOutputStream;
    }
})();
const stderr = new UnixOutputStream({ fd: 2, close_fd: false });
const encoder = new TextEncoder();

function usage(message) {
    printerr(`kaa-hash: ${message}\nusage: gjs -m examples/hash/main.js [--algorithm ${ALGORITHMS.join('|')}] FILE...`);
    system.exit(2);
}

function parseArgs(argv) {
    let algorithm = 'sha256';
    const files = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === '--algorithm' || argv[i] === '-a')
            algorithm = argv[++i];
        else if (argv[i].startsWith('--algorithm='))
            algorithm = argv[i].slice('--algorithm='.length);
        else
            files.push(argv[i]);
    }
    if (!ALGORITHMS.includes(algorithm))
        usage(`unknown algorithm ${algorithm}`);
    if (!files.length)
        usage('no files given');
    return { algorithm, files };
}

// Runs in a worker: only its arguments and the worker's globals (imports, kaa) exist there.
const hashFile = kaa.threaded({ progress: true })((status, path, algorithm) => {
    const { GLib: G, Gio: F } = imports.gi;
    const file = F.File.new_for_path(path);
    status.set(0, file.query_info('standard::size', F.FileQueryInfoFlags.NONE, null).get_size());
    const checksum = new G.Checksum(G.ChecksumType[algorithm.toUpperCase()]);
    const stream = file.read(null);
    try {
        for (;;) {
            const bytes = stream.read_bytes(1 << 20, null);
            if (bytes.get_size() === 0)
                break;
            checksum.update(bytes.toArray());
            status.update(bytes.get_size());
        }
    } finally {
        stream.close(null);
    }
    return checksum.get_string();
});

const mib = n => (n / 1048576).toFixed(1);

/** One progress line for all files: bar, files done, bytes hashed. */
function progressLine(jobs, done) {
    let pos = 0, max = 0;
    for (const job of jobs) {
        pos += job.progress?.pos ?? 0;
        max += job.progress?.max ?? 0;
    }
    const fraction = max ? pos / max : 0;
    const width = 24;
    const filled = Math.round(fraction * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(fraction * 100)).padStart(3)}% ` +
        `${done}/${jobs.length} files, ${mib(pos)}/${mib(max)} MiB`;
}

function main() {
    const { algorithm, files } = parseArgs(ARGV);
    const jobs = files.map(path => hashFile(path, algorithm));
    let done = 0;
    let next = 0; // results are printed in argument order
    let status = 0;
    let lastDraw = 0;
    const draw = (force = false) => {
        const now = GLib.get_monotonic_time();
        if (!force && now - lastDraw < (TTY ? 100000 : 1000000))
            return;
        lastDraw = now;
        const line = progressLine(jobs, done);
        stderr.write_all(encoder.encode(TTY ? `\r\x1b[2K${line}` : `${line}\n`), null);
    };
    const flush = () => {
        for (; next < jobs.length && jobs[next].finished; next++) {
            if (TTY)
                stderr.write_all(encoder.encode('\r\x1b[2K'), null);
            if (jobs[next].failed) {
                printerr(`kaa-hash: ${files[next]}: ${jobs[next].exception?.message ?? jobs[next].exception}`);
                status = 1;
            } else {
                print(`${jobs[next].result}  ${files[next]}`);
            }
        }
    };
    const finished = () => {
        done++;
        flush();
        if (done < jobs.length) {
            draw(true);
            return;
        }
        if (!TTY)
            draw(true);
        kaa.main.stop();
    };
    for (const job of jobs) {
        job.progress.signals.updated.connect(() => draw());
        job.connectBoth(finished, finished); // a failure is printed by flush(), in order
    }
    draw(true);
    return () => status;
}

let exitStatus = () => 0;
new kaa.OneShotTimer(() => {
    exitStatus = main();
}).start(0);
kaa.main.run();
system.exit(exitStatus());
