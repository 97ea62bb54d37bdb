// A GTK 4 app on kaa: a clock label driven by a kaa Timer, a command whose
// output is streamed into a Gtk.TextView through kaa.Process, and a
// CPU-bound job run by threaded() in a worker process, with a
// Gtk.ProgressBar fed by the job's progress.
//
//   npm run build && gjs -m examples/gtk-app/main.js
//
// The Gtk.Application is kaa's loop: `kaa.main.init('gtk')` then
// `kaa.main.run({application})`. `kaa.main.stop()` quits the application,
// closing the window ends `run()`, and the application's shutdown is kaa's
// (a command still running is stopped, workers too).
//
// Driving it without hands (the spec test/examples/gtk-app.gtk.spec.ts does):
//   KAA_DEMO_AUTOCLICK=1       click "Run", then "Start job", print what the
//                              widgets show (`output: …`, `progress: …`,
//                              `clock: …`) and quit;
//   KAA_DEMO_SCREENSHOT=FILE   before quitting, save a PNG of the window,
//                              rendered by GTK itself (no extra package).
// Each feature is guarded on its export: on a build without kaa.Process the
// Run button is disabled; without kaa.threaded the job runs as a kaa
// coroutine on the main loop instead of in a worker.
import GLib from 'gi://GLib';
import Gio from 'gi://Gio';
import Gtk from 'gi://Gtk?version=4.0';
import system from 'system';
import * as kaa from '../../dist/kaa.js';

const AUTOCLICK = GLib.getenv('KAA_DEMO_AUTOCLICK') === '1';
const SCREENSHOT = GLib.getenv('KAA_DEMO_SCREENSHOT');
const DEFAULT_COMMAND = 'sh -c \'for i in 1 2 3 4 5; do echo "line $i from $(uname -s)"; sleep 0.1; done\'';
const JOB_ROUNDS = 30000;
const HAS_PROCESS = typeof kaa.Process === 'function';
const HAS_WORKERS = typeof kaa.threaded === 'function';

/**
 * The job: hashes a string `rounds` times, reporting progress. It runs in a
 * worker process, so it sees only its arguments and the worker's globals
 * (`GLib`, `Gio`, `kaa` …), never this module's variables.
 */
function hashRounds(status, rounds) {
    let digest = 'kaa';
    for (let i = 1; i <= rounds; i++) {
        digest = GLib.compute_checksum_for_string(GLib.ChecksumType.SHA256, digest, -1);
        if (i % 1000 === 0)
            status.set(i, rounds);
    }
    return digest;
}

/** The same job as a coroutine on the main loop, for builds without workers. */
const hashOnMainLoop = kaa.coroutine(function* (status, rounds) {
    let digest = 'kaa';
    for (let i = 1; i <= rounds; i++) {
        digest = GLib.compute_checksum_for_string(GLib.ChecksumType.SHA256, digest, -1);
        if (i % 1000 === 0) {
            status.set(i, rounds);
            yield kaa.NotFinished; // let GTK draw between slices
        }
    }
    return digest;
}, { progress: true });

const startJob = HAS_WORKERS ? kaa.threaded({ progress: true })(hashRounds) : hashOnMainLoop;

/**
 * Renders `widget` with GTK's own renderer and saves it as a PNG.
 * Returns false when the window has not been drawn yet (nothing to render).
 */
function saveScreenshot(widget, path) {
    const renderer = widget.get_native()?.get_renderer();
    if (!widget.get_mapped() || !renderer)
        return false;
    const paintable = new Gtk.WidgetPaintable({ widget });
    const snapshot = new Gtk.Snapshot();
    paintable.snapshot(snapshot, widget.get_width(), widget.get_height());
    const node = snapshot.to_node();
    if (!node)
        return false;
    GLib.mkdir_with_parents(GLib.path_get_dirname(path), 0o755);
    if (!renderer.render_texture(node, null).save_to_png(path))
        throw new Error(`could not write ${path}`);
    return true;
}

/** The window and what its buttons do. */
class DemoWindow {
    constructor(app) {
        this.window = new Gtk.ApplicationWindow({ application: app, title: 'kaa GTK demo', default_width: 560, default_height: 420 });
        const box = new Gtk.Box({ orientation: Gtk.Orientation.VERTICAL, spacing: 8, margin_top: 12, margin_bottom: 12, margin_start: 12, margin_end: 12 });
        this.clock = new Gtk.Label({ css_classes: ['title-1'] });
        box.append(this.clock);

        const row = new Gtk.Box({ spacing: 6 });
        this.entry = new Gtk.Entry({ text: DEFAULT_COMMAND, hexpand: true });
        this.runButton = new Gtk.Button({ label: 'Run', sensitive: HAS_PROCESS });
        if (!HAS_PROCESS)
            this.runButton.set_tooltip_text('kaa.Process is not in this build');
        row.append(this.entry);
        row.append(this.runButton);
        box.append(row);

        this.buffer = new Gtk.TextBuffer();
        const view = new Gtk.TextView({ buffer: this.buffer, editable: false, monospace: true, cursor_visible: false });
        this.scroller = new Gtk.ScrolledWindow({ child: view, vexpand: true });
        box.append(this.scroller);

        const jobRow = new Gtk.Box({ spacing: 6 });
        this.progress = new Gtk.ProgressBar({ show_text: true, text: 'idle', hexpand: true, valign: Gtk.Align.CENTER });
        this.jobButton = new Gtk.Button({ label: HAS_WORKERS ? 'Start job (worker)' : 'Start job (main loop)' });
        jobRow.append(this.progress);
        jobRow.append(this.jobButton);
        box.append(jobRow);
        this.window.set_child(box);

        /** The running command's InProgress of its exit code, and the job's. */
        this.command = null;
        this.job = null;
        this.runButton.connect('clicked', () => this.onRun());
        this.entry.connect('activate', () => this.onRun());
        this.jobButton.connect('clicked', () => this.onJob());

        // The clock: a kaa Timer, updated at once and then every second.
        // It is stopped with the window; the loop's shutdown stops it anyway.
        this.clockTimer = new kaa.Timer(() => {
            this.clock.set_label(GLib.DateTime.new_now_local().format('%H:%M:%S'));
        });
        this.clockTimer.start(1, { now: true });
        this.window.connect('close-request', () => {
            this.clockTimer.stop();
            return false;
        });
    }

    append(text) {
        this.buffer.insert(this.buffer.get_end_iter(), `${text}\n`, -1);
        const adj = this.scroller.get_vadjustment();
        adj.set_value(adj.get_upper());
    }

    /** Runs the entry's command (or stops the running one), streaming its lines into the view. */
    onRun() {
        if (!HAS_PROCESS)
            return;
        if (this.command && !this.command.finished) {
            this.process.stop();
            return;
        }
        this.buffer.set_text('', -1);
        this.process = new kaa.Process(this.entry.get_text());
        this.process.signals.readline.connect((line, stream) => {
            this.append(stream === 'stderr' ? `! ${line.trimEnd()}` : line.trimEnd());
        });
        this.runButton.set_label('Stop');
        this.command = this.process.start();
        this.command.connectBoth(code => {
            this.append(`[exit ${code}]`);
        }, error => {
            this.append(`[could not run: ${error.message}]`);
        });
        this.command.connectBoth(() => this.runButton.set_label('Run'), () => this.runButton.set_label('Run'));
    }

    /** Starts the hashing job; its progress drives the progress bar. */
    onJob() {
        if (this.job && !this.job.finished)
            return;
        this.jobButton.set_sensitive(false);
        this.progress.set_fraction(0);
        this.progress.set_text('0 %');
        this.job = startJob(JOB_ROUNDS);
        this.job.progress.signals.updated.connect(status => {
            this.progress.set_fraction(status.percentage / 100);
            this.progress.set_text(`${Math.round(status.percentage)} %`);
        });
        this.job.connectBoth(digest => {
            this.progress.set_fraction(1);
            this.progress.set_text(`done: ${digest.slice(0, 12)}…`);
            this.jobButton.set_sensitive(true);
        }, error => {
            this.progress.set_text(`failed: ${error.message}`);
            this.jobButton.set_sensitive(true);
        });
    }

    text() {
        return this.buffer.get_text(this.buffer.get_start_iter(), this.buffer.get_end_iter(), false);
    }
}

/** KAA_DEMO_AUTOCLICK: clicks through the window and prints what it shows, then quits. */
const autoclick = kaa.coroutine(function* (demo) {
    print(`features: process=${HAS_PROCESS ? 'yes' : 'no'} workers=${HAS_WORKERS ? 'yes' : 'no'}`);
    yield kaa.delay(0.2); // the window is mapped and drawn
    if (HAS_PROCESS) {
        demo.runButton.emit('clicked');
        yield demo.command;
        print(`output: ${JSON.stringify(demo.text())}`);
    }
    demo.jobButton.emit('clicked');
    yield demo.job;
    print(`progress: ${demo.progress.get_fraction().toFixed(2)} ${JSON.stringify(demo.progress.get_text())}`);
    print(`job ran in: ${typeof demo.job.pid === 'number' ? 'a worker process' : 'the main loop'}`);
    print(`clock: ${demo.clock.get_label()}`);
    if (SCREENSHOT) {
        yield kaa.delay(0.1); // one more frame with the final state
        // Under load the window's first frames can come late: try each 0.1 s.
        for (let frames = 0; !saveScreenshot(demo.window, SCREENSHOT); frames++) {
            if (frames === 100)
                throw new Error('the window was not drawn within 10 s');
            yield kaa.delay(0.1);
        }
        print(`screenshot: ${SCREENSHOT}`);
    }
});

const app = new Gtk.Application({ application_id: 'org.kaa.examples.GtkApp', flags: Gio.ApplicationFlags.NON_UNIQUE });
app.connect('activate', () => {
    const demo = new DemoWindow(app);
    demo.window.set_focus(demo.runButton);
    demo.window.present();
    if (AUTOCLICK) {
        autoclick(demo).connectBoth(() => kaa.main.stop(), error => {
            printerr(`autoclick failed: ${error}\n${error?.stack ?? ''}`);
            throw new kaa.SystemExit(1);
        });
    }
});

kaa.main.init('gtk');
system.exit(kaa.main.run({ application: app, argv: [system.programInvocationName, ...ARGV] }));
