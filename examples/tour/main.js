// The kaa tour: what `npm start` runs. A few seconds through kaa's layers —
// signals, timers, a coroutine, an InProgress, then (where this build has
// them) a child Process, a Socket echo on loopback and a threaded() worker —
// with a progress bar on the terminal. Exits 0 when every section passed.
//
//   npm start                                   # builds, then runs this file
//   npm run build && gjs -m examples/tour/main.js
//
// Each section is guarded on its export, so the tour runs on any build:
// a section whose layer is missing prints "skipped" and the tour goes on.
// The whole tour is one kaa coroutine; the loop is started synchronously at
// the top level of this module (never after an `await`: the GJS 1.74 trap).
import Gio from 'gi://Gio';
import GLib from 'gi://GLib';
import system from 'system';
import * as kaa from '../../dist/kaa.js';

const TTY = GLib.log_writer_supports_color(1);
// GLib 2.80 moved Gio.UnixOutputStream to GioUnix.OutputStream (gi://GioUnix,
// absent before 2.80; the old name prints a deprecation warning on GJS >= 1.80).
const UnixOutputStream = (() => {
    try {
        return imports.gi.GioUnix.OutputStream;
    } catch {
        return Gio.UnixOutputStream;
    }
})();
const stdout = new UnixOutputStream({ fd: 1, close_fd: false });
const encoder = new TextEncoder();
const bar = new kaa.InProgressStatus();
let section = 0; // sections done
let barLine = '';

/**
 * Draws the tour's progress bar: the whole tour, with `fraction` of the
 * current section done. On a terminal it is redrawn in place on the last
 * line (written straight to fd 1: `print()` always ends a line); elsewhere
 * it is printed as a line of its own.
 */
function drawProgress(label, fraction = 0) {
    bar.set(section + Math.min(1, fraction));
    barLine = `${bar.getProgressbar(30)} ${String(Math.round(bar.percentage)).padStart(3)}% ${label}`;
    if (TTY)
        stdout.write_all(encoder.encode(`\r\x1b[2K${barLine}`), null);
    else
        print(barLine);
}

/** Prints a line of the tour above the progress bar. */
function say(text) {
    if (TTY)
        stdout.write_all(encoder.encode('\r\x1b[2K'), null);
    print(text);
    if (TTY && barLine)
        stdout.write_all(encoder.encode(barLine), null);
}

/** Signals: typed, re-entrant, and an InProgress for the next emission. */
function* signalsSection() {
    const door = new kaa.Signals('opened', 'closed');
    door.opened.connect(who => say(`  signal: ${who} opened the door`));
    door.closed.connectOnce(() => say('  signal: closed (a connectOnce handler, gone now)'));
    const next = door.closed.inprogress();
    door.opened.emit('Alice');
    new kaa.OneShotTimer(() => door.closed.emit()).start(0.05);
    yield next;
    say(`  signal: ${door.closed.count} handler(s) left on "closed"`);
}

/** Timers: a periodic Timer that stops itself, a OneShotTimer, timed(). */
function* timersSection() {
    let ticks = 0;
    const done = new kaa.InProgress();
    const timer = new kaa.Timer(() => {
        ticks++;
        drawProgress(`timer tick ${ticks}`, ticks / 10);
        if (ticks < 5)
            return true;
        done.finish(ticks);
        return false; // returning false stops a Timer
    });
    timer.start(0.1);
    say(`  timer: ${yield done} ticks 0.1 s apart`);
    const later = new kaa.InProgress();
    new kaa.OneShotTimer(msg => later.finish(msg), 'fired once').start(0.1);
    say(`  one-shot timer: ${yield later}`);
    let calls = 0;
    const debounced = kaa.timed(0.1, { timer: kaa.OneShotTimer, policy: kaa.POLICY_RESTART })(() => {
        calls++;
    });
    for (let i = 0; i < 5; i++)
        debounced();
    yield kaa.delay(0.2);
    say(`  timed(POLICY_RESTART): 5 calls debounced into ${calls}`);
}

/** A coroutine: a generator resumed by the loop, with its own progress. */
function* coroutineSection() {
    const countdown = kaa.coroutine(function* (status, n) {
        status.set(0, n);
        for (let i = n; i > 0; i--) {
            yield kaa.delay(0.1);
            status.update();
        }
        return 'liftoff';
    }, { progress: true });
    const job = countdown(5);
    job.progress.signals.updated.connect(s => drawProgress(`countdown ${s.pos}/${s.max}`, s.pos / s.max));
    say(`  coroutine: ${yield job}`);
}

/** InProgress: finished from a callback, combined, timed out. */
function* inprogressSection() {
    const a = kaa.delay(0.05).then(() => 'a');
    const b = new kaa.InProgress();
    new kaa.OneShotTimer(() => b.finish('b')).start(0.1);
    const both = yield kaa.InProgress.all(a, b);
    say(`  InProgress.all: ${JSON.stringify(both)}`);
    const never = new kaa.InProgress();
    try {
        yield never.timeout(0.1);
    } catch (error) {
        say(`  timeout: ${error.name} after 0.1 s`);
    }
    const answer = yield Promise.resolve(42);
    say(`  a Promise yielded from a coroutine: ${answer}`);
}

/** A child process: its output line by line, and its exit code. */
function* processSection() {
    const proc = new kaa.Process(['sh', '-c', 'for i in 1 2 3; do echo "line $i"; sleep 0.05; done; exit 3']);
    proc.signals.readline.connect((line, stream) => say(`  process ${stream}: ${line.trimEnd()}`));
    const code = yield proc.start();
    say(`  process: exited with ${code}`);
    const [out] = yield new kaa.Process(['uname', '-s']).communicate();
    say(`  process: communicate() → ${out.trim()}`);
}

/** A Socket echo server and a client on loopback. */
function* socketSection() {
    const server = new kaa.Socket();
    server.listen('127.0.0.1:0');
    server.signals.newClient.connect(client => {
        client.signals.readline.connect(line => {
            client.write(`echo: ${line}`);
        });
    });
    const client = new kaa.Socket();
    yield client.connect(`127.0.0.1:${server.local.port}`);
    client.write('hello kaa\n');
    const reply = yield client.readline();
    say(`  socket: ${reply.trimEnd()} (server on port ${server.local.port})`);
    yield client.close();
    yield server.close();
}

/** A threaded() call: the function runs in a worker process, with progress. */
function* workerSection() {
    const countPrimes = kaa.threaded({ progress: true })(function (status, limit) {
        let found = 0;
        for (let n = 2; n < limit; n++) {
            let prime = true;
            for (let d = 2; d * d <= n; d++) {
                if (n % d === 0) {
                    prime = false;
                    break;
                }
            }
            if (prime)
                found++;
            if (n % 5000 === 0)
                status.set(n, limit);
        }
        return found;
    });
    const job = countPrimes(200000);
    job.progress.signals.updated.connect(s => drawProgress(`worker ${Math.round(s.percentage)}%`, s.percentage / 100));
    say(`  worker: ${yield job} primes below 200000, counted in a worker process`);
}

const sections = [
    ['signals', 'Signals', signalsSection],
    ['timers', 'Timer', timersSection],
    ['coroutine', 'coroutine', coroutineSection],
    ['InProgress', 'InProgress', inprogressSection],
    ['process', 'Process', processSection],
    ['socket', 'Socket', socketSection],
    ['worker', 'threaded', workerSection],
];

const tour = kaa.coroutine(function* () {
    const live = sections.filter(([, name]) => typeof kaa[name] === 'function');
    bar.set(0, live.length);
    for (const [title, name, body] of sections) {
        if (!live.some(s => s[0] === title)) {
            say(`  ${title}: skipped (kaa.${name} is not in this build)`);
            continue;
        }
        say(title);
        yield* body();
        section++;
        drawProgress(`${title} done`);
    }
    return live.map(([title]) => title);
});

print(`kaa ${kaa.VERSION} tour`);
let failure = null;
tour().connectBoth(live => {
    barLine = '';
    say(`tour done: ${live.length} of ${sections.length} sections live (${live.join(', ')})`);
    kaa.main.stop();
}, error => {
    failure = error;
    kaa.main.stop();
});
const status = kaa.main.run();
if (failure) {
    printerr(`tour failed: ${failure?.stack ?? failure}`);
    system.exit(1);
}
system.exit(status);
